#!/usr/bin/env bats
# Ours (SPEC 7): readiness probes (ready: port, file, line, command) and start order (after:), their failures
# (121, never a hang) and the config errors (126 with file:line).

load helpers

setup() {
    project ready
    # a free port on 127.0.0.1 (the kernel picks it)
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    sed -i "s/PORT_VALUE/$PORT/" vagga.yaml
}
teardown() { cleanup_project; }

@test "after: the client starts once the server's port answers" {
    run --separate-stderr timeout 60 "$VAGGA" -E PORT="$PORT" port
    # the client's exit (0) ends the run; it got a page, so the server was listening
    assert_success
    assert_output --partial "client got a page"
    assert_output --partial "Process client:"
}

@test "a probe that never succeeds: the dependent never starts, one line, 121" {
    run --separate-stderr timeout 60 "$VAGGA" never
    assert_equal "$status" 121
    assert_output --partial "---------- Process app not started: db (ready: {port: $PORT}) not ready after 1 s: connect to 127.0.0.1:$PORT"
    assert_output --partial "Shutting down"
    [ ! -e app.ran ]
}

@test "file in the child's own container, then a line of output, then the last child" {
    run --separate-stderr timeout 60 "$VAGGA" file-line
    # c ran only after b printed its line, b only after a's file existed in a's /tmp
    assert_equal "$status" 7
    assert_output --partial "c ran"
    assert_output --regexp "listening now"
    [ ! -e /tmp/ready-mark ] # it was in a's own /tmp, not the host's
}

@test "restart: on-failure: a failing child is started again, the run goes on until it exits 0" {
    run --separate-stderr timeout 60 "$VAGGA" flaky
    assert_success
    assert_equal "$(cat count)" 3
    assert_equal "$(grep -c 'exited with code 4. Restarting in' <<< "$output")" 2
    assert_output --regexp "flaky:[0-9]+ exited with code 4. Restarting in 0.5 s"
    assert_output --regexp "flaky:[0-9]+ exited with code 4. Restarting in 1.0 s"
    assert_equal "$(grep -c 'restarted as flaky:' <<< "$output")" 2
    assert_output --regexp "Process flaky:[0-9]+ exited with code 0. Shutting down"
}

@test "ready: {command}: runs in the child's container (its /tmp, PID namespace, env, user, work dir)" {
    run --separate-stderr timeout 60 "$VAGGA" command
    assert_success
    assert_output --partial "app ran"
    assert_output --partial "Process app:"
}

@test "ready: {command} that keeps failing: its code and last output in the line, 121" {
    run --separate-stderr timeout 60 "$VAGGA" command-fails
    assert_equal "$status" 121
    assert_output --partial "---------- Process app not started: db (ready: {command: echo \"not yet: \$((40 + 2))\"; exit 3}) not ready after 1 s: command exited with code 3, last output \"not yet: 42\". Shutting down"
    [ ! -e app.ran ]
}

@test "ready: {command} that hangs is killed at the deadline; nothing of it is left" {
    MARK=ready-hang-$$-$RANDOM
    run --separate-stderr timeout 60 "$VAGGA" -E MARK="$MARK" command-hangs
    assert_equal "$status" 121
    assert_output --partial "not ready after 2 s: command still running at the deadline (killed)"
    [ -e probe.started ]
    [ ! -e app.ran ]
    wait_gone "$MARK" 50
}

@test "kill -9 of the supervisor while a probe command runs: nothing is left" {
    MARK=ready-kill9-$$-$RANDOM
    "$VAGGA" -E MARK="$MARK" command-hangs > out.log 2>&1 3>&- &
    local sup=$!
    wait_file probe.started 30
    # the probe's command carries the child's environment (the mark)
    local probe
    for probe in $(marked_pids "$MARK"); do
        grep -q 'sleep 1000' "/proc/$probe/cmdline" 2>/dev/null && break
        probe=
    done
    [ -n "$probe" ]
    kill -9 "$sup"
    wait "$sup" || true
    wait_gone "$MARK" 50
}

@test "port probe of an isolate-network child connects inside that network, not the host's" {
    run --separate-stderr timeout 60 "$VAGGA" -E PORT="$PORT" port-isolated
    assert_success
    assert_output --partial "client got a page"
    # the host listens on PORT and the isolated child does not: never ready
    python3 -c 'import socket,sys,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(60)' "$PORT" 3>&- &
    local host=$!
    local i
    for ((i = 0; i < 100; i++)); do
        python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$PORT" 2>/dev/null && break
        sleep 0.1
    done
    run --separate-stderr timeout 60 "$VAGGA" port-isolated-host
    kill "$host"; wait "$host" || true
    assert_equal "$status" 121
    assert_output --partial "not ready after 1 s: connect to 127.0.0.1:$PORT (its isolated network)"
    [ ! -e client.ran ]
}

bad_config() {
    cat > vagga.yaml <<YAML
containers:
  host:
    setup:
    - !HostRoot
commands:
  dev: !Supervise
    children:
      a: !Command
        container: host
        run: "true"
$1
YAML
    run --separate-stderr "$VAGGA" dev
    assert_equal "$status" 126
}

@test "bad input: unknown probe, negative timeout, unknown after, a cycle, two probes" {
    bad_config '        ready: {socket: 5}'
    assert_equal "$stderr" "$(printf '%s' "$stderr" | grep -E 'vagga.yaml:11:.*unknown key "socket"')"
    bad_config '        ready: {port: 80, timeout: -1}'
    [[ "$stderr" =~ vagga.yaml:11:.*"timeout must be a number of seconds above 0".*'"-1"' ]]
    bad_config '        after: [nosuch]'
    [[ "$stderr" =~ vagga.yaml:11:.*'names "nosuch", which is not a child of this supervise (children: a)' ]]
    bad_config "        after: [b]
      b: !Command
        container: host
        run: 'true'
        after: [a]"
    [[ "$stderr" =~ "after: cycle a -> b -> a" ]]
    [[ "$stderr" =~ vagga.yaml:11: ]]
    bad_config '        ready: {port: 80, file: /x}'
    [[ "$stderr" =~ "only one probe" ]]
    bad_config '        ready: {line: "(unclosed"}'
    [[ "$stderr" =~ "not a regular expression" ]]
    bad_config '    after: [a]'
    [[ "$stderr" =~ 'unknown key "after"' ]]
    bad_config '        restart: sometimes'
    [[ "$stderr" =~ vagga.yaml:11:.*restart ]]
}
