#!/usr/bin/env bash
# The floor "supervisor" the benchmarks compare with: N processes from a shell loop, plain or each in its own namespaces.
# usage: floor.sh plain|unshare|bwrap all N CMD [ARGS...]
#        floor.sh plain|unshare|bwrap first N CMD [ARGS...] -- LAST [ARGS...]
# all:   start N copies of CMD, wait for every one, exit 1 if any failed (vagga's wait-all-successful).
# first: start N-1 copies of CMD and one LAST, and when the first one exits, SIGTERM the others and
#        wait for them (vagga's stop-on-failure).
set -u
tool=$1 mode=$2 n=$3
shift 3
stop=TERM
case $tool in
plain) wrap=() ;;
# unshare ignores SIGTERM while it waits, and its child is PID 1 of the namespace, which the kernel
# shields from signals it has no handler for: only SIGKILL stops it (--kill-child passes it on).
unshare) wrap=(unshare --pid --fork --kill-child --mount --mount-proc) stop=KILL ;;
# the flags, plus --dev /dev: bwrap binds with nodev, so without it even /dev/null cannot be
# opened (sh's `cmd &` needs it). / is bound first so that /proc, /dev and /tmp land on top of it.
bwrap) wrap=(bwrap --unshare-pid --die-with-parent --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp) ;;
*) echo "floor.sh: unknown tool $tool (expected plain, unshare or bwrap)" >&2; exit 2 ;;
esac
cmd=() last=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do cmd+=("$1"); shift; done
[ $# -gt 0 ] && { shift; last=("$@"); }

pids=()
case $mode in
all)
    for ((i = 0; i < n; i++)); do "${wrap[@]}" "${cmd[@]}" & pids+=($!); done
    rc=0
    for p in "${pids[@]}"; do wait "$p" || rc=1; done
    exit $rc
    ;;
first)
    for ((i = 1; i < n; i++)); do "${wrap[@]}" "${cmd[@]}" & pids+=($!); done
    "${wrap[@]}" "${last[@]}" & pids+=($!)
    wait -n
    rc=$?
    kill -$stop "${pids[@]}" 2>/dev/null
    wait
    exit $rc
    ;;
*) echo "floor.sh: unknown mode $mode (expected all or first)" >&2; exit 2 ;;
esac
