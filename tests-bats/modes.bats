#!/usr/bin/env bats
# Supervise modes (SPEC 3.2, 3.4): what ends the run, the exit code, the stop, the epilog.

load helpers

setup() { project modes; MARK=modes-$$-$BATS_TEST_NUMBER; }
teardown() { cleanup_project; }

@test "stop-on-failure: the first exit ends the run with its code (0, 1, 42, 255)" {
    for code in 0 1 42 255; do
        run "$VAGGA" -E CODE=$code -E MARK=$MARK stop_first_exit
        assert_equal "$status" "$code"
        assert_line --regexp "^---------- Process fast:[0-9]+ exited with code $code\. Shutting down -----------$"
        refute_output --partial "Process slow"
        wait_gone "$MARK"
    done
}

@test "stop-on-failure: a child killed by a signal gives 128+N and the signal name" {
    run "$VAGGA" -E SIG=USR1 stop_signal
    assert_equal "$status" 138
    assert_line --regexp '^---------- Process victim:[0-9]+ killed by signal SIGUSR1\[10\]\. Shutting down -----------$'
    run "$VAGGA" -E SIG=KILL stop_signal
    assert_equal "$status" 137
    assert_line --regexp 'killed by signal SIGKILL\[9\]'
}

@test "a core dump is reported" {
    ulimit -c unlimited || skip "cannot raise the core limit"
    pattern=$(cat /proc/sys/kernel/core_pattern)
    [[ "$pattern" == "|"* ]] && skip "core_pattern pipes cores to $pattern"
    run "$VAGGA" stop_core
    assert_equal "$status" 139
    assert_line --regexp 'killed by signal SIGSEGV\[11\] \(core dumped\)\. Shutting down'
}

@test "wait-all-successful: zero exits are quiet, exit 0, epilog printed" {
    run "$VAGGA" wait_all_ok
    assert_success
    assert_line "a done"
    assert_line "b done"
    assert_line "c done"
    refute_output --partial "Shutting down"
    assert_equal "${lines[-1]}" "all done"
}

@test "wait-all-successful: the first failure ends the run with its code, no epilog" {
    run "$VAGGA" -E CODE=3 -E MARK=$MARK wait_all_fail
    assert_equal "$status" 3
    assert_line --regexp '^---------- Process bad:[0-9]+ exited with code 3\. Shutting down -----------$'
    refute_output --partial "Process good"
    refute_output --partial "not printed"
    wait_gone "$MARK"
}

@test "wait-all-successful: a signal death fails the run with 128+N" {
    run "$VAGGA" wait_all_signal
    assert_equal "$status" 143
    assert_line --regexp 'Process bad:[0-9]+ killed by signal SIGTERM\[15\]'
}

@test "epilog only when the exit code is 0" {
    run "$VAGGA" epilog_zero
    assert_success
    assert_equal "${lines[-1]}" "---------- Epilog -----------"
}

@test "a slow child is waited for, not killed, within the grace period" {
    run "$VAGGA" slow_stopper
    assert_equal "$status" 7
    assert_line "graceful bye"
    refute_output --partial "still alive"
}

@test "a child ignoring SIGTERM is killed after kill-unresponsive-after, with the message" {
    "$VAGGA" -E MARK=$MARK stubborn > out 2>&1 3>&- &
    sup=$!
    # within the grace (3 s) the supervisor waits: the witness, let go now, ends on its own
    wait_file witness-term 30
    touch witness-go
    # and the grace ends: 20 s only bounds a hang (a grace read as minutes or never ending)
    wait_exit "$sup" 20
    assert_equal "$STATUS" 5
    run cat out
    assert_line "witness let go"
    assert_line '---------- Processes ["stubborn"] are still alive. Killing ... -----------'
    assert_line 'To prevent killing of the processes set ``kill-unresponsive-after`` to some larger value'
    wait_gone "$MARK"
}

@test "50 children at once" {
    {
        echo "containers: {host: {setup: [!HostRoot]}}"
        echo "commands:"
        echo "  many: !Supervise"
        echo "    mode: wait-all-successful"
        echo "    children:"
        for i in $(seq -w 1 50); do
            echo "      c$i: !Command {container: host, run: 'echo child $i pid \$\$'}"
        done
    } > vagga.yaml
    run "$VAGGA" many
    assert_success
    [ "$(grep -c '^child .* pid 2$' <<< "$output")" -eq 50 ]
}

@test "children start in name order" {
    cat > vagga.yaml <<'YAML'
containers: {host: {setup: [!HostRoot]}}
commands:
  order: !Supervise
    mode: wait-all-successful
    children:
      zeta: !Command {container: host, run: "true"}
      alpha: !Command {container: host, run: "true"}
      mid: !Command {container: host, run: "true"}
YAML
    run "$VAGGA" --debug order
    assert_success
    run grep -oE 'spawned [a-z]+' <<< "$output"
    assert_output "spawned alpha
spawned mid
spawned zeta"
}
