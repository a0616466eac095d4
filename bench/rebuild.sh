#!/usr/bin/env bash
# Step-by-step reuse (issue 16): !Debian bookworm + !Install [python3, build-essential] + !Sh, then
# the last !Sh changed: the rebuild's time against the time of that !Sh alone (run in the built
# container), and the disk the saved steps take. Prints numbers; asserts nothing. Needs root and
# the machine's apt sources (network); about 3 minutes (the cold build).
#   bench/rebuild.sh [ROUNDS]   (default 3 rebuilds, each after a change of the last !Sh; then as many
#   with a heavier !Sh, ~0.7 s instead of ~0.1 s: a rebuild's own cost is fixed, its ratio is not)
#   OLD=/other/build/vagga bench/rebuild.sh 40   (each round twice, that vagga's then this one's, on the
#   same project and saved steps; then the medians of both: this machine's speed drifts, so only
#   alternated runs compare)
set -u
here=$(cd "$(dirname "$0")" && pwd)
VAGGA=${VAGGA:-${here%/*}/build/vagga}
rounds=${1:-3}
work=$(mktemp -d /var/tmp/vagga-bench-rebuild.XXXXXX)
# KEEP=1: the project is left in $work for a look (printed at the end)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
# the package cache is kept between runs (only downloads: the build itself is cold)
export VAGGA_SETTINGS="cache-dir: /var/tmp/vagga-bench-rebuild-cache"
# each vagga its own config cache, as a user has: alternated, two builds would refuse each other's
# entries (an entry is its build's alone), and every rebuild would parse vagga.yaml
export XDG_CACHE_HOME=$work/cache-new
mkdir -p "$work/project"
cd "$work/project"
cat > vagga.yaml <<'YAML'
containers:
  deb:
    setup:
    - !Debian bookworm
    - !Install [python3, build-essential]
    - !Sh |
        echo ROUND > /etc/round
        printf 'int main(void) { return 0; }\n' > /tmp/x.c
        gcc -O2 -o /usr/local/bin/x /tmp/x.c
        python3 -c 'print(sum(range(3000000)))' > /etc/sum
YAML
now() { date +%s.%N; }
cpu() { awk '{print $1 + $2}' "$work/time"; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
t0=$(now)
/usr/bin/time -f '%U %S' -o "$work/time" "$VAGGA" _build deb > "$work/build.log" 2>&1 \
    || { echo "cold build failed:"; tail -5 "$work/build.log"; exit 1; }
t1=$(now)
echo
echo "cold build: $(echo "$t1 - $t0" | bc) s wall, $(cpu) s CPU (vagga and its children)"
grep -E 'saved the root|reusing' "$work/build.log" | sed 's/^/    /'
echo
echo "| round | vagga | !Sh | load | rebuild after changing the last !Sh (s) | CPU (s) | that !Sh alone in the built container (s) | its CPU (s) | ratio wall | ratio CPU | root made by |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
rows=$work/rows
: > "$rows"
VAGGA_NEW=$VAGGA
runs=$((2 * rounds))
[ -z "${OLD:-}" ] || runs=$((4 * rounds))
for ((i = 1; i <= runs; i++)); do
    # with OLD: odd i is OLD's run of round r, even i this vagga's
    if [ -n "${OLD:-}" ]; then
        r=$(((i + 1) / 2)) who=old VAGGA=$OLD
        ((i % 2 == 0)) && who=new VAGGA=$VAGGA_NEW
        export XDG_CACHE_HOME=$work/cache-$who
    else
        r=$i who=new
    fi
    size=small
    if ((r > rounds)); then
        size=heavy # python sums ten times as far
        sed -i "s/sum(range(3000000))/sum(range(30000000))/" vagga.yaml
    fi
    sed -i "s/echo [A-Z0-9]* > \/etc\/round/echo R$i > \/etc\/round/" vagga.yaml
    script=$(sed -n '/- !Sh |/,$p' vagga.yaml | tail -n +2 | sed 's/^        //')
    t0=$(now)
    /usr/bin/time -f '%U %S' -o "$work/time" "$VAGGA" _build deb > "$work/rebuild.log" 2>&1 \
        || { echo "rebuild failed:"; tail -5 "$work/rebuild.log"; exit 1; }
    t1=$(now)
    c=$(cpu)
    grep -q 'reusing the root' "$work/rebuild.log" || echo "(round $r: no saved step was reused)"
    how=copied
    grep -q 'reused the unused root' "$work/rebuild.log" && how=recycled
    load=$(cut -d' ' -f1 /proc/loadavg)
    # the !Sh alone: the same script in the container just built (its own tmp; no build around it)
    t2=$(now)
    /usr/bin/time -f '%U %S' -o "$work/time" "$VAGGA" _run deb sh -ec "$(echo "$script" | sed 's|/usr/local/bin/x|/tmp/x.out|; s|> /etc/[a-z]*|> /dev/null|')" > /dev/null 2>&1 \
        || echo "(the !Sh alone failed)"
    t3=$(now)
    awk -v r="$r" -v w="$who" -v z="$size" -v l="$load" -v b="$(echo "$t1 - $t0" | bc)" -v c="$c" -v s="$(echo "$t3 - $t2" | bc)" -v sc="$(cpu)" -v h="$how" \
        'BEGIN { printf "| %d | %s | %s | %s | %.3f | %.2f | %.3f | %.2f | %.2fx | %.2fx | %s |\n", r, w, z, l, b, c, s, sc, b / s, c / sc, h }' | tee -a "$rows"
done
VAGGA=$VAGGA_NEW
echo
# medians per vagga and !Sh size: columns 6 (rebuild s), 8 (alone s), 10 (ratio wall, "1.23x")
for who in ${OLD:+old} new; do
    for size in small heavy; do
        awk -F' *[|] *' -v w="$who" -v z="$size" '$3 == w && $4 == z { sub(/x$/, "", $10); print $6, $8, $10 }' "$rows" > "$work/sel"
        [ -s "$work/sel" ] || continue
        med() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
        mb=$(cut -d' ' -f1 "$work/sel" | med) ma=$(cut -d' ' -f2 "$work/sel" | med)
        # two statistics: the median of the rounds' ratios (each rebuild over the !Sh alone run right
        # after it), and the ratio of the two medians (less moved by one slow round of either)
        echo "$who vagga, $size !Sh, $(wc -l < "$work/sel") rounds: median rebuild $mb s, median !Sh alone $ma s, median ratio $(cut -d' ' -f3 "$work/sel" | med)x, ratio of the medians $(awk -v b="$mb" -v a="$ma" 'BEGIN {printf "%.3f", b / a}')x, rebuild minus !Sh alone $(awk -v b="$mb" -v a="$ma" 'BEGIN {printf "%.1f", (b - a) * 1000}') ms"
    done
done
echo
root_kb=$(du -sk .vagga/.roots | cut -f1)
steps_kb=$(du -sk .vagga/.steps 2>/dev/null | cut -f1)
both_kb=$(du -skc .vagga/.roots .vagga/.steps 2>/dev/null | tail -1 | cut -f1)
echo "disk: roots $((root_kb / 1024)) MB ($(ls .vagga/.roots | wc -l) roots); saved steps $((${steps_kb:-0} / 1024)) MB ($(ls .vagga/.steps 2>/dev/null | wc -l) saved); both $((both_kb / 1024)) MB (a file in both counted once); filesystem: $(stat -f -c %T .)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -z "${KEEP:-}" ] || echo "kept: $work"
