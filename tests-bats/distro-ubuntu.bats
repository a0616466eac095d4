#!/usr/bin/env bats
# !Ubuntu / !UbuntuRelease and their repositories and keys, against stand-ins on 127.0.0.1 (Ubuntu's
# mirrors, images and keyservers are not reachable here): standin-mirror.py serves
#  * an "Ubuntu base image": a Debian bookworm root (vagga's own cached !Debian base) with Ubuntu's
#    /etc/lsb-release and sources.list, listed in a SHA256SUMS as on cdimage.ubuntu.com;
#  * a signed apt repository of real .debs (apt-get download hello tree figlet, apt-ftparchive, a
#    throw-away gpg key the image trusts), and a second one signed by a key the image does not trust;
#  * the same repository unsigned (for !UbuntuRepo {trusted: true});
#  * an HKP keyserver (/pks/lookup) and an HTTP proxy standing in for ppa.launchpad.net.
# apt itself runs inside the container against them, through the same code as against Ubuntu.

load helpers
load standin-mirror

BATS_TEST_TIMEOUT=600
CACHE=${VAGGA_TEST_CACHE:-/var/tmp/vagga-test-cache}  # another directory measures a cold run

setup_file() {
    local w=$BATS_FILE_TMPDIR here=$BATS_TEST_DIRNAME/distro-ubuntu
    export WWW=$w/www LOG=$w/requests.log
    mkdir -p "$WWW"
    file_project distro-ubuntu
    # throw-away keys: the mirror's (trusted by the image) and the extra repository's (not trusted)
    export GNUPGHOME=$w/gnupg
    local mirror_key extra_key
    mirror_key=$(standin_key mirror)
    extra_key=$(standin_key extra)
    # real packages from Debian, downloaded once per machine
    local debs=$CACHE/standin-debs
    standin_debs "$debs" hello tree figlet
    mkdir -p "$WWW/ubuntu/pool/main" "$WWW/ubuntu/pool/universe" "$WWW/extra/pool/main" "$WWW/keys"
    cp "$debs"/hello_*.deb "$WWW/ubuntu/pool/main/"
    cp "$debs"/tree_*.deb "$WWW/ubuntu/pool/universe/"
    cp "$debs"/figlet_*.deb "$WWW/extra/pool/main/"
    "$here/make-repo.sh" "$WWW/ubuntu" "$mirror_key" jammy jammy-updates jammy-security
    "$here/make-repo.sh" "$WWW/extra" "$extra_key" jammy
    gpg --armor --export "$extra_key" > "$WWW/extra/key.asc"
    cp "$WWW/extra/key.asc" "$WWW/keys/$extra_key.asc"
    # the same packages unsigned (no InRelease, no Release.gpg): only [trusted=yes] makes apt take them
    cp -a "$WWW/extra" "$WWW/unsigned"
    rm "$WWW/unsigned/dists/jammy/InRelease" "$WWW/unsigned/dists/jammy/Release.gpg"
    mkdir -p "$WWW/proxied/ppa.launchpad.net/vagga-test/tools"
    cp -a "$WWW/extra" "$WWW/proxied/ppa.launchpad.net/vagga-test/tools/ubuntu"
    # the "Ubuntu base image", from vagga's cached Debian base (built here once when missing)
    ubuntu_base_image "$WWW" "$mirror_key"
    # the same name with one byte more, next to the genuine checksum
    local rel=$WWW/ubuntu-base/releases/jammy/release
    mkdir -p "$WWW/tampered"
    cp "$rel/SHA256SUMS" "$WWW/tampered/"
    { cat "$rel/ubuntu-base-22.04.5-base-amd64.tar.gz"; printf x; } > "$WWW/tampered/ubuntu-base-22.04.5-base-amd64.tar.gz"
    start_standin_mirror "$WWW" "$LOG"
    sed -i "s/PORT/$PORT/g; s/PPAKEY/$extra_key/g" "$FILE_PROJECT/vagga.yaml"
    export VAGGA_SETTINGS="{cache-dir: $w/cache, ubuntu-mirror: \"http://127.0.0.1:$PORT/ubuntu/\", ubuntu-base-url: \"http://127.0.0.1:$PORT/ubuntu-base/releases\"}"
    cd "$FILE_PROJECT"
    build_for_file jammy
}

teardown_file() {
    stop_standin_mirror
}

