#!/bin/sh
# Leaves five orphans that exit at once, then succeeds only when PID 1 has reaped every one of them.
for i in 1 2 3 4 5; do
    (sh -c 'echo $$ >> /work/orphans' &)
done
tries=0
until [ "$(wc -l < /work/orphans 2>/dev/null)" = 5 ]; do
    tries=$((tries + 1)); [ $tries -lt 500 ] || { echo "orphans did not run"; exit 1; }
    sleep 0.02
done
for pid in $(cat /work/orphans); do
    tries=0
    # A zombie keeps its /proc entry until its parent (here PID 1) reaps it.
    while [ -e /proc/$pid ]; do
        tries=$((tries + 1)); [ $tries -lt 250 ] || { echo "zombie $pid not reaped"; exit 1; }
        sleep 0.02
    done
done
echo reaped
