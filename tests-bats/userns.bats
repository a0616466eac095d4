#!/usr/bin/env bats
# Unprivileged runs: a user namespace per child, with the full /etc/subuid range when there is one.

load helpers

TEST_USER=vaggaids

setup() {
    project userns
    chmod -R a+rwX "$PROJECT"
    id "$TEST_USER" > /dev/null 2>&1 || useradd -m "$TEST_USER" || skip "cannot create $TEST_USER"
    [ -x /usr/bin/newuidmap ] || skip "newuidmap is not installed (Debian package uidmap)"
    cp /etc/subuid "$BATS_TEST_TMPDIR/subuid.saved"
    cp /etc/subgid "$BATS_TEST_TMPDIR/subgid.saved"
    sed -i "/^$TEST_USER:/d" /etc/subuid /etc/subgid
}

teardown() {
    cp "$BATS_TEST_TMPDIR/subuid.saved" /etc/subuid
    cp "$BATS_TEST_TMPDIR/subgid.saved" /etc/subgid
    cleanup_project
}

@test "without a subuid range: own uid mapped to 0, with a warning" {
    run runuser -u "$TEST_USER" -- "$VAGGA" ids --only root
    assert_success
    assert_line --partial "vagga: warning: no range for $TEST_USER in /etc/subuid"
    own=$(id -u "$TEST_USER")
    assert_line --regexp "^root: uid=0 map= *0 +$own +1;$"
}

@test "with a subuid range: the full map, and user-id 1000 works" {
    echo "$TEST_USER:300000:65536" >> /etc/subuid
    echo "$TEST_USER:300000:65536" >> /etc/subgid
    run runuser -u "$TEST_USER" -- "$VAGGA" ids
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
    # a process limit the JVM's threads and the first children use up: later clones fail (EAGAIN)
    run -127 runuser -u "$TEST_USER" -- bash -c "ulimit -u 45; exec '$VAGGA' -E MARK=nproc-$$ many"
    assert_equal "$status" 127
    assert_line --regexp '^---------- Process c[0-9]+ could not be run: .*Resource temporarily unavailable.*\. Shutting down -----------$'
    [ "$(grep -c 'could not be run' <<< "$output")" -eq 1 ]
    [ "$(grep -c ' up$' <<< "$output")" -ge 1 ]
    wait_gone "nproc-$$"
}

# Runs "$@" as root of a new user namespace mapping uids and gids 0-65535 to themselves, with its
# own PID namespace and /proc, where user.max_user_namespaces is 0: no user namespace can be made
# inside it. The host's setting is left alone (and is read-only in some sandboxes).
without_user_namespaces() {
    local go="$BATS_TEST_TMPDIR/go" pid i
    mkfifo "$go"
    # the map is written from out here before /proc is mounted inside, so that the sysctl belongs
    # to the new namespace's root
    unshare --user sh -c 'read x < "$1"; shift; exec unshare --pid --fork --mount --mount-proc "$@"' \
        sh "$go" sh -c 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"' sh "$@" &
    pid=$!
    for ((i = 0; i < 200; i++)); do
        [[ $(readlink "/proc/$pid/ns/user") != $(readlink /proc/self/ns/user) ]] && break
        sleep 0.01
    done
    echo '0 0 65536' > "/proc/$pid/uid_map"
    echo '0 0 65536' > "/proc/$pid/gid_map"
    echo go > "$go"
    wait "$pid"
}

@test "user namespaces disabled: a clear error with a hint" {
    unshare --user true 2>/dev/null || skip "user namespaces are not available"
    run -127 without_user_namespaces runuser -u "$TEST_USER" -- "$VAGGA" ids --only root
    assert_equal "$status" 127
    assert_line --regexp 'could not be run: cannot create user and PID namespace: No space left on device'
    assert_line --partial "hint: unprivileged user namespaces are disabled; see /proc/sys/user/max_user_namespaces"
}
