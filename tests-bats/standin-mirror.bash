# The stand-in mirror of the distribution suites (distro-ubuntu.bats, distro-alpine.bats): starting
# standin-mirror.py on 127.0.0.1, stopping it, and where a container's root is.

# start_standin_mirror DIR LOG: serves DIR, one line per request in LOG; exports PORT
start_standin_mirror() {
    local w=$BATS_FILE_TMPDIR i
    python3 "$BATS_TEST_DIRNAME/standin-mirror.py" "$1" "$w/port" "$2" 3>&- &
    echo $! > "$w/server.pid"
    for ((i = 0; i < 100; i++)); do [ -s "$w/port" ] && break; sleep 0.1; done
    [ -s "$w/port" ] || { echo "standin-mirror.py did not start" >&3; return 1; }
    PORT=$(cat "$w/port")
    export PORT
}

stop_standin_mirror() {
    kill "$(cat "$BATS_FILE_TMPDIR/server.pid" 2>/dev/null)" 2>/dev/null || true
}

# root_of CONTAINER: its current root in the project (the working directory)
root_of() {
    echo ".vagga/.roots/$1.$("$VAGGA" _version_hash --short "$1")"
}

# standin_key NAME: a throw-away ed25519 signing key NAME@localhost in $GNUPGHOME (made here, mode
# 700, on first use); prints its fingerprint.
standin_key() {
    [ -d "$GNUPGHOME" ] || mkdir -m 700 "$GNUPGHOME"
    gpg --list-keys "$1@localhost" > /dev/null 2>&1 ||
        gpg --batch -q --passphrase '' --quick-gen-key "vagga test $1 <$1@localhost>" ed25519 sign never
    gpg --list-keys --with-colons "$1@localhost" 2>/dev/null | awk -F: '/^fpr/ {print $10; exit}'
}

# standin_debs DIR PACKAGE...: real .debs from Debian (apt-get download), fetched once per machine
# into DIR and reused.
standin_debs() {
    local dir=$1
    shift
    [ -e "$dir/.done" ] && return 0
    mkdir -p "$dir"
    (cd "$dir" && apt-get download "$@" > /dev/null) && touch "$dir/.done"
}

# standin_closure DIR STATUS PACKAGE...: the real .debs from Debian that apt would download to
# install PACKAGE... (without recommends) in a root whose dpkg status file is STATUS, fetched once
# per machine into DIR (.debs already in the test cache's apt-archives are copied from there).
standin_closure() {
    local dir=$1 status=$2 name version deb
    shift 2
    [ -e "$dir/.done" ] && return 0
    mkdir -p "$dir"
    # an empty archives dir: apt lists only what it has not downloaded yet
    mkdir -p "$dir/.archives/partial"
    apt-get -o Dir::State::status="$status" -o Dir::Cache::archives="$dir/.archives" --print-uris -qq \
        --no-install-recommends install "$@" | awk '{print $2}' > "$dir/.wanted"
    while read -r deb; do
        [ -e "$dir/$deb" ] && continue
        if [ -e "$CACHE/apt-archives/${deb/:/%3a}" ]; then
            cp "$CACHE/apt-archives/${deb/:/%3a}" "$dir/$deb"
            continue
        fi
        name=${deb%%_*} version=${deb#*_} version=${version%_*}
        (cd "$dir" && apt-get download "$name=${version//%3a/:}" < /dev/null > /dev/null) || return 1
    done < "$dir/.wanted"
    touch "$dir/.done"
}

# ubuntu_base_image WWW KEY: the stand-in "Ubuntu base image" of jammy in
# WWW/ubuntu-base/releases/jammy/release/ with its SHA256SUMS, as on cdimage.ubuntu.com: vagga's own
# cached !Debian bookworm base (built once when missing) with Ubuntu's /etc/lsb-release and
# sources.list, trusting the key KEY of the stand-in mirror. Sets BASE_STATUS to that base's dpkg status.
ubuntu_base_image() {
    local www=$1 key=$2 w=$BATS_FILE_TMPDIR base img=$BATS_FILE_TMPDIR/img rel=$1/ubuntu-base/releases/jammy/release
    base=$(ls "$CACHE"/debian-base/bookworm-amd64-*.tar 2>/dev/null | head -1)
    if [ -z "$base" ]; then
        mkdir -p "$w/debian" && printf 'containers:\n  d:\n    setup:\n    - !Debian bookworm\n' > "$w/debian/vagga.yaml"
        (cd "$w/debian" && VAGGA_SETTINGS="cache-dir: $CACHE" "$VAGGA" _build d > /dev/null 2>&1)
        base=$(ls "$CACHE"/debian-base/bookworm-amd64-*.tar | head -1)
    fi
    mkdir -p "$img" "$rel"
    tar -x -f "$base" -C "$img" --numeric-owner --exclude=./usr/share/doc --exclude=./usr/share/man \
        --exclude=./usr/share/locale --exclude=./usr/share/info
    printf 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\nDISTRIB_DESCRIPTION="stand-in"\n' \
        > "$img/etc/lsb-release"
    printf 'deb http://archive.ubuntu.com/ubuntu/ jammy main\n' > "$img/etc/apt/sources.list"
    gpg --export "$key" > "$img/etc/apt/trusted.gpg.d/standin-mirror.gpg"
    BASE_STATUS=$w/base-status
    cp "$img/var/lib/dpkg/status" "$BASE_STATUS"
    tar -c -C "$img" --numeric-owner . | gzip -1 > "$rel/ubuntu-base-22.04.5-base-amd64.tar.gz"
    rm -rf "$img"
    (cd "$rel" && sha256sum ubuntu-base-22.04.5-base-amd64.tar.gz > SHA256SUMS)
}
