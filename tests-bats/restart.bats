#!/usr/bin/env bats
# Ours: vagga _restart CHILD... [--pid PID] and vagga _status, through the supervisor's Unix socket
# under .vagga/.supervisors; the kill -9 guarantee holds for restarted children.

load helpers

setup() {
    project restart
    MARK_VALUE=restart-$$-$RANDOM
    PORT=$((20000 + RANDOM % 20000))
}

teardown() {
    for pid in ${SUPERVISORS:-}; do kill -9 "$pid" 2>/dev/null || true; done
    wait_gone "$MARK_VALUE" 50 || true
    cleanup_project
}

# start_supervisor LOG: vagga dev in the background, its pid added to SUPERVISORS; LAST_PID is it.
start_supervisor() {
    MARK=$MARK_VALUE "$VAGGA" -E PORT="$PORT" -E MARK="$MARK_VALUE" dev > "$1" 2>&1 3>&- &
    LAST_PID=$!
    SUPERVISORS="${SUPERVISORS:-} $LAST_PID"
}

# http_ok: one GET to the web child answers 200
http_ok() {
    local status
    exec 5<> "/dev/tcp/127.0.0.1/$PORT" || return 1
    printf 'GET / HTTP/1.0\r\n\r\n' >&5
    read -r status <&5
    exec 5<&-
    [[ $status == "HTTP/1.0 200"* ]]
}

wait_http() { for ((i = 0; i < 100; i++)); do http_ok 2> /dev/null && return 0; sleep 0.1; done; return 1; }

# restarts_of CHILD: its restart count in _status
restarts_of() { "$VAGGA" _status | awk -v c="$1" '$1 == c {print $5}'; }

wait_restarts() {
    local i
    for ((i = 0; i < 100; i++)); do
        [ "$(restarts_of "$1")" = "$2" ] && [ "$("$VAGGA" _status | awk -v c="$1" '$1 == c {print $3}')" = running ] && return 0
        sleep 0.1
    done
    "$VAGGA" _status >&2
    return 1
}

@test "_status without a supervisor says so; with one lists its children: pid, state, uptime, restarts" {
    run "$VAGGA" _status
    assert_success
    assert_output "no supervisor of this project is running"
    start_supervisor sup.log
    wait_http
    wait_for worker.log started
    run "$VAGGA" _status
    assert_success
    assert_line --index 0 "supervisor $LAST_PID"
    assert_line --regexp '^  web +[0-9]+ +running +[0-9]+s +0$'
    assert_line --regexp '^  worker +[0-9]+ +running +[0-9]+s +0$'
    # only the supervisor's user can reach the socket
    [ "$(stat -c %a .vagga/.supervisors)" = 700 ]
    [ "$(stat -c %a ".vagga/.supervisors/$LAST_PID.sock")" = 600 ]
}

@test "_restart worker while web keeps serving: one line, a fresh worker, web untouched, run goes on" {
    start_supervisor sup.log
    wait_http
    wait_for worker.log started
    local web_pid old_worker
    web_pid=$("$VAGGA" _status | awk '$1 == "web" {print $2}')
    old_worker=$("$VAGGA" _status | awk '$1 == "worker" {print $2}')
    run "$VAGGA" _restart worker
    assert_success
    assert_output "worker: restarting"
    for ((i = 0; i < 20; i++)); do http_ok; done # web serves all along
    wait_restarts worker 1
    wait_for sup.log "^---------- Process worker:$old_worker restarted as worker:[0-9]+ -----------$"
    [ "$(grep -c started worker.log)" = 2 ]
    [ "$("$VAGGA" _status | awk '$1 == "web" {print $2}')" = "$web_pid" ]
    [ "$(wc -l < web.log)" = 1 ]
    http_ok
    kill -0 "$LAST_PID" # the restart did not end the run
    ! grep -q "Shutting down" sup.log
}

