#!/bin/sh
# Logs USR1 and TERM to /work/log; TERM ends it with code 7.
trap 'echo USR1 >> /work/log' USR1
trap 'echo TERM >> /work/log; exit 7' TERM
echo $$ > /work/ready
while :; do sleep 0.05; done
