#!/usr/bin/env bats
# build-lock-wait (vagga's setting): a build of a container another vagga process is building aborts
# with vagga's line (false, the default) or waits saying vagga's line (true); a run that builds
# nothing never fails for it; kill -9 of the building vagga releases the lock.

load helpers

setup() {
    project buildlock
    export HOME="$PROJECT/home"
    mkdir -p "$HOME"
    busybox_tarball busybox.tar.gz
    MARK=buildlock-$$-$RANDOM
    sed -i "s/MARK_VALUE/$MARK/" vagga.yaml
    PIDS=()
}

teardown() {
    touch "$PROJECT/go" 2>/dev/null # any build step still polling ends
    local p
    for p in "${PIDS[@]}"; do
        kill -9 "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    wait_gone "$MARK" 100 || true
    cleanup_project
}

# start OUT ARGS...: vagga in the background, its output in OUT; its pid in PID.
start() {
    local out=$1
    shift
    "$VAGGA" "$@" > "$out" 2>&1 3>&- &
    PID=$!
    PIDS+=("$PID")
}

ABORT="Can't lock container build (Resource temporarily unavailable (os error 11)). Probably other process is doing build. Aborting..."

@test "build-lock-wait false (the default): building what another vagga builds aborts, 121; a run that builds nothing waits and succeeds" {
    run "$VAGGA" _build ready
    assert_success
    start builder.out _build slow
    local builder=$PID
    wait_file build-started 60
    # (timeout: a vagga that waits here instead fails the test, never hangs it)
    run --separate-stderr timeout 120 "$VAGGA" _build slow
    assert_equal "$status" 121
    assert_equal "$stderr" "$ABORT"
    # a command in the container being built needs the same build: it aborts too, as vagga's
    run --separate-stderr timeout 120 "$VAGGA" in-slow
    assert_equal "$status" 121
    [[ $stderr == "$ABORT (needed by \"in-slow\")" ]] || fail "not vagga's line: $stderr"
    # a command whose container is built only checks its version: it waits for the lock, never fails
    start runner.out hi
    local runner=$PID
    wait_for runner.out "^vagga: waiting for another vagga process of this project to finish building" 300
    touch go
    wait_exit "$builder" 60 || { cat builder.out; false; }
    assert_equal "$STATUS" 0
    wait_exit "$runner" 60 || { cat runner.out; false; }
    assert_equal "$STATUS" 0
    run cat runner.out
    assert_line "hi from ready"
    refute_line --partial "Aborting"
}

@test "build-lock-wait true: the second build says vagga's waiting line and waits; kill -9 of the building vagga lets it build" {
    printf 'build-lock-wait: true\n' > .vagga.settings.yaml
    start first.out _build slow
    local first=$PID
    wait_file build-started 60
    rm build-started
    start second.out _build slow
    local second=$PID
    wait_for second.out "^Other process is doing a build\. Waiting\.\.\.$" 300
    alive "$second"
    kill -9 "$first"
    wait "$first" 2>/dev/null || true
    # the kernel dropped the killed vagga's locks: the waiting one builds (its own step starts)
    wait_file build-started 60
    touch go
    wait_exit "$second" 60 || { cat second.out; false; }
    assert_equal "$STATUS" 0
    run cat second.out
    refute_line --partial "Aborting"
    [ -d .vagga/slow/ ]
}

@test "an edited vagga.yaml: the config cache's entry and the version cache are written while the build's step runs, so a kill -9 then keeps both" {
    export XDG_CACHE_HOME=$PROJECT/cache
    run "$VAGGA" _build ready
    assert_success
    entry=$(ls -d "$XDG_CACHE_HOME"/vagga/configs/*-vagga.yaml)
    before=$(stat -c '%i %Y.%y' "$entry" .vagga/.cache/versions)
    # the entry is stale now, and the slow container's version is new
    sed -i 's/echo started >/echo begun >/' vagga.yaml
    start builder.out _build slow
    wait_file build-started 60
    # vagga waits for the step now: what it deferred (CacheWrites) is on disk already
    refute [ "$(stat -c '%i %Y.%y' "$entry" .vagga/.cache/versions)" = "$before" ]
    kill -9 "$PID"
    wait "$PID" 2>/dev/null || true
    wait_gone "$MARK" 100
    after=$(stat -c '%i %Y.%y' "$entry")
    # the entry written for the edited file is whole and used: the next start does not write it again
    run "$VAGGA" hi
    assert_success
    assert_output "hi from ready"
    assert_equal "$(stat -c '%i %Y.%y' "$entry")" "$after"
}