@test "restart three times, then kill -9 the supervisor: nothing of the run is left" {
    start_supervisor sup.log
    wait_http
    wait_for worker.log started
    for n in 1 2 3; do
        "$VAGGA" _restart worker web
        wait_restarts worker "$n"
        wait_restarts web "$n"
    done
    wait_http
    [ -n "$(marked_pids "$MARK_VALUE")" ]
    kill -9 "$LAST_PID"
    wait "$LAST_PID" || true
    wait_gone "$MARK_VALUE" 50
    # its socket file is left (nothing could remove it), but it cannot pass for a live one:
    # the next client finds nobody listening, says so, and removes it
    [ -S ".vagga/.supervisors/$LAST_PID.sock" ]
    run --separate-stderr "$VAGGA" _status
    assert_success
    assert_output "no supervisor of this project is running"
    assert_equal "$stderr" "vagga _status: removed .vagga/.supervisors/$LAST_PID.sock: supervisor $LAST_PID ended without closing it (killed by SIGKILL?); nothing of its run is left"
    [ -z "$(ls .vagga/.supervisors)" ]
    run --separate-stderr -121 "$VAGGA" _restart worker
    assert_equal "$stderr" "vagga _restart: no supervisor of this project is running"
}

@test "after a kill -9, the next supervisor's start removes the dead one's socket; _restart finds the live one" {
    start_supervisor one.log
    local dead=$LAST_PID
    wait_http
    kill -9 "$dead"
    wait "$dead" || true
    SUPERVISORS=
    [ -S ".vagga/.supervisors/$dead.sock" ]
    start_supervisor two.log
    wait_file ".vagga/.supervisors/$LAST_PID.sock"
    [ ! -e ".vagga/.supervisors/$dead.sock" ]
    [ "$(ls .vagga/.supervisors)" = "$LAST_PID.sock" ]
    wait_for worker.log started
    run --separate-stderr "$VAGGA" _restart worker
    assert_success
    assert_output "worker: restarting"
    assert_equal "$stderr" ""
}

@test "a stopped supervisor (Ctrl-Z) is named as not answering, 121, not waited for without end" {
    start_supervisor sup.log
    wait_http
    kill -STOP "$LAST_PID"
    run --separate-stderr timeout 60 "$VAGGA" _status
    kill -CONT "$LAST_PID"
    assert_equal "$status" 121
    assert_equal "$stderr" "vagga _status: supervisor $LAST_PID does not answer within 10 s (is it stopped, e.g. by Ctrl-Z? fg or kill -CONT resumes it)"
    [ -S ".vagga/.supervisors/$LAST_PID.sock" ] # alive: its socket stays
    run "$VAGGA" _status
    assert_success
    assert_line --index 0 "supervisor $LAST_PID"
}

@test "_restart with a typo: 122, did you mean, the children; no supervisor: 121" {
    run -121 "$VAGGA" _restart worker
    assert_output "vagga _restart: no supervisor of this project is running"
    start_supervisor sup.log
    wait_http
    run -122 "$VAGGA" _restart wrker
    assert_line --index 0 'vagga _restart: no running supervisor has a child "wrker" (did you mean "worker"?)'
    assert_line --index 1 'hint: children: web, worker'
    run -122 "$VAGGA" _restart
    assert_line --index 1 "vagga _restart: name the child (or children) to restart"
}

@test "two supervisors with the child: --pid PID is asked for, listing them, and picks one" {
    start_supervisor one.log
    local first=$LAST_PID
    wait_http
    wait_for worker.log started
    PORT=$((PORT + 1)) start_supervisor two.log
    local second=$LAST_PID
    for ((i = 0; i < 100; i++)); do [ "$(grep -c started worker.log)" = 2 ] && break; sleep 0.1; done
    for ((i = 0; i < 100; i++)); do [ "$("$VAGGA" _status | grep -c '^supervisor')" = 2 ] && break; sleep 0.1; done
    run -122 "$VAGGA" _restart worker
    assert_output --regexp "^vagga _restart: \"worker\" runs in more than one supervisor \(pids [0-9, ]+\): give --pid PID$"
    assert_output --partial "$first"
    assert_output --partial "$second"
    run "$VAGGA" _restart worker --pid "$second"
    assert_success
    wait_for two.log "restarted as worker"
    ! grep -q restarted one.log
    run -121 "$VAGGA" _restart worker --pid 1
    assert_output --partial "no supervisor of this project has pid 1"
}
