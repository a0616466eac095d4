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

# src/ of the !Copy tests: modes and times a user would check
copy_sources() {
    mkdir -p src/sub src/.git
    echo keep > src/keep.txt && chmod 640 src/keep.txt
    printf '#!/bin/sh\n' > src/run.sh && chmod 750 src/run.sh
    echo log > src/skip.log
    echo inner > src/sub/inner.txt
    echo head > src/.git/HEAD
    touch -d 2020-01-02T03:04:05 src/keep.txt
}

files_of() {
    (cd ".vagga/$1/app" && find . -mindepth 1 | sort | tr '\n' ' ')
}

@test "!Copy rules, include-regex and no-default-rules choose the files as vagga's do" {
    copy_sources
    "$VAGGA" _build copy_rules 2>/dev/null
    assert_equal "$(files_of copy_rules)" "./keep.txt ./sub ./sub/inner.txt "
    "$VAGGA" _build copy_include 2>/dev/null
    assert_equal "$(files_of copy_include)" "./keep.txt ./sub ./sub/inner.txt "
    "$VAGGA" _build copy_nodefault 2>/dev/null
    assert_equal "$(files_of copy_nodefault)" "./.git ./.git/HEAD ./keep.txt ./run.sh ./skip.log ./sub ./sub/inner.txt "
    "$VAGGA" _build copy_default 2>/dev/null
    assert_equal "$(files_of copy_default)" "./keep.txt ./run.sh ./skip.log ./sub ./sub/inner.txt "
    # only exclusions: vagga's warning, and nothing copied
    run "$VAGGA" _build copy_no_include
    assert_success
    assert_output --partial "You didn't add any include rules. So no files will be matched."
    assert_equal "$(files_of copy_no_include)" ""
    run "$VAGGA" _build copy_both
    assert_equal "$status" 121
    assert_output --partial "You must specify either rules or regular expressions but not both"
}

@test "!Copy umask, preserve-permissions and preserve-times; by default 664/775 and times 1" {
    copy_sources
    "$VAGGA" _build copy_default 2>/dev/null
    assert_equal "$(stat -c '%a %X %Y' .vagga/copy_default/app/keep.txt .vagga/copy_default/app/run.sh | tr '\n' ' ')" "664 1 1 775 1 1 "
    assert_equal "$(stat -c %a .vagga/copy_default/app/sub)" 775
    "$VAGGA" _build copy_umask 2>/dev/null
    assert_equal "$(stat -c '%a' .vagga/copy_umask/app/keep.txt .vagga/copy_umask/app/run.sh .vagga/copy_umask/app/sub | tr '\n' ' ')" "644 755 755 "
    "$VAGGA" _build copy_preserve 2>/dev/null
    assert_equal "$(stat -c '%a' .vagga/copy_preserve/app/keep.txt .vagga/copy_preserve/app/run.sh | tr '\n' ' ')" "640 750 "
    assert_equal "$(stat -c %Y .vagga/copy_preserve/app/keep.txt)" "$(stat -c %Y src/keep.txt)"
    # with preserve-permissions a mode change of a source is a new version
    local before
    before=$("$VAGGA" _version_hash copy_preserve)
    chmod 600 src/keep.txt
    [ "$("$VAGGA" _version_hash copy_preserve)" != "$before" ]
}

@test "data-dirs: only those paths (and the directories above them) stay in the finished root" {
    run "$VAGGA" _build datadirs
    assert_success
    run sh -c 'cd .vagga/datadirs && find . -mindepth 1 | sort | tr "\n" " "'
    # the empty standard mount points stay so the container can still run (vagga removes them too)
    assert_output "./dev ./etc ./etc/hosts ./etc/resolv.conf ./proc ./run ./srv ./srv/keep.txt ./sys ./tmp ./var ./var/lib ./var/lib/data ./var/lib/data/db.txt ./work "
    mkdir rel && printf 'containers:\n  c:\n    data-dirs: [var/lib/data]\n    setup: [!Text {/x: y}]\n' > rel/vagga.yaml
    run sh -c 'cd rel && "$VAGGA" _build c'
    assert_equal "$status" 126
    assert_output --partial 'data-dirs "var/lib/data" must be absolute'
}

@test "!CacheDir: an empty or absolute path is vagga's setup error (124); a path below the cache root works" {
    run "$VAGGA" cache_empty
    assert_equal "$status" 124
    assert_line "mount !CacheDir: path must not be empty"
    refute_line "ran"
    run "$VAGGA" cache_absolute
    assert_equal "$status" 124
    assert_line 'mount !CacheDir "/abs": path must not be absolute'
    run "$VAGGA" _run cache_empty_run echo ran
    assert_equal "$status" 124
    assert_equal "${lines[${#lines[@]}-1]}" "mount !CacheDir: path must not be empty"
    run "$VAGGA" cache_sub
    assert_success
    [ "$(cat .vagga/.cache/sub/dir/file)" = cached ]
}

