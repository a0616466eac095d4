#!/usr/bin/env bash
# The cost of a no-change start (issue 16): a command whose container has a 20,000-file !Copy
# (80 MB) against the same command in a container without it, and 10 children in 10 built containers
# against 10 children in one; and (startup) vagga's own start against another build's (OLD=path).
# Prints wall and CPU (user+sys) medians and the load average; asserts nothing.
#   bench/start.sh [REPS] [SCENARIOS]   (default 11 and "copy,many"; FILES=20000 to change the tree;
#   KEEP=DIR makes the fixture in DIR once and keeps it)
#   OLD=/tmp/old/build/vagga bench/start.sh 15 startup   (--version, _list with a warm and a cold config
#   cache, a 1-child and a 10-child supervise in a !HostRoot container: OLD's and VAGGA's runs alternate)
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
wants() { case ",$scenarios," in *,$1,*) return 0 ;; esac; return 1; }
if { wants copy || wants many; } && [ ! -f "$p/vagga.yaml" ]; then
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

# startup: a !HostRoot project, its own directory
sp=$work/startup
mkdir -p "$sp"
{
    echo "containers: {host: {setup: [!HostRoot]}}"
    echo "commands:"
    echo "  one: !Command {container: host, run: [/bin/true]}"
    for n in 1 10; do
        echo "  run$n: !Supervise"
        echo "    mode: wait-all-successful"
        echo "    children:"
        for i in $(seq $n); do echo "      c$i: !Command {container: host, run: [/bin/true]}"; done
    done
} > "$sp/vagga.yaml"

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
# one_run CMD: "wall_ms cpu_ms" of one vagga run (user+sys of vagga and its children)
# (bash's time: the same rusage as GNU time, in ms, not 10 ms steps)
one_run() {
    local t0 t1 TIMEFORMAT='%3U %3S'
    t0=$EPOCHREALTIME
    { time (cd "${dir:-$p}" && "${vagga:-$VAGGA}" "$@" > /dev/null 2> "$work/err"); } 2> "$work/time" \
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

# startup_row LABEL ARGS...: OLD and VAGGA alternating, each with its own config cache (XDG_CACHE_HOME: an
# entry is only used by the build that wrote it, so two builds sharing one would make every run a miss)
startup_row() {
    local label=$1 i v w u; shift
    rm -f "$work"/s-*.wall "$work"/s-*.cpu
    for ((i = -1; i < reps; i++)); do
        for v in old new; do
            [ $v = old ] && [ -z "${OLD:-}" ] && continue
            read -r w u < <(XDG_CACHE_HOME=$work/cache-$v dir=$sp vagga=$([ $v = old ] && echo "$OLD" || echo "$VAGGA") \
                one_run "$@")
            [ $i -ge 0 ] && { echo "$w" >> "$work/s-$v.wall"; echo "$u" >> "$work/s-$v.cpu"; }
        done
    done
    if [ -n "${OLD:-}" ]; then
        row "$label" s-new s-old
    else
        printf '| %s | %.0f | | | %.0f | | |\n' "$label" "$(median < "$work/s-new.wall")" "$(median < "$work/s-new.cpu")"
    fi
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $reps runs each; $files files"
if wants copy || wants many; then
    echo
    echo "| no-change start (median ms) | wall | baseline wall | difference | CPU user+sys | baseline CPU | difference |"
    echo "|---|---|---|---|---|---|---|"
fi
case ",$scenarios," in *,copy,*)
    run_pair in-big in-small
    row "$files-file !Copy vs none" in-big in-small ;;
esac
case ",$scenarios," in *,many,*)
    run_pair ten one
    row "10 children in 10 built containers vs in 1" ten one ;;
esac
case ",$scenarios," in *,startup,*)
    echo
    echo "vagga: $VAGGA; baseline (OLD): ${OLD:-none}"
    echo
    echo "| start (median ms) | wall | baseline wall | difference | CPU user+sys | baseline CPU | difference |"
    echo "|---|---|---|---|---|---|---|"
    startup_row "--version" --version
    startup_row "_list, config cache warm" _list
    VAGGA_NO_CONFIG_CACHE=1 startup_row "_list, no config cache" _list
    startup_row "a plain !Command (/bin/true)" one
    startup_row "supervise, 1 child" run1
    startup_row "supervise, 10 children" run10 ;;
esac
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
