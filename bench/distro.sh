#!/usr/bin/env bash
# Cold build of !Debian bookworm + !Install [python3] against the floor (mmdebstrap + apt-get install
# by hand) in the same run, then the start overhead of a command whose container is built.
# Prints numbers; asserts nothing. Needs root, mmdebstrap and the machine's apt sources (network).
#   bench/distro.sh [ROUNDS]   (default 1; each round is a cold build of each, about a minute each)
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

echo "| round | floor: mmdebstrap + apt-get install (s) | vagga _build, cold cache (s) | ratio |"
echo "|---|---|---|---|"
for ((r = 1; r <= rounds; r++)); do
    # the floor: the same bootstrap and install by hand (lists kept, as vagga keeps them)
    rm -rf "$work/floor"
    t0=$(now)
    mmdebstrap --quiet --variant=minbase --mode=root --skip=cleanup/apt/lists bookworm "$work/floor" > /dev/null 2>&1
    chroot "$work/floor" sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 > /dev/null'
    t1=$(now)
    rm -rf "$work/floor"
    # vagga with an empty cache directory: bootstrap, cache the base, install inside the container
    rm -rf "$work/cache" "$work/project/.vagga"
    t2=$(now)
    (cd "$work/project" && VAGGA_SETTINGS="cache-dir: $work/cache" "$VAGGA" _build deb > "$work/build.log" 2>&1) \
        || { echo "vagga _build failed:"; tail -5 "$work/build.log"; exit 1; }
    t3=$(now)
    awk -v r="$r" -v f="$(echo "$t1 - $t0" | bc)" -v v="$(echo "$t3 - $t2" | bc)" \
        'BEGIN { printf "| %d | %.1f | %.1f | %.2fx |\n", r, f, v, v / f }'
done

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
