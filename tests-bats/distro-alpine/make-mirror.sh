#!/bin/sh
# make-mirror.sh DIR APK_STATIC [PYTHON_ROOT]: a stand-in Alpine mirror in DIR, laid out as Alpine's
# (DIR/v3.18/main/x86_64/NAME-VERSION.apk + APKINDEX.tar.gz, DIR/v3.18/community, DIR/edge/testing).
# What is real: the layout, the .apk format (gzip'd tar with .PKGINFO first), the APKINDEX records,
# and /bin/busybox (Debian's busybox-static) as the busybox package. What is a stand-in: apk-tools
# and apk-tools-static hold APK_STATIC (tests-bats/distro-alpine/apk-standin.c, not apk-tools), the
# packages hello, tree, extra-tool and edge-tool are shell scripts, big is random bytes, the indexes are not signed and
# alpine-keys holds a throw-away key that nothing checks.
# With PYTHON_ROOT (a Debian root with python3-pip), also the packages of pip's steps
# (python-packages.sh).
set -e
dir=$1 apk_static=$2 python_root=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# pkg REPO NAME VERSION DEPENDS PROVIDES: packs $work/NAME into REPO/x86_64/NAME-VERSION.apk and
# appends its record to REPO/x86_64/APKINDEX (indexed by index_repo)
pkg() {
    repo=$dir/$1 name=$2 version=$3 deps=$4 provides=$5 src=$work/$2
    mkdir -p "$repo/x86_64" "$src"
    {
        echo "pkgname = $name"
        echo "pkgver = $version"
        echo "arch = x86_64"
        for d in $deps; do echo "depend = $d"; done
        for p in $provides; do echo "provides = $p"; done
    } > "$src/.PKGINFO"
    entries=$(cd "$src" && ls -A | grep -vx .PKGINFO || true)
    # shellcheck disable=SC2086
    tar -c --format=ustar --owner=0 --group=0 --numeric-owner -C "$src" .PKGINFO $entries | gzip -9n \
        > "$repo/x86_64/$name-$version.apk"
    {
        echo "C:Q1$(sha1sum < "$repo/x86_64/$name-$version.apk" | cut -c1-27)="
        echo "P:$name"
        echo "V:$version"
        echo "A:x86_64"
        echo "S:$(stat -c %s "$repo/x86_64/$name-$version.apk")"
        echo "I:$(du -sb "$src" | cut -f1)"
        echo "T:$name (vagga test stand-in)"
        echo "U:http://127.0.0.1/"
        echo "L:MIT"
        [ -z "$deps" ] || echo "D:$deps"
        [ -z "$provides" ] || echo "p:$provides"
        echo
    } >> "$repo/x86_64/APKINDEX"
}

index_repo() {
    (cd "$dir/$1/x86_64" && echo "stand-in $1" > DESCRIPTION &&
        tar -c --format=ustar --owner=0 --group=0 --numeric-owner DESCRIPTION APKINDEX | gzip -9n > APKINDEX.tar.gz &&
        rm DESCRIPTION APKINDEX)
}

script() { # script NAME PATH TEXT: an executable shell script in package NAME
    mkdir -p "$(dirname "$work/$1/$2")"
    printf '#!/bin/sh\n%s\n' "$3" > "$work/$1/$2"
    chmod 755 "$work/$1/$2"
}

# alpine-baselayout: the directories and files of an Alpine root
b=$work/alpine-baselayout
mkdir -p "$b/etc/apk" "$b/root" "$b/tmp" "$b/var/tmp" "$b/var/cache" "$b/dev" "$b/proc" "$b/sys" "$b/run" \
    "$b/home" "$b/usr/local/bin" "$b/usr/bin" "$b/usr/sbin" "$b/sbin" "$b/lib"
chmod 1777 "$b/tmp" "$b/var/tmp"
chmod 700 "$b/root"
echo 3.18.4 > "$b/etc/alpine-release"
printf 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.18.4\nPRETTY_NAME="Alpine Linux v3.18 (vagga test stand-in)"\n' \
    > "$b/etc/os-release"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n' > "$b/etc/passwd"
printf 'root:x:0:root\nnobody:x:65534:\n' > "$b/etc/group"
pkg v3.18/main alpine-baselayout 3.4.3-r1 "" ""

# busybox: the real static busybox of Debian, and its applets as symlinks, as Alpine's package has them
mkdir -p "$work/busybox/bin"
cp /bin/busybox "$work/busybox/bin/busybox"
for applet in $(/bin/busybox --list-full); do
    case $applet in bin/busybox) continue ;; esac
    mkdir -p "$work/busybox/$(dirname "$applet")"
    ln -sf /bin/busybox "$work/busybox/$applet"
done
pkg v3.18/main busybox 1.36.1-r5 "" "/bin/sh cmd:busybox"

mkdir -p "$work/alpine-keys/etc/apk/keys" "$work/apk-tools/sbin" "$work/apk-tools-static/sbin"
printf -- '-----BEGIN PUBLIC KEY-----\nvagga test stand-in: not checked\n-----END PUBLIC KEY-----\n' \
    > "$work/alpine-keys/etc/apk/keys/standin@vagga-test.rsa.pub"
pkg v3.18/main alpine-keys 2.4-r1 "" ""
cp "$apk_static" "$work/apk-tools/sbin/apk"
pkg v3.18/main apk-tools 2.14.0-r2 "busybox" "cmd:apk"
cp "$apk_static" "$work/apk-tools-static/sbin/apk.static"
pkg v3.18/main apk-tools-static 2.14.0-r2 "" ""
mkdir -p "$work/alpine-base/etc"
echo 'v3.18 stand-in' > "$work/alpine-base/etc/motd"
pkg v3.18/main alpine-base 3.18.4-r0 "alpine-baselayout busybox apk-tools alpine-keys" ""

script hello usr/bin/hello 'echo "${1:-hello from the stand-in Alpine}"'
pkg v3.18/main hello 2.12-r0 "cmd:busybox" "cmd:hello"
script tree usr/bin/tree 'echo "tree v2.1.1 (stand-in) $*"'
pkg v3.18/main tree 2.1.1-r0 "busybox" ""
# big: 4 MiB that do not compress, for a download to be killed in the middle of
mkdir -p "$work/big/usr/share/big"
head -c 4194304 /dev/urandom > "$work/big/usr/share/big/data"
pkg v3.18/main big 1.0-r0 "" ""
[ -z "$python_root" ] || . "$(dirname "$0")/python-packages.sh"
index_repo v3.18/main

script extra-tool usr/bin/extra-tool 'echo "extra-tool from community"'
pkg v3.18/community extra-tool 1.0-r0 "hello" ""
index_repo v3.18/community

script edge-tool usr/bin/edge-tool 'echo "edge-tool 2.0 from edge/testing"'
pkg edge/testing edge-tool 2.0-r0 "" ""
index_repo edge/testing
