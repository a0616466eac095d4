#!/usr/bin/env bats
# Unprivileged runs: a user namespace per child, with the full /etc/subuid range when there is one.

load helpers

TEST_USER=vaggaids

setup() {
    project userns
    MARK=userns-$$-$BATS_TEST_NUMBER
    chmod -R a+rwX "$PROJECT"
    id "$TEST_USER" > /dev/null 2>&1 || useradd -m "$TEST_USER" || fail "cannot create $TEST_USER"
    [ -x /usr/bin/newuidmap ] || fail "newuidmap is not installed (Debian package uidmap, in make deps)"
    subids
}

teardown() {
    cleanup_project
}

# subids [LINE...]: the /etc/subuid and /etc/subgid this test's vagga sees (as_user): the host's
# without the test user's lines, plus LINE...
subids() {
    local f
    for f in subuid subgid; do
        { grep -v "^$TEST_USER:" /etc/$f || true; [ $# = 0 ] || printf '%s\n' "$@"; } > "$BATS_TEST_TMPDIR/$f"
        chmod 644 "$BATS_TEST_TMPDIR/$f"
    done
}

# as_user [PREFIX...] -- CMD...: CMD as the test user, seeing the test's subuid/subgid files;
# PREFIX (a command that runs its arguments, as root) goes between the files' mount and runuser.
as_user() {
    local prefix=()
    while [ "$1" != -- ]; do prefix+=("$1"); shift; done
    shift
    "$BATS_TEST_DIRNAME/userns/with-subids" "$BATS_TEST_TMPDIR" "${prefix[@]}" runuser -u "$TEST_USER" -- "$@"
}

@test "without a subuid range: own uid mapped to 0, with a warning" {
    run as_user -- "$VAGGA" ids --only root
    assert_success
    assert_line --partial "vagga: warning: no range for $TEST_USER in /etc/subuid"
    own=$(id -u "$TEST_USER")
    assert_line --regexp "^root: uid=0 map= *0 +$own +1;$"
}

@test "with a subuid range: the full map, and user-id 1000 works" {
    subids "$TEST_USER:300000:65536"
    run as_user -- "$VAGGA" ids
    assert_success
    refute_output --partial "warning"
    own=$(id -u "$TEST_USER")
    assert_line --regexp "^root: uid=0 map= *0 +$own +1; *1 +300000 +65536;$"
    assert_line "user: uid=1000 gid=1000"
}

@test "a child that cannot be started: the could-not-be-run line, the rest still spawned, then stopped, 127" {
    {
        echo "containers: {host: {setup: [!HostRoot]}}"
        echo "commands:"
        echo "  many: !Supervise"
        echo "    children:"
        for i in $(seq -w 1 30); do
            echo "      c$i: !Command {container: host, run: 'echo c$i up; exec sleep 100'}"
        done
    } > vagga.yaml
    # room for 5 user namespaces (one per child): the 6th child cannot be started. The limit is the
    # run's own (a user namespace of the test's), unlike a process limit shared with the machine.
    run -127 as_user "$BATS_TEST_DIRNAME/userns/userns-limit" 5 -- "$VAGGA" -E MARK=$MARK many
    assert_equal "$status" 127
    assert_line --regexp '^---------- Process c06 could not be run: cannot create user and PID namespace: No space left on device\. Shutting down -----------$'
    [ "$(grep -c 'could not be run' <<< "$output")" -eq 1 ]
    # the others were spawned all the same (and stopped)
    [ "$(grep -c ' up$' <<< "$output")" -ge 1 ]
    wait_gone "$MARK"
}

@test "user namespaces disabled: a clear error with a hint" {
    unshare --user true 2>/dev/null || skip "user namespaces are not available"
    run -127 as_user "$BATS_TEST_DIRNAME/userns/userns-limit" 0 -- "$VAGGA" ids --only root
    assert_equal "$status" 127
    assert_line --regexp 'could not be run: cannot create user and PID namespace: No space left on device'
    assert_line --partial "hint: unprivileged user namespaces are disabled; see /proc/sys/user/max_user_namespaces"
}
