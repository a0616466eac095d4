#!/usr/bin/env bats
# What the README and SPEC promise, checked through vagga: the config cache, --debug, -e, the
# exit codes 121/124/127 of a run.

load helpers

setup() {
    project documented
    # a cache of this test's own, to see exactly what it holds
    export XDG_CACHE_HOME=$BATS_TEST_TMPDIR/cache
    CONFIGS=$XDG_CACHE_HOME/vagga/configs
}
teardown() { cleanup_project; }

entries() { ls -A "$CONFIGS" 2>/dev/null | wc -l; }

@test "config cache: one entry in \$XDG_CACHE_HOME/vagga/configs, reused while unchanged, rewritten on a change" {
    run "$VAGGA" hi
    assert_success
    assert_output "hi unset"
    assert_equal "$(entries)" 1
    entry=$(ls -d "$CONFIGS"/*-vagga.yaml)
    before=$(stat -c '%i %Y.%y' "$entry")
    run "$VAGGA" hi
    assert_output "hi unset"
    # reused: not written again
    assert_equal "$(stat -c '%i %Y.%y' "$entry")" "$before"
    sed -i 's/echo "hi /echo "changed /' vagga.yaml
    run "$VAGGA" hi
    assert_success
    assert_output "changed unset"
    refute [ "$(stat -c '%i %Y.%y' "$entry")" = "$before" ]
    assert_equal "$(entries)" 1
}

@test "config cache: VAGGA_NO_CONFIG_CACHE=1 writes nothing; errors are never cached" {
    VAGGA_NO_CONFIG_CACHE=1 run "$VAGGA" hi
    assert_success
    assert_equal "$(entries)" 0
    printf 'commands: [\n' > vagga.yaml
    run "$VAGGA" hi
    assert_equal "$status" 126
    assert_output --regexp '^vagga.yaml:2:1: invalid YAML'
    assert_equal "$(entries)" 0
    # the same error again: still read from the file, still not cached
    run "$VAGGA" hi
    assert_equal "$status" 126
    assert_equal "$(entries)" 0
}

@test "--debug and VAGGA_DEBUG=1 turn on debug logging on stderr; without them there is none" {
    run --separate-stderr "$VAGGA" hi
    assert_success
    assert_equal "$stderr" ""
    run --separate-stderr "$VAGGA" --debug hi
    assert_success
    assert_output "hi unset"
    [[ $stderr == *" DEBUG vagga."* ]] || fail "no debug line with --debug: $stderr"
    VAGGA_DEBUG=1 run --separate-stderr "$VAGGA" hi
    assert_success
    [[ $stderr == *" DEBUG vagga."* ]] || fail "no debug line with VAGGA_DEBUG=1: $stderr"
}

@test "-e/--use-env VAR passes the caller's VAR into the container; it is not passed otherwise" {
    FOO=bar run "$VAGGA" hi
    assert_output "hi unset"
    FOO=bar run "$VAGGA" -e FOO hi
    assert_success
    assert_output "hi bar"
    FOO=baz run "$VAGGA" --use-env FOO hi
    assert_success
    assert_output "hi baz"
}

@test "through vagga: 127 for a program missing in the container, 124 for a container setup failure" {
    run -127 --separate-stderr "$VAGGA" not-found
    assert_equal "$status" 127
    assert_equal "$stderr" "vagga-init: /nonexistent/program: No such file or directory"
    run -124 --separate-stderr "$VAGGA" bad-work-dir
    assert_equal "$status" 124
    assert_equal "$stderr" "vagga-init: chdir --cwd /work/no-such-dir: No such file or directory"
}

@test "121 for a command whose container does not exist, and for a !CapsuleCommand" {
    run -121 --separate-stderr "$VAGGA" no-container
    assert_equal "$status" 121
    assert_output ""
    [[ $stderr == 'vagga.yaml:'*': Container "nope" not found'* ]] || fail "stderr: $stderr"
    run -121 --separate-stderr "$VAGGA" capsule
    assert_equal "$status" 121
    assert_equal "$stderr" 'vagga: command "capsule" is a !CapsuleCommand, which this vagga does not run'
}

# pids of the run's processes running "sleep 100N"
marked_sleeps() {
    local p
    for p in $(marked_pids "$MARK"); do
        [[ $(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null) == "sleep 100"[01]" " ]] && echo "$p"
    done
    return 0
}

@test "a child's leftovers (a setsid daemon, a double-forked orphan) die when its command exits; the run goes on" {
    MARK=documented-$$-$BATS_TEST_NUMBER
    "$VAGGA" -E MARK=$MARK leftovers > out 2>&1 3>&- &
    sup=$!
    wait_for out "^started"
    for ((i = 0; i < 100; i++)); do
        [ -z "$(marked_sleeps)" ] && break
        sleep 0.1
    done
    assert_equal "$(marked_sleeps)" ""
    # the supervisor and the other child still run
    alive "$sup"
    touch check-done
    wait_exit "$sup" 30
    assert_equal "$STATUS" 0
    wait_gone "$MARK"
}
