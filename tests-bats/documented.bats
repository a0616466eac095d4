#!/usr/bin/env bats
# What the README and SPEC promise, checked through vagga: the config cache, --debug, -e, the
# exit codes 121/124/127 of a run, leftovers, the host's resolv.conf/hosts, mounts as at the first
# spawn, signals during a build and during the spawns.

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

@test "121 for a command whose container does not exist; a !CapsuleCommand runs (surface.bats)" {
    run -121 --separate-stderr "$VAGGA" no-container
    assert_equal "$status" 121
    assert_output ""
    [[ $stderr == 'vagga.yaml:'*': Container "nope" not found'* ]] || fail "stderr: $stderr"
    run "$VAGGA" capsule
    assert_success
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

@test "a built root shows the host's /etc/resolv.conf and /etc/hosts over its own (--resolv, --hosts)" {
    [ -r /etc/resolv.conf ] && [ -r /etc/hosts ] || skip "the host has no readable /etc/resolv.conf or /etc/hosts"
    busybox_tarball busybox.tar.gz
    mkdir -p own/etc
    echo "nameserver 192.0.2.53 # the image's own" > own/etc/resolv.conf
    echo "192.0.2.1 the-image-s-own-host" > own/etc/hosts
    tar -xzf busybox.tar.gz -C own && tar -czf busybox.tar.gz -C own .
    run --separate-stderr "$VAGGA" host-files
    assert_success
    assert_output "$(cat /etc/resolv.conf; echo ---; cat /etc/hosts)"
    # the image keeps its own files
    assert_equal "$(cat .vagga/bb/etc/resolv.conf)" "nameserver 192.0.2.53 # the image's own"
}

@test "children see the host's mounts as they were at the supervisor's first spawn (root: the stage)" {
    [ "$(id -u)" = 0 ] || skip "the stage is built by a root supervisor only"
    WATCH=$(mktemp -d /var/tmp/vagga-bats-watch.XXXXXX)
    "$VAGGA" -E WATCH="$WATCH" first-spawn > out 2>&1 3>&- &
    local sup=$!
    wait_for out "^a sees: $"
    # a mount made on the host after the first spawn, before b's spawn
    mount -t tmpfs -o size=1m vagga-bats-watch "$WATCH"
    echo new > "$WATCH/mounted-later"
    touch go
    wait_exit "$sup" 60
    umount "$WATCH"
    rmdir "$WATCH"
    assert_equal "$STATUS" 0
    run cat out
    assert_line "a sees: "
    assert_line "b sees: "
    refute_output --partial "mounted-later"
}

@test "SIGTERM while a supervise's container builds: the build step dies with vagga, no child ever ran" {
    busybox_tarball busybox.tar.gz
    local mark=documented-build-$$-$RANDOM
    sed -i "s/MARK_VALUE/$mark/" vagga.yaml
    "$VAGGA" slow-build > out 2>&1 3>&- &
    local sup=$!
    wait_file build-started 60
    [ -n "$(marked_pids "$mark")" ] # the build step runs
    kill -TERM "$sup"
    wait_exit "$sup" 30 || { cat out; false; }
    assert_equal "$STATUS" 143
    wait_gone "$mark" 50
    run cat out
    refute_output --partial "a ran"
    # no half-built root in place (its .tmp directory goes with the next build)
    [ ! -e .vagga/slow ]
}

# PROTOCOL: a signal the supervisor forwards while a shim still sets its container up waits in
# the control pipe and reaches the command once it runs. The signal comes as soon as the first
# shim exists: 30 more children are being spawned, and c00's shim copies 5000 files for its
# !Snapshot. A lost signal would leave a child until the 60 s grace and its SIGKILL.
@test "SIGINT and SIGTERM while the children are being spawned reach every child once it runs" {
    mkdir big
    (cd big && seq 5000 | xargs touch)
    local sig mark
    for sig in INT TERM; do
        mark=documented-spawn-$$-$RANDOM
        "$VAGGA" -E MARK="$mark" many > out 2>&1 3>&- &
        local sup=$! end=$((SECONDS + 60))
        until [ -n "$(marked_pids "$mark")" ]; do
            ((SECONDS < end)) || { cat out; fail "no child started"; }
            sleep 0.01
        done
        kill -$sig "$sup"
        wait_exit "$sup" 30 || { cat out; false; }
        case $sig in INT) assert_equal "$STATUS" 130 ;; TERM) assert_equal "$STATUS" 143 ;; esac
        run cat out
        refute_output --partial "still alive"
        wait_gone "$mark" 50
    done
}
