# Runs the init shim alone as PID 1 of new PID + mount namespaces, holding its control pipe like the supervisor.
REPO=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
VAGGA_INIT=${VAGGA_INIT:-$REPO/target/native/vagga-init}

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'
load mounts

# Brings the default shim up to date with its source (make is incremental); an explicit $VAGGA_INIT is used as is.
shim_build() {
    if [[ $VAGGA_INIT == "$REPO/target/native/vagga-init" ]]; then
        make -s -C "$REPO/native" OUT="$REPO/target/native" "$REPO/target/native/vagga-init" >&2
    fi
    [[ -x $VAGGA_INIT ]] || { echo "no shim at $VAGGA_INIT (set VAGGA_INIT or run make native)" >&2; return 1; }
}

# Per test: a project dir (copied fixtures inside, seen as /work), a status file, a control fifo
# whose only writer is this shell ($CONTROL, opened read-write so that opening never blocks).
shim_setup() {
    [[ $(id -u) == 0 ]] || skip "needs root for PID and mount namespaces"
    PROJ=$BATS_TEST_TMPDIR/proj
    STATUS=$BATS_TEST_TMPDIR/status
    mkdir -p "$PROJ"
    cp "$BATS_TEST_DIRNAME"/shim/*.sh "$PROJ"/
    mkfifo "$BATS_TEST_TMPDIR/control"
    exec {CONTROL}<>"$BATS_TEST_TMPDIR/control"
    SHIM_PID=
    UNSHARE_PID=
}

shim_teardown() {
    exec {CONTROL}>&- 2>/dev/null || true
    if [[ -n $UNSHARE_PID ]] && kill -0 "$UNSHARE_PID" 2>/dev/null; then
        kill -9 "$SHIM_PID" "$UNSHARE_PID" 2>/dev/null || true
        wait "$UNSHARE_PID" 2>/dev/null || true
    fi
}

# shim OPTIONS -- COMMAND...: the shim with status fd 5 -> $STATUS and control fd 6 <- the fifo.
# --propagation unchanged: keeping mounts away from the host is the shim's job, not unshare's.
# $SHIM_USERNS=1 adds a user namespace (root mapped to our uid), as for a supervisor that is not root.
shim() {
    unshare ${SHIM_USERNS:+--user --map-root-user} --pid --fork --mount --propagation unchanged \
        "$VAGGA_INIT" --status-fd 5 --control-fd 6 "$@" 5>"$STATUS" 6<"$BATS_TEST_TMPDIR/control" {CONTROL}>&-
}

# shim_host OPTIONS -- COMMAND...: !HostRoot with the project at /work.
shim_host() {
    shim --host-root --project "$PROJ" "$@"
}

# Starts shim_host in the background; sets UNSHARE_PID (the background job) and SHIM_PID (the shim's
# pid on the host: a grandchild, job -> unshare -> vagga-init).
shim_host_bg() {
    shim_host "$@" {CONTROL}>&- 3>&- &
    UNSHARE_PID=$!
    local i p c
    for ((i = 0; i < 200; i++)); do
        for p in $(cat "/proc/$UNSHARE_PID/task/$UNSHARE_PID/children" 2>/dev/null); do
            for c in $p $(cat "/proc/$p/task/$p/children" 2>/dev/null); do
                if [[ $(cat "/proc/$c/comm" 2>/dev/null) == "$(basename "$VAGGA_INIT" | cut -c1-15)" ]]; then
                    SHIM_PID=$c
                    return 0
                fi
            done
        done
        sleep 0.02
    done
    fail "the shim did not start"
}

# Waits (bounded) for the background shim; sets SHIM_STATUS to its exit code.
shim_wait() {
    local i
    for ((i = 0; i < 500; i++)); do
        if ! kill -0 "$UNSHARE_PID" 2>/dev/null; then
            SHIM_STATUS=0
            wait "$UNSHARE_PID" || SHIM_STATUS=$?
            UNSHARE_PID=
            return 0
        fi
        sleep 0.02
    done
    fail "the shim did not end within 10 s"
}

# Waits (bounded, 10 s) until FILE exists and is not empty.
wait_for_file() {
    local i
    for ((i = 0; i < 500; i++)); do
        [[ -s $1 ]] && return 0
        sleep 0.02
    done
    fail "$1 did not appear within 10 s"
}

# Sends a 2-byte control message: letter and signal number.
control() {
    printf "$1\\$(printf %03o "$2")" >&"$CONTROL"
}

# Lists the live (not zombie) processes of the PID namespace NS (as readlink /proc/PID/ns/pid shows it).
live_in_namespace() {
    local p
    for p in /proc/[0-9]*; do
        [[ $(readlink "$p/ns/pid" 2>/dev/null) == "$1" ]] || continue
        [[ $(awk '{print $3}' "$p/stat" 2>/dev/null) == Z ]] && continue
        echo "${p#/proc/}"
    done
}
