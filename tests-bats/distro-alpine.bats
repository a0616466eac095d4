#!/usr/bin/env bats
# !Alpine / !AlpineRepo / !Install / !BuildDeps on Alpine, against a stand-in mirror on 127.0.0.1
# (Alpine's mirrors are not reachable here, and apk-tools is packaged nowhere this machine reaches:
# not in Debian bookworm, trixie, sid or experimental, not on npm or Maven Central).
# REAL: vagga's Alpine builder (index, apk-tools-static, alpine-keys, repositories, the cache, apk
# run inside the container), Alpine's mirror layout, the .apk and APKINDEX formats, and busybox
# (Debian's busybox-static as the busybox package).
# STAND-IN: apk itself. distro-alpine/apk-standin.c is a small apk written for these tests (add and
# del with dependencies, /lib/apk/db/installed, /etc/apk/world, the cache), built here with
# gcc -static and shipped as both apk-tools-static's sbin/apk.static and apk-tools' sbin/apk; it
# checks no signatures. hello, tree, extra-tool and edge-tool are shell-script packages
# (distro-alpine/make-mirror.sh). standin-mirror.py serves the mirror.

load helpers
load standin-mirror

BATS_TEST_TIMEOUT=300

setup_file() {
    local w=$BATS_FILE_TMPDIR here=$BATS_TEST_DIRNAME/distro-alpine
    export WWW=$w/www LOG=$w/requests.log
    mkdir -p "$WWW/alpine"
    file_project distro-alpine
    gcc -static -O2 -Wall -Wextra -Werror -o "$w/apk.static" "$here/apk-standin.c" -lz
    sh "$here/make-mirror.sh" "$WWW/alpine" "$w/apk.static"
    STANDIN_SLOW=/big- start_standin_mirror "$WWW" "$LOG"
    sed -i "s/PORT/$PORT/g" "$FILE_PROJECT/vagga.yaml"
    export VAGGA_SETTINGS="{cache-dir: $w/cache, alpine-mirror: \"http://127.0.0.1:$PORT/alpine/\"}"
    cd "$FILE_PROJECT"
    build_for_file alpine
}

teardown_file() {
    stop_standin_mirror
}

setup() {
    cd "$FILE_PROJECT"
}

teardown() {
    [ -n "${SUP:-}" ] && kill -9 "$SUP" 2>/dev/null
    return 0
}

@test "!Alpine v3.18: apk-tools-static from alpine-mirror's index installs alpine-base; !Install, !BuildDeps through apk" {
    run cat "$BATS_FILE_TMPDIR/build.log"
    assert_line --partial '[alpine] step 1/4: !Alpine "v3.18"'
    assert_line --partial '[alpine] running /tmp/.vagga-apk/sbin/apk.static --root / --update-cache --initdb add alpine-base'
    assert_line --partial '[alpine] running /sbin/apk --root / add hello'
    assert_line --partial 'Installing alpine-base (3.18.4-r0)'
    grep -q "GET /alpine/v3.18/main/x86_64/APKINDEX.tar.gz" "$LOG"
    grep -q "GET /alpine/v3.18/main/x86_64/apk-tools-static-2.14.0-r2.apk" "$LOG"
    grep -q "GET /alpine/v3.18/main/x86_64/hello-2.12-r0.apk" "$LOG"
    dir=$(root_of alpine)
    [ "$(cat "$dir/root/etc/alpine-release")" = 3.18.4 ]
    [ -x "$dir/root/bin/busybox" ] && [ -x "$dir/root/usr/bin/hello" ]
    run cat "$dir/root/etc/apk/repositories"
    assert_output "http://127.0.0.1:$PORT/alpine/v3.18/main"
    # the keys of the mirror's alpine-keys package
    [ -f "$dir/root/etc/apk/keys/standin@vagga-test.rsa.pub" ]
    # the build dep was there for the !Sh, then removed
    grep -q 'tree v2.1.1' "$dir/root/etc/built-with-tree"
    [ ! -e "$dir/root/usr/bin/tree" ]
    [ "$(cat "$dir/distribution")" = "alpine v3.18 http://127.0.0.1:$PORT/alpine/" ]
    run cat "$dir/alpine-packages.txt"
    assert_line alpine-base-3.18.4-r0
    assert_line hello-2.12-r0
    refute_line --partial tree
    # the packages stay in the shared cache, not in the root
    ls "$BATS_FILE_TMPDIR"/cache/alpine-cache/hello-2.12-r0.*.apk
    run ls "$dir/root/etc/apk/cache"
    assert_output ''
}

