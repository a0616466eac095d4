#!/usr/bin/env bats
# pip steps on !Ubuntu and !Alpine bases: python and pip installed from the distribution, with
# vagga's build dependencies (a compiler, python3-dev) there during the build and removed at its
# end. Served on 127.0.0.1 by standin-mirror.py (Ubuntu's and Alpine's mirrors and PyPI are not
# reachable here):
#  * Ubuntu: the stand-in base image and a signed apt repository of the real .debs from Debian
#    that apt needs for python3, python3-pip, build-essential, python3-dev and ca-certificates in
#    that base (see distro-ubuntu.bats); the real apt and the real pip run inside the container.
#  * Alpine: the stand-in mirror of distro-alpine.bats with apk-standin.c as apk; there python3
#    and py3-pip hold Debian's python3.11 and pip with the glibc libraries they load (Alpine's own
#    python cannot be had here), build-base, python3-dev and ca-certificates are marker packages
#    (distro-alpine/python-packages.sh). The real pip runs inside the container.
#  * the index: tinypkg and tinydep, wheels the test writes (pip-index.bash).

load helpers
load standin-mirror
load pip-index

BATS_TEST_TIMEOUT=900
CACHE=/var/tmp/vagga-test-cache

setup_file() {
    local w=$BATS_FILE_TMPDIR
    export WWW=$w/www LOG=$w/requests.log GNUPGHOME=$w/gnupg
    mkdir -p "$WWW"
    file_project pip-distros
    tiny_index "$WWW"
    # Ubuntu: the base image, and the repository of what pip's steps install in it
    local key
    key=$(standin_key mirror)
    ubuntu_base_image "$WWW" "$key"
    # by the base's packages: another base (a newer libc6) needs other .debs
    local debs=$CACHE/standin-debs-pip-$(sha256sum < "$BASE_STATUS" | cut -c1-12)
    standin_closure "$debs" "$BASE_STATUS" python3 python3-pip build-essential python3-dev ca-certificates
    standin_debs "$CACHE/standin-debs" hello tree figlet
    mkdir -p "$WWW/ubuntu/pool/main" "$WWW/ubuntu/pool/universe"
    cp "$debs"/*.deb "$WWW/ubuntu/pool/main/"
    cp "$CACHE"/standin-debs/tree_*.deb "$WWW/ubuntu/pool/universe/"
    "$BATS_TEST_DIRNAME/distro-ubuntu/make-repo.sh" "$WWW/ubuntu" "$key" jammy jammy-updates jammy-security
    # Alpine: the stand-in mirror with the python packages, python taken from a Debian root
    debian_tarball lang-node-python make,ca-certificates,python3-pip,nodejs,npm
    mkdir -p "$w/pyroot" "$WWW/alpine"
    tar -x -f "$CACHE/lang-node-python.tar" -C "$w/pyroot" ./usr/bin/python3.11 ./usr/bin/pip3 ./usr/lib/python3.11 \
        ./usr/lib/python3 ./usr/lib/x86_64-linux-gnu ./etc/python3.11
    gcc -static -O2 -Wall -Wextra -Werror -o "$w/apk.static" "$BATS_TEST_DIRNAME/distro-alpine/apk-standin.c" -lz
    sh "$BATS_TEST_DIRNAME/distro-alpine/make-mirror.sh" "$WWW/alpine" "$w/apk.static" "$w/pyroot"
    rm -rf "$w/pyroot"
    start_standin_mirror "$WWW" "$LOG"
    sed -i "s/PORT/$PORT/g" "$FILE_PROJECT/vagga.yaml"
    export VAGGA_SETTINGS="{cache-dir: $w/cache, ubuntu-mirror: \"http://127.0.0.1:$PORT/ubuntu/\", ubuntu-base-url: \"http://127.0.0.1:$PORT/ubuntu-base/releases\", alpine-mirror: \"http://127.0.0.1:$PORT/alpine/\"}"
}

teardown_file() {
    stop_standin_mirror
}

setup() {
    cd "$FILE_PROJECT"
}

@test "!Ubuntu + !Py3Install + !Py3Requirements: python3 and pip from Ubuntu's apt (universe enabled), build-essential and python3-dev removed at the end" {
    run "$VAGGA" _build ubuntu-pip
    assert_success
    assert_line --partial '[ubuntu-pip] running apt-get install -y build-essential ca-certificates python3-dev python3 python3-pip'
    assert_line --partial '[ubuntu-pip] running apt-mark auto build-essential ca-certificates python3-dev'
    # only the first pip step installs: the second finds everything there
    run grep -c 'running apt-get install' <(printf '%s\n' "$output")
    assert_output 1
    grep -q "GET /ubuntu/pool/main/python3-pip_" "$LOG"
    grep -q "GET /ubuntu/pool/main/build-essential_" "$LOG"
    grep -q "GET /simple/tinypkg/tinypkg-1.0-py3-none-any.whl" "$LOG"
    dir=$(root_of ubuntu-pip)
    # vagga enables universe for the packages of language steps
    grep -q "jammy universe" "$dir/root/etc/apt/sources.list.d/universe.list"
    grep -q '^ii  python3-pip ' "$dir/debian-packages.txt"
    run grep -E '^ii  (build-essential|gcc|python3-dev) ' "$dir/debian-packages.txt"
    assert_output ''
    run "$VAGGA" ubuntu-python
    assert_success
    assert_output 'ubuntu 1.0 2.0'
    [ -d "$BATS_FILE_TMPDIR/cache/pip-cache-http" ]
}

@test "!Alpine + !Py3Install: python3 and py3-pip through apk, build-base and python3-dev removed at the end" {
    run "$VAGGA" _build alpine-pip
    assert_success
    assert_line --partial '[alpine-pip] running /sbin/apk --root / add build-base ca-certificates python3-dev python3 py3-pip'
    assert_line --partial '[alpine-pip] running /sbin/apk --root / del build-base ca-certificates python3-dev'
    grep -q "GET /alpine/v3.18/main/x86_64/py3-pip-23.1.2-r0.apk" "$LOG"
    dir=$(root_of alpine-pip)
    run cat "$dir/alpine-packages.txt"
    assert_line python3-3.11.2-r0
    assert_line py3-pip-23.1.2-r0
    refute_line --partial build-base
    refute_line --partial python3-dev
    [ ! -e "$dir/root/usr/share/vagga-standin/build-base" ]
    run "$VAGGA" alpine-python
    assert_success
    assert_output 'alpine 1.0'
    # --no-deps, vagga's default
    run "$VAGGA" _run alpine-pip python3 -c 'import tinydep'
    assert_failure
}
