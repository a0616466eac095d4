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
    export AL_PROJECT=$w/project WWW=$w/www LOG=$w/requests.log
    mkdir -p "$AL_PROJECT" "$WWW/alpine"
    cp -a "$here/vagga.yaml" "$AL_PROJECT/"
    gcc -static -O2 -Wall -Wextra -Werror -o "$w/apk.static" "$here/apk-standin.c" -lz
    sh "$here/make-mirror.sh" "$WWW/alpine" "$w/apk.static"
    start_standin_mirror "$WWW" "$LOG"
    sed -i "s/PORT/$PORT/g" "$AL_PROJECT/vagga.yaml"
    export VAGGA_SETTINGS="{cache-dir: $w/cache, alpine-mirror: \"http://127.0.0.1:$PORT/alpine/\"}"
    cd "$AL_PROJECT"
    "$VAGGA" _build alpine > "$w/build.log" 2>&1 || { cat "$w/build.log" >&3; return 1; }
}

teardown_file() {
    stop_standin_mirror
}

setup() {
    cd "$AL_PROJECT"
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
