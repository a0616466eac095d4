#!/bin/sh
# Leaves a double-forked setsid daemon and a process ignoring SIGTERM behind, then waits forever.
(setsid sh -c 'while :; do sleep 1; done' &)
sh -c 'trap "" TERM; while :; do sleep 1; done' &
readlink /proc/self/ns/pid > /work/ns
echo ready > /work/ready
wait
