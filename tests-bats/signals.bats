#!/usr/bin/env bats
# Signals sent to the supervisor (SPEC 3.3): messages, forwarding, exit codes.

load helpers

setup() { project signals; MARK=signals-$$-$BATS_TEST_NUMBER; }
teardown() {
    [ -n "${SUP:-}" ] && kill -9 "$SUP" 2>/dev/null
    cleanup_project
}

# start_listen [COMMAND]: the supervisor in the background, both children up.
start_listen() {
    "$VAGGA" -E MARK=$MARK "${1:-listen}" > out 2> err 3>&- &
    SUP=$!
    wait_for out "^a up" && wait_for out "^b up"
}

finish() {
    wait "$SUP" && STATUS=0 || STATUS=$?
    SUP=
}

@test "SIGINT: message, SIGINT to every child group, exit 130" {
    start_listen
    kill -INT "$SUP"
    finish
    assert_equal "$STATUS" 130
    run cat err
    assert_line "Received SIGINT signal. Waiting the processes to stop..."
    run cat out
    assert_line "a got INT"
    assert_line "b got INT"
    refute_output --partial "Shutting down"
    wait_gone "$MARK"
}

@test "SIGQUIT: message, SIGQUIT to every child group, exit 131" {
    start_listen
    kill -QUIT "$SUP"
    finish
    assert_equal "$STATUS" 131
    run cat err
    assert_line "Received SIGQUIT signal. Waiting the processes to stop..."
    run cat out
    assert_line "a got QUIT"
    assert_line "b got QUIT"
}

@test "SIGTERM: message with two spaces, SIGTERM to every child, exit 143" {
    start_listen
    kill -TERM "$SUP"
    finish
    assert_equal "$STATUS" 143
    run cat err
    assert_line "Received SIGTERM signal.  Waiting the processes to stop..."
    run cat out
    assert_line "a got TERM"
    assert_line "b got TERM"
}

# wait_count_lines FILE REGEX N: bounded polling until N lines match.
wait_count_lines() {
    local i
    for ((i = 0; i < 100; i++)); do
        [ "$(grep -cE -- "$2" "$1")" -ge "$3" ] && return 0
        sleep 0.1
    done
    echo "fewer than $3 lines /$2/ in $1:" >&2
    cat "$1" >&2
    return 1
}

state_of() { awk '/^State:/ {print $2}' "/proc/$1/status"; }

# wait_state PID STATE: bounded polling on a process state letter.
wait_state() {
    local i
    for ((i = 0; i < 50; i++)); do
        [ "$(state_of "$1")" = "$2" ] && return 0
        sleep 0.1
    done
    echo "pid $1 is in state $(state_of "$1"), not $2" >&2
    return 1
}

@test "SIGTSTP / SIGTTIN / SIGTTOU stop children and self; SIGCONT propagates" {
    start_listen
    n=0
    for sig in TSTP TTIN TTOU; do
        n=$((n + 1))
        kill -$sig "$SUP"
        wait_for err "^Received SIG$sig signal\. Stopping children and self \.\.$"
        wait_state "$SUP" T
        kill -CONT "$SUP"
        wait_count_lines err "^Received SIGCONT signal\. Propagating \.\.$" $n
        wait_count_lines out "^a got CONT" $n
        wait_count_lines out "^b got CONT" $n
    done
    kill -TERM "$SUP"
    finish
    assert_equal "$STATUS" 143
}

@test "SIGTSTP stops the children's commands" {
    start_listen
    kill -TSTP "$SUP"
    wait_state "$SUP" T
    stopped=0
    for p in $(marked_pids "$MARK"); do
        [ "$(state_of "$p")" = T ] && stopped=$((stopped + 1))
    done
    # both shells (the commands) are stopped; the shims stay running
    [ "$stopped" -ge 2 ]
    kill -CONT "$SUP"
    kill -TERM "$SUP"
    finish
    assert_equal "$STATUS" 143
}

@test "an unhandled signal (SIGHUP) kills the supervisor and every child" {
    start_listen
    kill -HUP "$SUP"
    finish
    assert_equal "$STATUS" 129
    wait_gone "$MARK"
}

@test "signals while stopping are forwarded again; the deadline does not move; the code stays" {
    "$VAGGA" -E MARK=$MARK listen_stubborn > out 2> err 3>&- &
    SUP=$!
    wait_for out "^stubborn up"
    wait_for out "Process ender:[0-9]+ exited with code 4"
    wait_for out "^stubborn got TERM"
    start=$(date +%s%N)
    # one second into the 2 s grace period (a timing requirement, not synchronisation)
    sleep 1
    kill -INT "$SUP"
    wait_for out "^stubborn got INT"
    finish
    elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
    assert_equal "$STATUS" 4
    run cat out
    assert_line '---------- Processes ["stubborn"] are still alive. Killing ... -----------'
    # the 2 s grace counted from the start of stopping: a deadline moved by the SIGINT
    # would end the run 3 s after the first TERM
    [ "$elapsed" -lt 2700 ]
    wait_gone "$MARK"
}

@test "after a signal set the exit code, children exiting 0 do not change it" {
    start_listen
    kill -TERM "$SUP"
    finish
    # both children exit 0 on TERM, the code stays 143
    assert_equal "$STATUS" 143
}