setup() {
    cd "$FILE_PROJECT"
}

@test "!Ubuntu jammy: the base image checked against SHA256SUMS, apt from ubuntu-mirror, universe, !Install, !BuildDeps" {
    run cat "$BATS_FILE_TMPDIR/build.log"
    assert_line --partial '[jammy] step 1/5: !Ubuntu "jammy"'
    assert_line --partial "[jammy] running apt-get install -y hello"
    grep -q "GET /ubuntu-base/releases/jammy/release/SHA256SUMS" "$LOG"
    grep -q "GET /ubuntu-base/releases/jammy/release/ubuntu-base-22.04.5-base-amd64.tar.gz" "$LOG"
    grep -q "GET /ubuntu/pool/main/hello_" "$LOG"
    dir=$(root_of jammy)
    [ -x "$dir/root/usr/bin/hello" ]
    # Ubuntu's archive replaced by the mirror; vagga's universe.list
    run cat "$dir/root/etc/apt/sources.list"
    assert_output "deb http://127.0.0.1:$PORT/ubuntu/ jammy main"
    run cat "$dir/root/etc/apt/sources.list.d/universe.list"
    assert_line "deb http://127.0.0.1:$PORT/ubuntu/ jammy universe"
    assert_line "deb http://127.0.0.1:$PORT/ubuntu/ jammy-security universe"
    # the build dep was there for the !Sh, then removed
    grep -q 'tree v' "$dir/root/etc/built-with-tree"
    [ ! -e "$dir/root/usr/bin/tree" ]
    [ "$(readlink "$dir/root/usr/bin/chfn")" = /bin/true ]
    # vagga's finishing touches: no service starts during installs, no recommends
    run "$dir/root/usr/sbin/policy-rc.d"
    assert_failure 101
    grep -q 'APT::Install-Recommends "0"' "$dir/root/etc/apt/apt.conf.d/01norecommend"
    # the lists and the .debs stay in the shared cache, not in the root
    run find "$dir/root/var/lib/apt/lists" "$dir/root/var/cache/apt/archives" -type f ! -name lock
    assert_output ''
    ls "$BATS_FILE_TMPDIR"/cache/apt-archives/hello_*.deb
    [ "$(cat "$dir/distribution")" = "ubuntu jammy" ]
}

@test "ubuntu-skip-locking: apt runs with -o Debug::NoLocking=yes (vagga's setting), without it apt locks" {
    VAGGA_SETTINGS="${VAGGA_SETTINGS%\}}, ubuntu-skip-locking: true}" VAGGA_DEBUG_CMDENV=1 \
        run "$VAGGA" _build unlocked
    assert_success
    assert_output --partial '"vagga-build" "apt-get" "-o" "Debug::NoLocking=yes" "install" "-y" "tree"'
    [ -x "$(root_of unlocked)/root/usr/bin/tree" ]
    VAGGA_DEBUG_CMDENV=1 run "$VAGGA" _build --force unlocked
    assert_success
    assert_output --partial '"vagga-build" "apt-get" "install" "-y" "tree"'
    refute_output --partial 'NoLocking'
}

@test "a command runs the package installed from the stand-in mirror" {
    run "$VAGGA" hello
    assert_success
    assert_output "hello from the stand-in Ubuntu"
}

@test "a second build from scratch downloads nothing: the image and the .debs come from the cache" {
    : > "$LOG"
    run "$VAGGA" _build --force jammy
    assert_success
    run grep -E '\.deb|\.tar\.gz' "$LOG"
    assert_output ''
}

