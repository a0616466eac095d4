#!/bin/sh
# The command and a child in its process group both log TERM; the command exits 3 once the child is gone.
trap 'echo main TERM >> /work/log' TERM
sh -c 'trap "echo child TERM >> /work/log; exit 0" TERM; echo > /work/child-ready; while :; do sleep 0.05; done' &
until [ -e /work/child-ready ]; do sleep 0.02; done
echo ready > /work/ready
wait
wait
exit 3
