#!/usr/bin/env bats
# Hardening (issue 12): what a hostile child plants under the project is never followed by a later run.

load helpers

setup_file() {
    # a static busybox root, made once for the file
    local tree=$BATS_FILE_TMPDIR/tree
    mkdir -p "$tree/bin" "$tree/etc"
    cp /bin/busybox "$tree/bin/busybox"
    for tool in sh echo cat rm ln mv cp ls touch; do ln -s /bin/busybox "$tree/bin/$tool"; done
    tar -czf "$BATS_FILE_TMPDIR/busybox.tar.gz" -C "$tree" .
}

setup() {
    project hardening
    cp "$BATS_FILE_TMPDIR/busybox.tar.gz" .
    VICTIM=$(mktemp -d "${BATS_TMPDIR:-/tmp}/vagga-victim.XXXXXX")
    echo "$VICTIM" > victim-path
}

teardown() {
    rm -rf "$VICTIM"
    cleanup_project
}

# Nothing of the run was written outside the project.
victim_untouched() {
    run find "$VICTIM" -mindepth 1 -newer victim-path -name escape
    assert_output ''
    run find "$VICTIM" -mindepth 1 -maxdepth 1 -name pv -o -mindepth 1 -maxdepth 1 -name cc
    assert_output ''
}

@test "a symlink a child planted at .vagga/.volumes/NAME is not followed (vagga plant; vagga use)" {
    run "$VAGGA" plant
    assert_success
    [ -L .vagga/.volumes/pv ]
    run "$VAGGA" use
    assert_failure 121
    assert_output --partial "volume \"/data\" (!Persistent \"pv\", vagga.yaml:"
    assert_output --partial "$PROJECT/.vagga/.volumes/pv: is a symlink (vagga does not follow symlinks under the project"
    refute_output --partial used
    victim_untouched
    # once the link is gone, the volume is vagga's own again
    rm .vagga/.volumes/pv
    run "$VAGGA" use
    assert_success
    assert_line used
    [ -f .vagga/.volumes/pv/escape ]
}

@test "a symlinked .vagga/.volumes, .vagga/.cache/NAME or .vagga is not followed" {
    run "$VAGGA" plant-volumes
    assert_success
    run "$VAGGA" use
    assert_failure 121
    assert_output --partial "$PROJECT/.vagga/.volumes: is a symlink"
    victim_untouched
    rm .vagga/.volumes

    run "$VAGGA" plant-cache
    assert_success
    run "$VAGGA" use
    assert_failure 121
    assert_output --partial "volume \"/cache\" (!CacheDir \"cc\", vagga.yaml:"
    assert_output --partial "$PROJECT/.vagga/.cache/cc: is a symlink"
    victim_untouched
    rm .vagga/.cache/cc

    run "$VAGGA" plant-vagga
    assert_success
    [ -L .vagga ]
    run "$VAGGA" use
    assert_failure 121
    assert_output --partial "$PROJECT/.vagga: is a symlink"
    victim_untouched
    run ls -A "$VICTIM"
    assert_output ''
}

@test "a container root a child replaced by a symlink is not used" {
    run "$VAGGA" plant-root
    assert_success
    run sh -c 'ls -d .vagga/.roots/bb.*'
    [ -L "$output" ]
    # the link leads to a root that looks finished (as a hostile user on the host could arrange)
    cp -a moved-root/. "$VICTIM/"
    run "$VAGGA" use
    assert_failure 124
    assert_output --regexp "vagga-init: --root $PROJECT/.vagga/.roots/bb\.[0-9a-f]+/root: a symlink under the project \(not followed"
    refute_output --partial used
    run find "$VICTIM" -name escape
    assert_output ''
}

@test "as an ordinary user too: a planted .vagga/.volumes/NAME link is not followed" {
    id vaggaids > /dev/null 2>&1 || useradd -m vaggaids || skip "cannot create the test user vaggaids"
    [ -x /usr/bin/newuidmap ] || skip "newuidmap is not installed (Debian package uidmap)"
    chmod -R a+rwX "$PROJECT"
    chmod 777 "$VICTIM"
    run runuser -u vaggaids -- "$VAGGA" plant
    assert_success
    [ -L .vagga/.volumes/pv ]
    run runuser -u vaggaids -- "$VAGGA" use
    assert_failure 121
    assert_output --partial "$PROJECT/.vagga/.volumes/pv: is a symlink"
    victim_untouched
}
