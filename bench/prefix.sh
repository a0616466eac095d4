#!/usr/bin/env bash
# Throughput of vagga --prefix: a child writing 100 MB of lines as fast as it can, through the prefixer,
# against `cat` of the same data; also checks that no line is lost. Prints numbers, asserts nothing.
# Usage: bench/prefix.sh [MB] [REPS]   (VAGGA=path to measure another build)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
VAGGA=${VAGGA:-${here%/*}/build/vagga}
mb=${1:-100}
reps=${2:-5}
dir=$(mktemp -d /var/tmp/vagga-prefix-bench.XXXXXX)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
# 76-character base64 lines, like a chatty log
head -c $((mb * 1024 * 1024 * 3 / 4)) /dev/urandom | base64 -w 76 > data
bytes=$(stat -c %s data)
lines=$(wc -l < data)
# The child stamps the time around its cat: vagga's start and stop are not part of the number.
cat > stamped.sh <<'SH'
s=$(date +%s%N); cat "$1"; e=$(date +%s%N); echo "ns $((e - s))" >&2
SH
cat > vagga.yaml <<'YAML'
containers: {host: {setup: [!HostRoot]}}
commands:
  flood: !Supervise
    children:
      app: !Command {container: host, run: [sh, /work/stamped.sh, /work/data]}
YAML
# run_once CMD...: CMD's stdout goes to `wc -l` (a pipe, as to a pager or a log collector)
run_once() {
    local got ns
    got=$("$@" 2> err | wc -l)
    [ "$got" -ge "$lines" ] || { echo "lost lines: $got of $lines" >&2; exit 1; }
    ns=$(grep -o 'ns [0-9]*' err | cut -d' ' -f2)
    echo "$ns"
}
best() { sort -n | head -1; }
cat_ns=$(for ((i = 0; i < reps; i++)); do run_once sh stamped.sh data; done | best)
relay() { sh stamped.sh data | cat; }
relay_ns=$(for ((i = 0; i < reps; i++)); do run_once relay; done | best)
plain_ns=$(for ((i = 0; i < reps; i++)); do run_once "$VAGGA" flood; done | best)
prefix_ns=$(for ((i = 0; i < reps; i++)); do run_once "$VAGGA" --prefix flood; done | best)
mbps() { awk -v b="$bytes" -v ns="$1" 'BEGIN { printf "%.0f", b / 1048576 / (ns / 1e9) }'; }
ratio() { awk -v a="$cat_ns" -v b="$1" 'BEGIN { printf "%.2f", a / b }'; }
echo "data: $((bytes / 1048576)) MB, $lines lines, read by wc -l through a pipe; best of $reps"
echo "| the child's cat writes to | MB/s | ratio to cat |"
echo "|---|---|---|"
echo "| wc directly (plain cat) | $(mbps "$cat_ns") | 1.00 |"
echo "| another cat, then wc | $(mbps "$relay_ns") | $(ratio "$relay_ns") |"
echo "| vagga (child in its container, output inherited) | $(mbps "$plain_ns") | $(ratio "$plain_ns") |"
echo "| vagga --prefix (through the prefixer) | $(mbps "$prefix_ns") | $(ratio "$prefix_ns") |"