@test "!UbuntuRelease {version} and !Repo universe, !Repo jammy-updates/universe" {
    run "$VAGGA" _build by-version
    assert_success
    [ -x "$(root_of by-version)/root/usr/bin/tree" ]
    grep -q "jammy universe" "$(root_of by-version)"/root/etc/apt/sources.list.d/*-jammy.list
    # "suite/component"
    run cat "$(root_of by-version)"/root/etc/apt/sources.list.d/*-jammy-updates.list
    assert_output "deb http://127.0.0.1:$PORT/ubuntu/ jammy-updates universe"
}

@test "!AptTrust {url} + !UbuntuRepo: packages from a repository signed by another key; without the key apt refuses" {
    run "$VAGGA" _build extra-repo
    assert_success
    ls "$(root_of extra-repo)"/root/etc/apt/trusted.gpg.d/vagga-*.gpg
    run "$VAGGA" _run extra-repo figlet -v
    assert_success
    assert_output --partial 'FIGlet Copyright'
    # The lists cache is shared, and now holds the extra repository's lists, verified with the key
    # above: without the key, apt must not fall back on them ("previous index files will be used").
    run "$VAGGA" _build untrusted
    assert_failure 121
    assert_output --partial 'container "untrusted": step 3 (!Install ["figlet"]): apt-get update -o APT::Get::List-Cleanup=0 -o APT::Update::Error-Mode=any exited with code 100'
    assert_output --partial 'NO_PUBKEY'
    refute_output --partial 'Setting up figlet'
}

@test "!UbuntuPPA through the caller's http_proxy, its key from a keyserver (!AptTrust {server, keys})" {
    : > "$LOG"
    # the .deb is in this run's shared archive cache since the test above: make apt fetch it again
    rm -f "$BATS_FILE_TMPDIR"/cache/apt-archives/figlet_*.deb
    http_proxy=http://127.0.0.1:$PORT no_proxy=127.0.0.1 run "$VAGGA" _build ppa
    assert_success
    run "$VAGGA" _run ppa figlet -v
    assert_success
    assert_output --partial 'FIGlet Copyright'
    grep -q "GET /pks/lookup?op=get&options=mr&search=0x" "$LOG"
    grep -q "GET http://ppa.launchpad.net/vagga-test/tools/ubuntu/dists/jammy/InRelease" "$LOG"
    grep -q "GET http://ppa.launchpad.net/vagga-test/tools/ubuntu/pool/main/figlet_" "$LOG"
}

@test "!UbuntuRelease {url, keep-chfn-command}: the release from the image itself; !UbuntuRepo {trusted: true} takes an unsigned repository" {
    run "$VAGGA" _build by-url
    assert_success
    dir=$(root_of by-url)
    [ "$(cat "$dir/distribution")" = "ubuntu jammy" ]
    # keep-chfn-command: the image's own chfn, not vagga's /bin/true
    [ -f "$dir/root/usr/bin/chfn" ] && [ ! -L "$dir/root/usr/bin/chfn" ]
    run grep -h 127.0.0.1 "$dir"/root/etc/apt/sources.list.d/*-jammy.list
    assert_output "deb [trusted=yes] http://127.0.0.1:$PORT/unsigned jammy main"
    run "$VAGGA" _run by-url figlet -v
    assert_success
    assert_output --partial 'FIGlet Copyright'
}

@test "an architecture or release the mirror does not have: 121 naming the URL and the cause" {
    run "$VAGGA" _build no-arch
    assert_failure 121
    assert_output --partial "http://127.0.0.1:$PORT/ubuntu-base/releases/jammy/release/SHA256SUMS lists no ubuntu-base image for arm64"
    run "$VAGGA" _build not-mirrored
    assert_failure 121
    assert_output --partial "http://127.0.0.1:$PORT/ubuntu-base/releases/noble/release/SHA256SUMS"
    assert_output --partial "404"
    refute_output --partial "Exception"
}

@test "a tampered image: Hashsum mismatch with both sums, nothing enters the cache" {
    run "$VAGGA" _build tampered
    assert_failure 121
    good=$(awk '{print $1}' "$WWW/tampered/SHA256SUMS")
    bad=$(sha256sum < "$WWW/tampered/ubuntu-base-22.04.5-base-amd64.tar.gz" | awk '{print $1}')
    assert_output --partial "Hashsum mismatch for http://127.0.0.1:$PORT/tampered/ubuntu-base-22.04.5-base-amd64.tar.gz: expected sha256 $good, got $bad"
    run sh -c "ls $BATS_FILE_TMPDIR/cache/ubuntu-base | grep -c . || true"
    assert_output 1
}

@test "an unknown release or version: 121 naming the known ones" {
    run "$VAGGA" _build unknown
    assert_failure 121
    assert_output --partial 'unknown Ubuntu release "warty" (known: precise, trusty, utopic, vivid, wily, xenial, bionic, focal, jammy, noble)'
    run "$VAGGA" _build unknown-version
    assert_failure 121
    assert_output --partial 'unknown Ubuntu version "13.10" (known: 12.04, 14.04'
}
