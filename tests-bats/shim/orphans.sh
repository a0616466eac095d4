#!/bin/sh
# Leaves five orphans that exit at once, then succeeds only when PID 1 has reaped every one of them
# (each wait bounded at 60 s: a loaded machine may take seconds to run five shells).
for i in 1 2 3 4 5; do
    (sh -c 'echo $$ >> /work/orphans' &)
done
tries=0
until [ "$(wc -l 2>/dev/null < /work/orphans)" = 5 ]; do
    tries=$((tries + 1)); [ $tries -lt 3000 ] || { echo "orphans did not run"; exit 1; }
    sleep 0.02
done
for pid in $(cat /work/orphans); do
    tries=0
    # A zombie keeps its /proc entry until its parent (here PID 1) reaps it.
    while [ -e /proc/$pid ]; do
        tries=$((tries + 1)); [ $tries -lt 3000 ] || { echo "zombie $pid not reaped"; exit 1; }
        sleep 0.02
    done
done
echo reaped
