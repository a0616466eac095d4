# Shared helpers for the bats suites: where the binary is, fixtures, polling, leftover scans.

bats_require_minimum_version 1.5.0
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

VAGGA=${VAGGA:-$(readlink -f "$BATS_TEST_DIRNAME/../build/vagga")}
export VAGGA

# A fresh project dir holding the given fixture's vagga.yaml (and its other files).
project() {
    local fixture=$1
    PROJECT=$(mktemp -d "${BATS_TMPDIR:-/tmp}/vagga-bats.XXXXXX")
    cp -a "$BATS_TEST_DIRNAME/$fixture/." "$PROJECT/"
    chmod 755 "$PROJECT"
    cd "$PROJECT"
}

cleanup_project() {
    cd /
    [ -n "${PROJECT:-}" ] && rm -rf "$PROJECT"
    return 0
}

# wait_for FILE REGEX [TENTHS]: bounded polling until a line of FILE matches (default 10 s).
wait_for() {
    local file=$1 regex=$2 tenths=${3:-100} i
    for ((i = 0; i < tenths; i++)); do
        grep -qE -- "$regex" "$file" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "timed out waiting for /$regex/ in $file; it holds:" >&2
    cat "$file" >&2 || true
    return 1
}

# Pids of live (non-zombie) processes whose environment holds MARK=$1.
marked_pids() {
    local mark="MARK=$1" p state
    for p in /proc/[0-9]*; do
        [ -r "$p/environ" ] || continue
        if { tr "\0" "\n" < "$p/environ"; } 2>/dev/null | grep -qx -- "$mark"; then
            state=$(awk '/^State:/ {print $2}' "$p/status" 2>/dev/null) || continue
            [ "$state" = Z ] || [ -z "$state" ] || echo "${p#/proc/}"
        fi
    done
}

# wait_gone MARK [TENTHS]: bounded polling until no live process carries the mark.
wait_gone() {
    local mark=$1 tenths=${2:-10} i left
    for ((i = 0; i <= tenths; i++)); do
        left=$(marked_pids "$mark")
        [ -z "$left" ] && return 0
        sleep 0.1
    done
    echo "processes still alive with MARK=$mark:" >&2
    for p in $left; do echo "  $p: $(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null) ppid=$(awk '/^PPid:/ {print $2}' /proc/$p/status 2>/dev/null)" >&2; done
    return 1
}

# Mount table of this namespace without the per-test tmp dirs (for before/after comparisons).
mounts() {
    awk '{print $5, $9}' /proc/self/mountinfo | sort
}
