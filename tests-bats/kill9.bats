#!/usr/bin/env bats
# The kill -9 guarantee (SPEC 5): kill the supervisor at awkward moments, nothing of the run survives.

load helpers

TEST_USER=vaggatest

setup() {
    project kill9
    MARK=kill9-$$-$BATS_TEST_NUMBER
    MOUNTS_BEFORE=$(mounts)
}

teardown() {
    [ -n "${SUP:-}" ] && kill -9 "$SUP" 2>/dev/null
    cleanup_project
}

# as_user CMD...: run as the unprivileged test user (created on first use).
as_user() {
    id "$TEST_USER" > /dev/null 2>&1 || useradd -m "$TEST_USER" || return 1
    runuser -u "$TEST_USER" -- "$@"
}

start() {
    # start [as_user] COMMAND: the supervisor in the background, output in $PROJECT/out
    "$@" > out 2>&1 3>&- &
    SUP=$!
}

# wait_count MARK N: bounded polling until at least N live processes carry the mark.
wait_count() {
    local i
    for ((i = 0; i < 100; i++)); do
        [ "$(marked_pids "$1" | wc -l)" -ge "$2" ] && return 0
        sleep 0.1
    done
    echo "only $(marked_pids "$1" | wc -l) processes with MARK=$1, expected $2" >&2
    return 1
}

kill9_and_check() {
    # the JVM itself (under runuser, $SUP is a subshell): the java process with our mark
    local jvm
    jvm=$(pgrep -f -- "vagga.jar -E MARK=$MARK " || true)
    [ -n "$jvm" ] || { echo "no supervisor JVM found for MARK=$MARK" >&2; return 1; }
    kill -9 $jvm
    wait "$SUP" 2>/dev/null || true
    SUP=
    wait_gone "$MARK" 10
    assert_equal "$(mounts)" "$MOUNTS_BEFORE"
    # nor a file of the JVM's: its attach socket (/tmp/.java_pid<PID>) or performance data
    local left
    left=$(ls -d /tmp/.java_pid$jvm /tmp/.attach_pid$jvm /tmp/hsperfdata_*/$jvm 2>/dev/null || true)
    [ -z "$left" ] || { echo "left behind by the killed JVM: $left" >&2; return 1; }
}

@test "kill -9 while running: plain, TERM-ignoring, daemon and nested namespace all die (root)" {
    start "$VAGGA" -E MARK=$MARK tree
    for c in plain ignores_term daemon nested; do wait_for out "^$c up"; done
    # 4 shims + plain's sleep + ignores_term's sh + the daemon's 2 sleeps + nested's unshare and
    # sleep (ignores_term's own short sleeps come and go, so they are not counted)
    wait_count "$MARK" 10
    kill9_and_check
}

@test "the stage (root): built in the supervisor's own mount namespace, never seen on the host, gone with kill -9" {
    local stage jvm t shim_args found=
    # beside the shim: build/lib/stage, or /usr/lib/vagga/stage for /usr/bin/vagga
    stage=$(dirname "$VAGGA")/lib/stage
    [ -d "$stage" ] || stage=$(dirname "$VAGGA")/../lib/vagga/stage
    stage=$(readlink -f "$stage")
    [ -d "$stage" ] || fail "no stage directory at $stage"
    start "$VAGGA" -E MARK=$MARK tree
    for c in plain ignores_term daemon nested; do wait_for out "^$c up"; done
    jvm=$(pgrep -f -- "vagga.jar -E MARK=$MARK ")
    # the shims were told to assemble their roots on the stage
    for p in $(marked_pids "$MARK"); do
        [ "$(cat /proc/$p/comm)" = vagga-init ] && shim_args=$(tr '\0' ' ' < /proc/$p/cmdline)
    done
    [[ $shim_args == *"--stage $stage "* ]] || fail "shim runs without --stage: $shim_args"
    # one thread of the supervisor (the reactor) sees the skeleton on the stage; the host does not
    for t in /proc/$jvm/task/*; do
        grep -q " $stage " "$t/mountinfo" && found=1
    done
    [ -n "$found" ] || fail "no thread of the supervisor has a mount on $stage"
    run grep -c " $stage " /proc/self/mountinfo
    assert_output 0
    assert_equal "$(ls -A "$stage")" ""
    assert_equal "$(mounts)" "$MOUNTS_BEFORE"
    kill9_and_check
    assert_equal "$(ls -A "$stage")" ""
}

@test "kill -9 during stopping (root)" {
    start "$VAGGA" -E MARK=$MARK stopping
    wait_for out "Process ender:[0-9]+ exited with code 1"
    kill9_and_check
}

@test "kill -9 during startup (root)" {
    {
        echo "containers: {host: {setup: [!HostRoot]}}"
        echo "commands:"
        echo "  many: !Supervise"
        echo "    children:"
        for i in $(seq -w 1 150); do
            echo "      c$i: !Command {container: host, run: 'echo c$i up; exec sleep 1000'}"
        done
    } > vagga.yaml
    start "$VAGGA" -E MARK=$MARK many
    wait_for out "^c00[0-9] up" 200
    kill9_and_check
    # the kill came while the supervisor was still starting children: some never ran
    started=$(grep -c ' up$' out)
    [ "$started" -lt 150 ] || fail "all 150 children had started: the kill came after startup"
    echo "# killed after $started of 150 children had started" >&3
}

@test "kill -9 while running, as an unprivileged user" {
    as_user true || fail "cannot create the test user"
    chmod -R a+rwX "$PROJECT"
    start as_user "$VAGGA" -E MARK=$MARK tree
    for c in plain ignores_term daemon; do wait_for out "^$c up"; done
    kill9_and_check
}

@test "kill -9 during stopping, as an unprivileged user" {
    as_user true || fail "cannot create the test user"
    chmod -R a+rwX "$PROJECT"
    start as_user "$VAGGA" -E MARK=$MARK stopping
    wait_for out "Process ender:[0-9]+ exited with code 1"
    kill9_and_check
}
