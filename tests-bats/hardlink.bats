#!/usr/bin/env bats
# _hardlink (and --global), _verify, and the settings index-all-images / hard-link-identical-files.
# The counts are vagga's own test's: etc/hosts and etc/resolv.conf (empty) are linked too.

load helpers

setup() {
    project hardlink
    unset VAGGA_SETTINGS
}
teardown() { cleanup_project; }

@test "_hardlink: identical files of the project's roots become one inode, vagga's line and counts" {
    "$VAGGA" _build hello
    run "$VAGGA" _hardlink
    assert_success
    assert_output --partial 'Found and linked 0 (0B) identical files'
    "$VAGGA" _build hello-and-bye
    run "$VAGGA" _hardlink
    assert_success
    assert_output --partial 'Found and linked 3 (12B) identical files'
    assert_equal "$(stat -c %i .vagga/hello/etc/hello.txt)" "$(stat -c %i .vagga/hello-and-bye/etc/hello.txt)"
    assert_equal "$(stat -c %h .vagga/hello-and-bye/etc/hello.txt)" 2
    assert_equal "$(stat -c %h .vagga/hello-and-bye/etc/bye.txt)" 1
    # a file replaced (not rewritten in place) in one root is no longer shared
    sed -i 's/!/?/' .vagga/hello/etc/hello.txt
    "$VAGGA" _build --force hello-and-bye
    run "$VAGGA" _hardlink
    assert_success
    assert_output --partial 'Found and linked 2 (0B) identical files'
    assert_equal "$(cat .vagga/hello/etc/hello.txt)" "Hello world?"
    assert_equal "$(cat .vagga/hello-and-bye/etc/hello.txt)" "Hello world!"
}

@test "hard-link-identical-files (with index-all-images): the build links and says so" {
    export VAGGA_SETTINGS=$'index-all-images: true\nhard-link-identical-files: true'
    run "$VAGGA" _build hello
    assert_success
    assert_output --partial 'Found and linked 0 (0B) identical files'
    [ -f .vagga/.roots/$(readlink .vagga/hello | cut -d/ -f2)/index.ds1 ]
    run "$VAGGA" _build hello-and-bye
    assert_success
    assert_output --partial 'Found and linked 3 (12B) identical files'
    assert_equal "$(stat -c %i .vagga/hello/etc/hello.txt)" "$(stat -c %i .vagga/hello-and-bye/etc/hello.txt)"
}

@test "without the settings a build links nothing and writes no index" {
    "$VAGGA" _build hello
    run "$VAGGA" _build hello-and-bye
    refute_output --partial 'Found and linked'
    [ "$(stat -c %h .vagga/hello-and-bye/etc/hello.txt)" = 1 ]
    [ ! -e .vagga/.roots/$(readlink .vagga/hello | cut -d/ -f2)/index.ds1 ]
}

@test "_hardlink --global: exit 121 without storage-dir; with it, roots of every project are linked" {
    run "$VAGGA" _hardlink --global
    assert_failure 121
    assert_output 'The --global flag is only meaningful if you configure storage-dir in settings'
    mkdir storage p1 p2
    cp vagga.yaml p1/ && cp vagga.yaml p2/
    export VAGGA_SETTINGS="storage-dir: $PWD/storage"
    (cd p1 && "$VAGGA" _build hello)
    assert_equal "$(readlink p1/.vagga/hello | cut -d/ -f1-2)" ".lnk/.roots"
    (cd p2 && "$VAGGA" _build hello-and-bye)
    run sh -c 'cd p2 && "$VAGGA" _hardlink --global'
    assert_success
    assert_output --partial 'Found and linked 3 (12B) identical files'
    assert_equal "$(stat -c %i p1/.vagga/hello/etc/hello.txt)" "$(stat -c %i p2/.vagga/hello-and-bye/etc/hello.txt)"
}

@test "_verify: Ok for an intact root; missing, extra and corrupted paths listed, exit 1" {
    "$VAGGA" _build hello
    "$VAGGA" _build hello-and-bye
    "$VAGGA" _hardlink
    run "$VAGGA" _verify hello
    assert_success
    assert_line --index 1 Ok
    echo "Hi!" > .vagga/hello-and-bye/etc/hello.txt
    touch .vagga/hello-and-bye/etc/bonjour.txt
    rm .vagga/hello-and-bye/etc/bye.txt
    run "$VAGGA" _verify hello-and-bye
    assert_failure 1
    assert_output --partial 'Container is corrupted'
    [[ $output = *"Missing"*"/etc/bye.txt"*"Extra"*"/etc/bonjour.txt"*"Corrupted"*"/etc/hello.txt" ]]
    # written in place: the other root sharing the inode is corrupted too
    run "$VAGGA" _verify hello
    assert_failure 1
    assert_output --partial 'Corrupted paths:'
    refute_output --partial Missing
    refute_output --partial Extra
}

@test "_verify: a container never built, or without an index, is a one-line error, 121" {
    run "$VAGGA" _verify hello
    assert_failure 121
    assert_output --partial 'is not built'
    "$VAGGA" _build hello
    run "$VAGGA" _verify hello
    assert_failure 121
    assert_output --partial 'Error checking container signature'
}

@test "hard-link-between-projects: a build links identical files with the other projects of the storage dir" {
    mkdir storage p1 p2 p3
    cp vagga.yaml p1/ && cp vagga.yaml p2/ && cp vagga.yaml p3/
    export VAGGA_SETTINGS=$'index-all-images: true\nhard-link-identical-files: true\n'"storage-dir: $PWD/storage"
    (cd p1 && "$VAGGA" _build hello)
    # within the project only (the default): p1's file is not linked
    run sh -c 'cd p2 && "$VAGGA" _build hello-and-bye'
    assert_success
    [ "$(stat -c %i p1/.vagga/hello/etc/hello.txt)" != "$(stat -c %i p2/.vagga/hello-and-bye/etc/hello.txt)" ]
    export VAGGA_SETTINGS="$VAGGA_SETTINGS"$'\nhard-link-between-projects: true'
    run sh -c 'cd p3 && "$VAGGA" _build hello-and-bye'
    assert_success
    assert_output --partial 'Found and linked'
    # linked with one of the other projects' copies (which one is the first found)
    local i3
    i3=$(stat -c %i p3/.vagga/hello-and-bye/etc/hello.txt)
    [ "$i3" = "$(stat -c %i p1/.vagga/hello/etc/hello.txt)" ] || [ "$i3" = "$(stat -c %i p2/.vagga/hello-and-bye/etc/hello.txt)" ]
    [ "$(stat -c %h p3/.vagga/hello-and-bye/etc/hello.txt)" -ge 2 ]
}
