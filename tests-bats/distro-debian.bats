#!/usr/bin/env bats
# !Debian bookworm + !Install for real, from this machine's apt sources; one build reused by every test.
# The package caches live in /var/tmp/vagga-test-cache (cache-dir setting), shared with later runs.

load helpers

# one build from a cold cache (mmdebstrap, apt) takes minutes on a busy 2-core machine
BATS_TEST_TIMEOUT=600
CACHE=/var/tmp/vagga-test-cache

setup_file() {
    export VAGGA_SETTINGS="cache-dir: $CACHE"
    file_project distro-debian
    cd "$FILE_PROJECT"
    # redis, then extra on top of it: the builds every test below reuses
    build_for_file extra
}

setup() {
    cd "$FILE_PROJECT"
    export VAGGA_SETTINGS="cache-dir: $CACHE"
    MARK=distro-$$-$BATS_TEST_NUMBER
}

teardown() {
    [ -n "${SUP:-}" ] && kill -9 "$SUP" 2>/dev/null
    return 0
}

root_of() {
    echo ".vagga/.roots/$1.$("$VAGGA" _version_hash --short "$1")"
}

@test "!Debian bookworm + !Install: python3 and redis-server inside, apt's lists and archives left in the cache" {
    run cat "$BATS_FILE_TMPDIR/build.log"
    assert_line --partial '[redis] step 1/4: !Debian "bookworm"'
    assert_line --partial '[redis] running apt-get install -y python3 redis-server'
    # the bootstrapped base is cached as a tarball: no copy of the root is saved after it
    refute_line --partial '[redis] saved the root after step 1 '
    dir=$(root_of redis)
    [ -x "$dir/root/usr/bin/python3" ]
    [ -x "$dir/root/usr/bin/redis-server" ]
    [ "$(cat "$dir/distribution")" = "debian bookworm" ]
    grep -q '^ii  redis-server ' "$dir/debian-packages.txt"
    grep -q '^DEBIAN_FRONTEND=noninteractive$' <(tr '\0' '\n' < "$dir/environ")
    # vagga's finishing touches: services never start, no recommends
    grep -q 'exit 101' "$dir/root/usr/sbin/policy-rc.d"
    grep -q 'Install-Recommends "0"' "$dir/root/etc/apt/apt.conf.d/01norecommend"
    # the lists and the .debs are in the shared cache, not in the root
    [ -z "$(ls "$dir/root/var/cache/apt/archives" | grep '\.deb$' || true)" ]
    [ -z "$(ls "$dir/root/var/lib/apt/lists" | grep '_Packages' || true)" ]
    ls "$CACHE/apt-archives" | grep -q '^redis-server_.*\.deb$'
    ls "$CACHE/apt-lists/debian-bookworm" | grep -q '_Packages'
}

@test "!BuildDeps: present during the build, removed at its end" {
    dir=$(root_of redis)
    grep -q '^file-' "$dir/root/etc/built-with-file"
    [ ! -e "$dir/root/usr/bin/file" ]
    ! grep -q '^ii  file ' "$dir/debian-packages.txt"
}

@test "a !Command runs python3 from the Debian container" {
    run "$VAGGA" py
    assert_success
    assert_output 'python 3'
}

@test "!Supervise runs a real redis-server and a python client that talks to it" {
    rm -f sock/redis.sock
    run timeout 60 "$VAGGA" -E MARK=$MARK run-redis
    assert_success
    assert_line "SET: +OK"
    assert_line "GET: hello $MARK"
    assert_line --regexp '^INFO: redis_version:7\.'
    wait_gone "$MARK" 50
}

@test "a !Container child of a Debian container installs only what it adds" {
    run cat "$BATS_FILE_TMPDIR/build.log"
    assert_line --partial '[extra] step 1/2: !Container "redis"'
    # the base's packages are not installed again
    assert_line --partial '[extra] running apt-get install -y less'
    run grep -c 'running apt-get install -y python3 redis-server' "$BATS_FILE_TMPDIR/build.log"
    assert_output 1
    [ -x "$(root_of extra)/root/usr/bin/less" ]
    [ "$(cat "$(root_of extra)/distribution")" = "debian bookworm" ]
}

@test "a failing !Install names the container, step, file:line, the command, its exit code, its last output and who needed it" {
    run "$VAGGA" run-broken
    assert_failure 121
    assert_output --partial 'container "broken": step 2 (!Install ["no-such-package-vagga-test"]): apt-get install -y no-such-package-vagga-test exited with code 100'
    assert_output --partial 'Unable to locate package no-such-package-vagga-test'
    assert_output --partial '(vagga.yaml:18:7)'
    assert_output --partial 'needed by "web"'
    run sh -c 'ls -a .vagga .vagga/.roots | grep "^\.tmp\." || true'
    assert_output ''
}

@test "!Install without a distribution, and an unknown Debian suite: 121 and one line saying why" {
    run "$VAGGA" _build orphan
    assert_failure 121
    assert_output --partial 'container "orphan": step 1 (!Install ["python3"]): !Install needs a distribution: put !Ubuntu, !Alpine or !Debian'
    run "$VAGGA" _build unknown
    assert_failure 121
    assert_output --partial 'unknown Debian suite "jessie-backports-of-nothing" (known: buster, bullseye, bookworm, trixie'
}

