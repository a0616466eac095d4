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