@test "a built root has vagga's standard directories and modes; /run holds /run/shm (1777)" {
    "$VAGGA" _build base 2>/dev/null
    run stat -c '%n %a' .vagga/base/dev .vagga/base/etc .vagga/base/proc .vagga/base/run .vagga/base/sys .vagga/base/tmp .vagga/base/work
    assert_output ".vagga/base/dev 755
.vagga/base/etc 755
.vagga/base/proc 755
.vagga/base/run 755
.vagga/base/sys 755
.vagga/base/tmp 1777
.vagga/base/work 755"
    run "$VAGGA" run_shm
    assert_success
    assert_line "run/shm 1777"
    assert_line "shm writable"
    # an archive of only tmp: exactly vagga's seven directories, with its modes
    mkdir tmp-only && mkdir tmp-only/tmp && tar -czf tmp-only.tar.gz -C tmp-only tmp
    "$VAGGA" _build sysdirs 2>/dev/null
    assert_equal "$(cd .vagga/sysdirs && stat -c '%n %a' * | tr '\n' ' ')" "dev 755 etc 755 proc 755 run 755 sys 755 tmp 1777 work 755 "
}

@test "a build step may replace /etc/resolv.conf (a copy of the host's); resolv-conf-path puts it there at run time" {
    [ -s /etc/resolv.conf ] || skip "the host has no /etc/resolv.conf"
    run "$VAGGA" _build relinked
    assert_success
    assert_line "build-sees-resolv"
    assert_line "relinked"
    [ "$(readlink .vagga/relinked/etc/resolv.conf)" = /state/resolv.conf ]
    run "$VAGGA" relinked
    assert_success
    assert_output "$(cat /etc/resolv.conf)"
    # null: no host file is shown at all
    "$VAGGA" _build no_host_files 2>/dev/null
    run "$VAGGA" no_host_files
    assert_success
    assert_output "image's own hosts"
}

@test "a cyclic !Container: vagga's message on the last line, exit 126" {
    mkdir cyclic
    printf 'containers:\n  crash:\n    setup:\n    - !Container crash\ncommands:\n  crash-me-not: !Command\n    container: crash\n    run: [/bin/true]\n' > cyclic/vagga.yaml
    cd cyclic
    run "$VAGGA" crash-me-not
    assert_equal "$status" 126
    assert_equal "${lines[${#lines[@]}-1]}" 'Container "crash" has cyclic dependency'
    # a cycle of three, written out of name order: vagga reports the first name, once
    printf 'containers:\n  c:\n    setup: [!Container a]\n  b:\n    setup: [!Container c]\n  a:\n    setup: [!Container b]\ncommands:\n  x: !Command\n    container: b\n    run: [/bin/true]\n' > vagga.yaml
    run "$VAGGA" x
    assert_equal "$status" 126
    assert_equal "${lines[${#lines[@]}-1]}" 'Container "a" has cyclic dependency'
    [ "$(grep -c 'has cyclic dependency' <<<"$output")" = 1 ]
}

@test "!BindRW /vagga/root/PATH binds the container's own root; writable only as a transient copy" {
    "$VAGGA" _build envfile 2>/dev/null
    run "$VAGGA" rootbind
    assert_success
    assert_line "PLAIN=1"
    assert_line "image read-only"
    [ ! -e .vagga/envfile/etc/new ]
    run "$VAGGA" rootbind_transient
    assert_success
    assert_line "writes the transient root"
    [ ! -e .vagga/envfile/etc/new ]
}

@test "uids/gids: more ids than the user's subordinate range is vagga's 'Number of allowed subuids is too small' (121)" {
    [ "$(id -u)" = 0 ] && [ -x /usr/bin/newuidmap ] || skip "needs root and newuidmap (Debian package uidmap)"
    # made here too: on a fresh machine this file runs before userns.bats, which made it before
    id vaggaids > /dev/null 2>&1 || useradd -m vaggaids || fail "cannot create the test user vaggaids"
    local own
    own=$(id -u vaggaids)
    chmod -R a+rwX "$PROJECT"
    for f in subuid subgid; do
        { grep -v "^vaggaids:" /etc/$f || true; echo "vaggaids:$((own * 1000 + 100000)):100"; } > "$BATS_TEST_TMPDIR/$f"
        chmod 644 "$BATS_TEST_TMPDIR/$f"
    done
    as_vaggaids() {
        "$BATS_TEST_DIRNAME/userns/with-subids" "$BATS_TEST_TMPDIR" runuser -u vaggaids -- "$@"
    }
    run as_vaggaids "$VAGGA" many_ids
    assert_equal "$status" 121
    assert_output --partial "Number of allowed subuids is too small. Required [0-65535], allowed [0-0, 1-100]."
    refute_line "ran"
    run as_vaggaids "$VAGGA" few_ids
    assert_success
    assert_line "ran with few"
    # a range that holds the user's own uid: vagga's 'includes original id' line, and only the own id mapped
    for f in subuid subgid; do
        { grep -v "^vaggaids:" /etc/$f || true; echo "vaggaids:$own:100"; } > "$BATS_TEST_TMPDIR/$f"
    done
    run as_vaggaids "$VAGGA" few_ids
    assert_success
    assert_line "ran with few"
    assert_line --regexp "^Error reading uidmap: /etc/subuid:[0-9]+: range $own\.\.$((own + 99)) includes original id, they should only include additional ranges not user's own uid/gid\$"
    assert_line --partial "only your own uid and gid are mapped"
}