@test "a command runs the package installed from the stand-in mirror" {
    run "$VAGGA" hello
    assert_success
    assert_output "hello from the stand-in Alpine"
}

@test "a second build from scratch downloads no package: the .apk files come from the cache" {
    : > "$LOG"
    run "$VAGGA" _build --force alpine
    assert_success
    run grep -c '\.apk$' "$LOG"
    assert_output 0
}

@test "!AlpineRepo {repo} and {url, branch, repo, tag}, !Repo: their lines in /etc/apk/repositories, packages from them" {
    run "$VAGGA" _build repos
    assert_success
    dir=$(root_of repos)
    run cat "$dir/root/etc/apk/repositories"
    assert_output "http://127.0.0.1:$PORT/alpine/v3.18/main
http://127.0.0.1:$PORT/alpine/v3.18/community
@edge http://127.0.0.1:$PORT/alpine/edge/testing"
    run "$VAGGA" _run repos sh -c 'extra-tool; edge-tool'
    assert_success
    assert_output "extra-tool from community
edge-tool 2.0 from edge/testing"
    run "$VAGGA" _build by-repo
    assert_success
    [ -x "$(root_of by-repo)/root/usr/bin/extra-tool" ]
}

@test "a package apk cannot find: 121 naming the container, step, apk's command, its exit code and its words" {
    run "$VAGGA" _build missing
    assert_failure 121
    assert_output --partial 'container "missing": step 2 (!Install ["no-such-package"]): /sbin/apk --root / --update-cache add no-such-package exited with code 1'
    assert_output --partial 'no-such-package (no such package)'
    refute_output --partial 'Exception'
}

@test "bad input: a version not like vX.Y, a version the mirror lacks, an Ubuntu step on Alpine" {
    run "$VAGGA" _build bad-version
    assert_failure 121
    assert_output --partial 'unknown Alpine version "3.18" (expected vMAJOR.MINOR, like v3.18 or v3.20)'
    run "$VAGGA" _build not-mirrored
    assert_failure 121
    assert_output --partial "http://127.0.0.1:$PORT/alpine/v3.99/main/x86_64/APKINDEX.tar.gz"
    assert_output --partial '404'
    refute_output --partial 'Exception'
    run "$VAGGA" _build universe
    assert_failure 121
    assert_output --partial '!UbuntuUniverse works with Ubuntu, not Alpine'
}

@test "kill -9 during an apk install leaves no half root and no corrupt package in the cache; the next build recovers" {
    cache=$BATS_FILE_TMPDIR/cache/alpine-cache
    "$VAGGA" _build big > out 2>&1 3>&- &
    SUP=$!
    # apk is inside the container, in the middle of the (slowly served) download of big
    wait_for out '^\(1/1\) Installing big ' 600
    for _ in $(seq 300); do ls "$cache"/big-* > /dev/null 2>&1 && break; sleep 0.1; done
    ls "$cache"/big-*
    kill -9 $SUP
    wait $SUP || true
    SUP=
    # the half-built root is in a .tmp directory, not in place
    [ ! -e "$(root_of big)" ]
    run sh -c 'ls -a .vagga/.roots | grep "^\.tmp\." || true'
    refute_output ''
    # every package in the cache is whole (the download was going to a .part file)
    for apk in "$cache"/*.apk; do gzip -t "$apk"; done
    run "$VAGGA" _build big
    assert_success
    [ "$(stat -c %s "$(root_of big)/root/usr/share/big/data")" = 4194304 ]
    run sh -c 'ls -a .vagga .vagga/.roots | grep "^\.tmp\." || true'
    assert_output ''
    for apk in "$cache"/*.apk; do gzip -t "$apk"; done
}
