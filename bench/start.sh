#!/usr/bin/env bash
# The cost of a no-change start (issue 16): a command whose container has a 20,000-file !Copy
# (80 MB) against the same command in a container without it, and 10 children in 10 built containers
# against 10 children in one.
# Prints wall and CPU (user+sys) medians and the load average; asserts nothing.
#   bench/start.sh [REPS] [SCENARIOS]   (default 11 and "copy,many"; FILES=20000 to change the tree;
#   KEEP=DIR makes the fixture in DIR once and keeps it)
set -u
here=$(cd "$(dirname "$0")" && pwd)
VAGGA=${VAGGA:-${here%/*}/build/vagga}
reps=${1:-11}
scenarios=${2:-copy,many}
files=${FILES:-20000}
if [ -n "${KEEP:-}" ]; then # KEEP=DIR: the fixture is made there once and kept (for profiling)
    work=$KEEP
else
    work=$(mktemp -d /var/tmp/vagga-bench-start.XXXXXX)
    trap 'rm -rf "$work"' EXIT
fi
p=$work/project
if [ ! -f "$p/vagga.yaml" ]; then
mkdir -p "$p/bb/bin" "$p/src"

# a root that runs: static busybox with its applets as links
cp /bin/busybox "$p/bb/bin/busybox"
/bin/busybox --install -s "$p/bb/bin"
for l in "$p"/bb/bin/*; do [ -L "$l" ] && ln -sf /bin/busybox "$l"; done

# the tree: 200 directories of files of 4 KiB each (80 MB for 20,000)
python3 - "$p/src" "$files" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, "d%03d" % (i % 200))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d.txt" % i), "wb") as f:
        f.write((b"%08d" % i) * 512)
PY

{
    echo "containers:"
    echo "  small: {setup: [!Copy {source: /work/bb, path: /}]}"
    echo "  big: {setup: [!Copy {source: /work/bb, path: /}, !Copy {source: /work/src, path: /src}]}"
    for i in $(seq 10); do
        echo "  c$i: {setup: [!Copy {source: /work/bb, path: /}, !Text {/n: \"$i\"}]}"
    done
    echo "commands:"
    echo "  in-small: !Command {container: small, run: [/bin/true]}"
    echo "  in-big: !Command {container: big, run: [/bin/true]}"
    echo "  one: !Supervise"
    echo "    mode: wait-all-successful"
    echo "    children:"
    for i in $(seq 10); do
        echo "      a$i: !Command {container: c1, run: [/bin/true]}"
    done
    echo "  ten: !Supervise"
    echo "    mode: wait-all-successful"
    echo "    children:"
    for i in $(seq 10); do
        echo "      a$i: !Command {container: c$i, run: [/bin/true]}"
    done
} > "$p/vagga.yaml"

# every input older than git's "racily clean" window, as a checkout a while ago would be
find "$p/bb" "$p/src" -exec touch -h -d '2020-01-01' {} +
fi

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
# one_run CMD: "wall_ms cpu_ms" of one vagga run (GNU time: user+sys of vagga and its children)
one_run() {
    local t0 t1
    t0=$EPOCHREALTIME
    (cd "$p" && /usr/bin/time -f '%U %S' -o "$work/time" "$VAGGA" "$@" > /dev/null 2> "$work/err") \
        || { echo "vagga $* failed:" >&2; cat "$work/err" >&2; exit 1; }
    t1=$EPOCHREALTIME
    awk -v a="$t0" -v b="$t1" '{printf "%.1f %.0f\n", (b - a) * 1000, ($1 + $2) * 1000}' "$work/time"
}
# measure NAME CMD...: median wall and CPU over reps, runs of the cases interleaved by the caller
declare -A wall cpu
row() { # row LABEL A B: the medians of cases A and B and their difference
    local wa wb ca cb
    wa=$(median < "$work/$2.wall"); wb=$(median < "$work/$3.wall")
    ca=$(median < "$work/$2.cpu"); cb=$(median < "$work/$3.cpu")
    awk -v l="$1" -v wa="$wa" -v wb="$wb" -v ca="$ca" -v cb="$cb" \
        'BEGIN { printf "| %s | %.0f | %.0f | %+.0f | %.0f | %.0f | %+.0f |\n", l, wa, wb, wa - wb, ca, cb, ca - cb }'
}
run_pair() { # run_pair A-CMD B-CMD: reps rounds of both, alternating
    local a=$1 b=$2 i
    rm -f "$work/$a".* "$work/$b".*
    one_run "$a" > /dev/null; one_run "$b" > /dev/null # build and warm up
    for ((i = 0; i < reps; i++)); do
        for c in "$a" "$b"; do
            read -r w u < <(one_run "$c")
            echo "$w" >> "$work/$c.wall"; echo "$u" >> "$work/$c.cpu"
        done
    done
}

command -v /usr/bin/time > /dev/null || { echo "needs GNU time (/usr/bin/time)"; exit 1; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $reps runs each; $files files"
echo
echo "| no-change start (median ms) | wall | baseline wall | difference | CPU user+sys | baseline CPU | difference |"
echo "|---|---|---|---|---|---|---|"
case ",$scenarios," in *,copy,*)
    run_pair in-big in-small
    row "$files-file !Copy vs none" in-big in-small ;;
esac
case ",$scenarios," in *,many,*)
    run_pair ten one
    row "10 children in 10 built containers vs in 1" ten one ;;
esac
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