@test "image-cache-url: the image from a local server is unpacked instead of building; a missing one is built locally" {
    local port hash httpd
    port=$(( 20000 + RANDOM % 20000 ))
    sed -i "s/PORT/$port/" vagga.yaml
    mkdir -p www image/etc
    echo "from the image" > image/etc/from-image
    /bin/busybox httpd -f -p "127.0.0.1:$port" -h "$PWD/www" 3>&- &
    httpd=$!
    hash=$("$VAGGA" _version_hash --short cached)
    tar -czf "www/cached.$hash.tar.gz" -C image .
    run "$VAGGA" _build cached
    assert_success
    [ "$(cat .vagga/cached/etc/from-image)" = "from the image" ]
    [ ! -e .vagga/cached/etc/built-locally ]
    # --no-image-download builds it locally
    run "$VAGGA" --no-image-download _build --force cached
    assert_success
    [ -e .vagga/cached/etc/built-locally ]
    # no image at the URL: vagga's line, then a local build
    rm "www/cached.$hash.tar.gz"
    run "$VAGGA" _build --force cached
    kill "$httpd"; wait "$httpd" || true
    assert_success
    assert_output --partial "Error when unpacking image:"
    assert_output --partial "Will clean and build it locally..."
    [ -e .vagga/cached/etc/built-locally ]
    [ ! -e .vagga/cached/etc/from-image ]
}

@test "a build step sees the host's /sys read-only and the caller's proxy variables; so does a command" {
    export http_proxy=http://127.0.0.1:9/h https_proxy=http://127.0.0.1:9/s ftp_proxy=ftp://127.0.0.1:9/f
    export no_proxy=localhost all_proxy=socks://127.0.0.1:9/a
    run "$VAGGA" _build sysproxy
    assert_success
    [ "$(cat .vagga/sysproxy/etc/sys-mount)" = ro ]
    [ "$(cat .vagga/sysproxy/etc/sys-write)" = refused ]
    [ "$(cat .vagga/sysproxy/etc/build-proxies)" = "$http_proxy|$https_proxy|$ftp_proxy|$no_proxy|$all_proxy" ]
    run "$VAGGA" proxies
    assert_success
    assert_output "$http_proxy|$https_proxy|$ftp_proxy|$no_proxy|$all_proxy"
}

@test "!EmptyDir: the directory's contents go, the directory and its mode stay; a missing one is no error" {
    run "$VAGGA" _run emptied sh -c 'ls -A /var/e | wc -l; stat -c %a /var/e; [ -e /var/missing ] || echo no-missing'
    assert_success
    assert_line 0
    assert_line 750
    assert_line no-missing
    run "$VAGGA" _version_hash --debug-versioning emptied
    assert_output --partial '!EmptyDir "/var/e"'
}

@test "tags and pass-tcp-socket on a !Supervise are accepted and do nothing, as in vagga" {
    run --separate-stderr "$VAGGA" sv_tagged
    assert_success
    assert_line 'child ran'
    [[ "$stderr" != *unknown* ]]
    run "$VAGGA" sv_tagged --only part
    assert_success
    assert_line 'child ran'
}

@test "resolv-conf-path and hosts-file-path must be absolute, as vagga's validator says (126)" {
    mkdir rel
    printf 'containers:\n  c:\n    resolv-conf-path: etc/resolv.conf\n    hosts-file-path: hosts\n    setup: []\n' > rel/vagga.yaml
    cd rel
    run "$VAGGA" _list
    assert_failure 126
    assert_line 'vagga.yaml:3:23: resolv-conf-path "etc/resolv.conf" must be absolute'
    assert_line 'vagga.yaml:4:22: hosts-file-path "hosts" must be absolute'
}

@test "a !Supervise takes --no-build and --no-version-check after its name, as vagga's parser does" {
    run "$VAGGA" sv_tagged --no-build
    assert_failure 29
    assert_output --partial 'forbids building'
    [ ! -e .vagga/base ]
    "$VAGGA" _build base
    run "$VAGGA" sv_tagged --no-version-check --only part
    assert_success
    assert_line 'child ran'
}