@test "kill -9 during apt-get install leaves no half root and no broken package in the cache; the next build recovers and downloads nothing" {
    "$VAGGA" _build --force extra > out 2>&1 3>&- &
    SUP=$!
    # less is unpacked: its .deb is in the cache, dpkg is at work in the container
    wait_for out '^(Unpacking|Setting up) less' 1200
    kill -9 $SUP
    wait $SUP || true
    SUP=
    run sh -c 'ls -a .vagga/.roots | grep "^\.tmp\." || true'
    refute_output ''
    run "$VAGGA" _build --force extra
    assert_success
    assert_line --partial 'Need to get 0 B'
    [ -x "$(root_of extra)/root/usr/bin/less" ]
    run sh -c 'ls -a .vagga .vagga/.roots | grep "^\.tmp\." || true'
    assert_output ''
    for deb in "$CACHE"/apt-archives/*.deb; do dpkg-deb --info "$deb" > /dev/null; done
}

@test "a rebuild over a saved step takes the package list kept with it, unless a later step changed dpkg's status" {
    mkdir "$BATS_TEST_TMPDIR/resumed" && cd "$BATS_TEST_TMPDIR/resumed"
    last_step() { # $1: the last !Sh's script, one line
        printf '%s\n' 'containers:' '  deb:' '    setup:' '    - !Debian bookworm' '    - !Sh sleep 1.1' \
            '    - !Sh |' "        $1" > vagga.yaml
    }
    last_step 'echo one > /etc/last'
    run "$VAGGA" _build deb
    assert_success
    assert_line --partial '[deb] saved the root after step 2 for reuse'
    grep -q '^ii  base-files ' "$(root_of deb)/debian-packages.txt"
    cp "$(root_of deb)/debian-packages.txt" fresh.txt
    # a changed last step that leaves dpkg alone: the list of the saved root, kept beside it once made
    last_step 'echo two > /etc/last'
    run "$VAGGA" _build deb
    assert_success
    assert_line --partial '[deb] reusing the root saved after step 2 of 3'
    cmp fresh.txt "$(root_of deb)/debian-packages.txt"
    cmp fresh.txt .vagga/.steps/deb.*/debian-packages.1.txt
    # one that adds a package to dpkg's status: the root's own list, as a build from scratch gives it
    last_step 'printf "\nPackage: vagga-fake\nStatus: install ok installed\nVersion: 1.0\nArchitecture: all\n" >> /var/lib/dpkg/status'
    run "$VAGGA" _build deb
    assert_success
    assert_line --partial '[deb] reusing the root saved after step 2 of 3'
    grep -qx 'ii  vagga-fake 1.0 all' "$(root_of deb)/debian-packages.txt"
    diff fresh.txt <(grep -v vagga-fake "$(root_of deb)/debian-packages.txt")
    cp "$(root_of deb)/debian-packages.txt" reused.txt
    run "$VAGGA" _build --force deb
    assert_success
    cmp reused.txt "$(root_of deb)/debian-packages.txt"
    # one that replaces dpkg's directory by an empty one (an opaque directory in the overlay): no list
    last_step 'rm -rf /var/lib/dpkg && mkdir /var/lib/dpkg'
    run "$VAGGA" _build deb
    assert_success
    assert_line --partial '[deb] reusing the root saved after step 2 of 3'
    [ ! -e "$(root_of deb)/debian-packages.txt" ]
    # (--force saved step 2 anew, without a list) a kept list that is a symlink (a child can write
    # under .vagga) is not followed: the list is made again, and kept in its place
    last_step 'echo three > /etc/last'
    saved=$(echo .vagga/.steps/deb.*)
    [ ! -e "$saved/debian-packages.1.txt" ]
    ln -s /etc/passwd "$saved/debian-packages.1.txt"
    run "$VAGGA" _build deb
    assert_success
    cmp fresh.txt "$(root_of deb)/debian-packages.txt"
    [ ! -L "$saved/debian-packages.1.txt" ]
    cmp fresh.txt "$saved/debian-packages.1.txt"
    # dpkg's status as a symlink is followed inside the root, never to the host's file of that name
    printf 'Package: vagga-host-only\nStatus: install ok installed\nVersion: 9\nArchitecture: all\n' > "$BATS_TEST_TMPDIR/host-status"
    last_step "ln -sfn $BATS_TEST_TMPDIR/host-status /var/lib/dpkg/status"
    run "$VAGGA" _build deb
    assert_success
    [ ! -e "$(root_of deb)/debian-packages.txt" ]
    last_step 'mv /var/lib/dpkg/status /var/lib/dpkg/status.real && ln -s /var/lib/dpkg/status.real /var/lib/dpkg/status'
    run "$VAGGA" _build deb
    assert_success
    cmp fresh.txt "$(root_of deb)/debian-packages.txt"
}

@test "an apt step's host-side writes stay in the root: a step's link to a host directory is followed as the container would" {
    mkdir "$BATS_TEST_TMPDIR/linked" && cd "$BATS_TEST_TMPDIR/linked"
    # not under /tmp: the build empties the root's /tmp at its end
    host=$(mktemp -d /var/tmp/vagga-test-host-dir.XXXXXX)
    # the repository is only written to sources.list.d here (no !Install after it: nothing fetched)
    printf '%s\n' 'containers:' '  deb:' '    setup:' '    - !Debian bookworm' \
        "    - !Sh \"rm -rf /etc/apt/sources.list.d && ln -s $host /etc/apt/sources.list.d\"" \
        '    - !UbuntuRepo {url: "http://127.0.0.1:9/debian", suite: bookworm, components: [main], trusted: true}' > vagga.yaml
    run "$VAGGA" _build deb
    assert_success
    run ls -A "$host"
    rm -rf "$host"
    assert_output ''
    ls "$(root_of deb)/root$host" | grep -q -- '-bookworm\.list$'
}
