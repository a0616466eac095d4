#!/usr/bin/env bash
# Cold build of !Debian bookworm + !Install [python3] against the floor (mmdebstrap + apt-get install
# by hand) in the same run, then the start overhead of a command whose container is built.
# Prints numbers; asserts nothing. Needs root, mmdebstrap and the machine's apt sources (network).
#   bench/distro.sh [ROUNDS]   (default 1; each round is a cold build of each, about a minute each)
#   VAGGA_BEFORE=DIR/vagga bench/distro.sh N: each round also builds with that other vagga (a copy of
#   an earlier build/), in alternating order with this one, for before/after numbers from one run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
VAGGA=${VAGGA:-${here%/*}/build/vagga}
rounds=${1:-1}
work=$(mktemp -d /var/tmp/vagga-bench-distro.XXXXXX)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
mkdir -p "$work/project"
cat > "$work/project/vagga.yaml" <<'YAML'
containers:
  deb:
    setup:
    - !Debian bookworm
    - !Install [python3]
  host:
    setup:
    - !HostRoot
commands:
  in-deb: !Command
    container: deb
    run: [/bin/true]
  in-host: !Command
    container: host
    run: [/bin/true]
YAML

# timed CMD...: runs it, appends "wall user+sys" (seconds, children included) to $work/times
timed() {
    /usr/bin/time -f '%e %U %S' -o "$work/time.out" "$@"
    local rc=$?
    awk '{printf "%.1f %.1f\n", $1, $2 + $3}' "$work/time.out" >> "$work/times"
    return $rc
}
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
# cold VAGGA: one cold build with that binary, appends its times (wall, CPU) to $work/times
cold() {
    rm -rf "$work/cache" "$work/project/.vagga"
    (cd "$work/project" && VAGGA_SETTINGS="cache-dir: $work/cache" timed "$1" _build deb > "$work/build.log" 2>&1) \
        || { echo "vagga _build failed:"; tail -5 "$work/build.log"; exit 1; }
}
echo "| round | floor: mmdebstrap + apt-get install, wall (s) | CPU user+sys (s) | vagga _build, cold cache, wall (s) | CPU user+sys (s) | ratio wall | ratio CPU |${VAGGA_BEFORE:+ before: wall (s) | CPU (s) | ratio CPU |} load at the round's start |"
echo "|---|---|---|---|---|---|---|${VAGGA_BEFORE:+---|---|---|}---|"
for ((r = 1; r <= rounds; r++)); do
    : > "$work/times"
    : > "$work/times.before"
    load=$(cut -d' ' -f1 /proc/loadavg)
    # the floor: the same bootstrap and install by hand (lists kept, as vagga keeps them)
    rm -rf "$work/floor"
    timed sh -c 'mmdebstrap --quiet --variant=minbase --mode=root --skip=cleanup/apt/lists bookworm "$1" > /dev/null 2>&1 &&
        chroot "$1" sh -c "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 > /dev/null"' floor "$work/floor"
    rm -rf "$work/floor"
    # vagga with an empty cache directory: bootstrap, cache the base, install inside the container
    if [ -n "${VAGGA_BEFORE:-}" ] && ((r % 2 == 1)); then
        cold "$VAGGA_BEFORE" && tail -1 "$work/times" >> "$work/times.before" && sed -i '$d' "$work/times"
    fi
    cold "$VAGGA"
    if [ -n "${VAGGA_BEFORE:-}" ] && ((r % 2 == 0)); then
        cold "$VAGGA_BEFORE" && tail -1 "$work/times" >> "$work/times.before" && sed -i '$d' "$work/times"
    fi
    cat "$work/times.before" >> "$work/times"
    awk -v r="$r" -v load="$load" 'NR == 1 {fw = $1; fc = $2} NR == 2 {vw = $1; vc = $2} NR == 3 {bw = $1; bc = $2}
        END { printf "| %d | %.1f | %.1f | %.1f | %.1f | %.2fx | %.2fx |", r, fw, fc, vw, vc, vw / fw, vc / fc
              if (NR == 3) printf " %.1f | %.1f | %.2fx |", bw, bc, bc / fc
              printf " %s |\n", load }' "$work/times"
done

# one package more in !Install: what the rebuild downloads (apt's "Get:" lines for .debs)
sed -i 's/- !Install \[python3\]/- !Install [python3, tree]/' "$work/project/vagga.yaml"
: > "$work/times"
(cd "$work/project" && VAGGA_SETTINGS="cache-dir: $work/cache" timed "$VAGGA" _build deb > "$work/rebuild.log" 2>&1) \
    || { echo "vagga _build (one more package) failed:"; tail -5 "$work/rebuild.log"; exit 1; }
echo
echo "| rebuild after adding tree to !Install | wall (s) | CPU user+sys (s) | packages downloaded |"
echo "|---|---|---|---|"
awk -v got="$(awk '/^Get:/ && $5 !~ /^\[/ && $6 !~ /^\[/ {print $5}' "$work/rebuild.log" | sort -u | paste -sd, -)" \
    '{ printf "| !Install [python3, tree] | %.1f | %.1f | %s |\n", $1, $2, got == "" ? "none" : got }' "$work/times"
sed -i 's/- !Install \[python3, tree\]/- !Install [python3]/' "$work/project/vagga.yaml"
(cd "$work/project" && VAGGA_SETTINGS="cache-dir: $work/cache" "$VAGGA" _build deb > /dev/null 2>&1)

# start overhead: the built Debian container vs a !HostRoot one (nothing to check), median of 11
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
for cmd in in-deb in-host; do
    for i in $(seq 11); do
        t0=$(now)
        (cd "$work/project" && VAGGA_SETTINGS="cache-dir: $work/cache" "$VAGGA" $cmd > /dev/null 2>&1)
        t1=$(now)
        echo "($t1 - $t0) * 1000" | bc
    done | median > "$work/$cmd.ms"
done
echo
echo "| start of a command (median of 11, ms) | built !Debian container | !HostRoot | difference |"
echo "|---|---|---|---|"
awk -v d="$(cat "$work/in-deb.ms")" -v h="$(cat "$work/in-host.ms")" \
    'BEGIN { printf "| /bin/true | %.0f | %.0f | %+.0f |\n", d, h, d - h }'
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
