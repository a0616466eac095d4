#!/usr/bin/env bats
# Container, volume and build-step keys that vagga acts on (issues 19, 20): each as vagga does it.

load helpers

setup() {
    project compat-keys
    busybox_tarball busybox.tar.gz
}

teardown() {
    cleanup_project
}

@test "external-user-id: user-id 1 mapped to 0 writes to /work as vagga; without it, uid 1 cannot" {
    [ "$(id -u)" = 0 ] || skip "needs root (the project belongs to root, as the test checks)"
    run "$VAGGA" external
    assert_success
    assert_line "uid 1"
    assert_line "write ok"
    [ "$(cat by-external)" = written ]
    # the file belongs to the external id (root), as vagga's mapping makes it
    [ "$(stat -c %u by-external)" = 0 ]
    run "$VAGGA" no_external
    assert_failure
    assert_output --partial "Permission denied"
    [ ! -e by-plain ]
}

@test "environ-file: read from inside the container, quotes stripped, environ wins value by value" {
    run "$VAGGA" envfile
    assert_success
    assert_line "PLAIN=1 QUOTED=two words WITH_EQ=a=b OVER=from-environ"
    run "$VAGGA" _run envfile sh -c 'echo "$PLAIN $OVER"'
    assert_success
    assert_line "1 from-environ"
}

@test "environ-file: a missing file or a line without = is vagga's error, exit 124, nothing runs" {
    run "$VAGGA" envfile_missing
    assert_equal "$status" 124
    assert_output --partial 'Error reading environment file "/etc/nope.env": No such file or directory'
    refute_line "ran"
    run "$VAGGA" envfile_bad
    assert_equal "$status" 124
    assert_output --partial 'Error reading environment file "/etc/bad.env": bad format'
    refute_line "ran"
}

@test "!Snapshot {container: X}: a private copy of X's folder at the mount path, also in _run right after _build" {
    run "$VAGGA" snapshot
    assert_success
    assert_line "files: seed.txt "
    assert_line "writable"
    refute_line "whole root"
    [ ! -e .vagga/seeded/var/lib/db/new ]
    rm -rf .vagga
    "$VAGGA" _build seeded 2>/dev/null
    run "$VAGGA" _run consumer cat /var/lib/db/seed.txt
    assert_success
    assert_output --partial "seeded"
}
