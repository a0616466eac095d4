#!/usr/bin/env bats
# !DockerImage against a stand-in Docker registry on 127.0.0.1 (tests-bats/docker-image/registry.py;
# no real registry is reachable from here): Bearer tokens as Docker Hub hands them out, blobs
# redirected to another authority, manifest lists, layers the test makes (a busybox root, then a
# layer with whiteouts and a chowned directory), the docker-* settings, TLS with a CA bundle.

load helpers

REGISTRY_PY=$BATS_TEST_DIRNAME/docker-image/registry.py

# start_registry NAME [ARGS...]: serves $STORE as NAME (port in $W/NAME.port, log $W/NAME.log)
start_registry() {
    local name=$1 i
    shift
    python3 "$REGISTRY_PY" serve "$STORE" "$W/$name.port" "$W/$name.log" "$@" 3>&- &
    echo $! > "$W/$name.pid"
    for ((i = 0; i < 100; i++)); do [ -s "$W/$name.port" ] && break; sleep 0.1; done
    [ -s "$W/$name.port" ] || { echo "registry.py $name did not start" >&3; return 1; }
}

setup_file() {
    W=$BATS_FILE_TMPDIR
    STORE=$W/store
    export W STORE
    mkdir -p "$STORE" "$W/base" "$W/top/etc" "$W/top/opt/data" "$W/top/app" "$W/big/opt"
    busybox_tarball "$W/busybox.tar.gz"
    tar -xzf "$W/busybox.tar.gz" -C "$W/base"
    mkdir -p "$W/base/opt/data" "$W/base/app"
    echo gone > "$W/base/etc/gone.txt"
    echo kept > "$W/base/etc/kept.txt"
    echo a > "$W/base/opt/data/a"
    echo b > "$W/base/opt/data/b"
    tar -czf "$W/base.tar.gz" -C "$W/base" .
    # the layer above: a whiteout, an opaque directory, a chowned directory
    : > "$W/top/etc/.wh.gone.txt"
    : > "$W/top/opt/data/.wh..wh..opq"
    echo c > "$W/top/opt/data/c"
    echo from-the-top-layer > "$W/top/app/hello.txt"
    chmod 750 "$W/top/app"
    tar -czf "$W/top.tar.gz" --owner=1234 --group=1234 --numeric-owner -C "$W/top" .
    head -c 300000 /dev/urandom > "$W/big/opt/big.bin"
    tar -czf "$W/big.tar.gz" -C "$W/big" .
    py() { python3 "$REGISTRY_PY" push "$STORE" "$@"; }
    py library/busybox 1 "$W/base.tar.gz" "$W/top.tar.gz" > "$W/busybox.digests"
    py team/multi 2 --platforms linux/arm64,linux/amd64 "$W/base.tar.gz" > /dev/null
    # an OCI index and manifest, the upper layer an uncompressed tar
    gzip -dc "$W/top.tar.gz" > "$W/top.tar"
    py team/oci 3 --oci --platforms linux/arm64,linux/amd64 "$W/base.tar.gz" "$W/top.tar" > /dev/null
    py team/armonly 1 --platforms linux/arm64,linux/ppc64le "$W/base.tar.gz" > /dev/null
    py team/big 1 "$W/base.tar.gz" "$W/big.tar.gz" > "$W/big.digests"
    head -c 60000 /dev/urandom > "$W/big/opt/big.bin"
    tar -czf "$W/small.tar.gz" -C "$W/big" .
    py team/small 1 "$W/base.tar.gz" "$W/small.tar.gz" > "$W/small.digests"
    echo this is not the layer > "$W/bad.tar.gz"
    py team/bad 1 "$W/base.tar.gz" "$W/bad.tar.gz" > "$W/bad.digests"
    # Docker's old schema 1 manifest
    mkdir -p "$STORE/tags/team/old"
    echo '{"schemaVersion": 1, "name": "team/old", "tag": "1", "fsLayers": []}' > "$STORE/tags/team/old/1"
    mkdir -p "$STORE/corrupt"
    echo tampered > "$STORE/corrupt/$(tail -1 "$W/bad.digests" | cut -d: -f2)"
    start_registry hub --auth
    # another instance as the http proxy: it serves what the absolute URLs of the requests ask for
    start_registry proxy --auth
    # TLS: a throw-away self-signed certificate for 127.0.0.1 and localhost
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 \
        -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -keyout "$W/key.pem" -out "$W/cert.pem" 2> /dev/null
    start_registry tls --auth --tls "$W/cert.pem" "$W/key.pem"
}

teardown_file() {
    local n
    for n in hub proxy tls; do
        kill "$(cat "$BATS_FILE_TMPDIR/$n.pid" 2>/dev/null)" 2>/dev/null || true
    done
}

setup() {
    PROJECT=$(mktemp -d "${BATS_TMPDIR:-/tmp}/vagga-bats.XXXXXX")
    chmod 755 "$PROJECT"
    cd "$PROJECT"
    HUB=127.0.0.1:$(cat "$W/hub.port")
    TLS=127.0.0.1:$(cat "$W/tls.port")
    : > "$W/hub.log"
    : > "$W/tls.log"
    : > "$W/proxy.log"
    unset VAGGA_SETTINGS VAGGA_BUILD_CA_BUNDLE
    rm -f "$STORE/slow"
}

teardown() {
    [ -n "${SUP:-}" ] && kill -9 "$SUP" 2>/dev/null
    cleanup_project
}

# config STEP...: a vagga.yaml whose container "app" (and "again", the same image) has these steps
config() {
    {
        echo "containers:"
        for c in app again; do
            echo "  $c:"
            echo "    setup:"
            printf '    - %s\n' "$@"
            [ $c = again ] && echo "    - !Sh echo again"
        done
    } > vagga.yaml
}

blob_of() { # blob_of DIGESTS-FILE LINE: the cache file of that layer
    echo ".vagga/.cache/docker-layers/$(sed -n "${2}p" "$W/$1.digests" | cut -d: -f2).tar.gz"
}

@test "!DockerImage pulls with an anonymous Bearer token, follows the blob redirect without it, and runs" {
    config "!DockerImage {registry: \"$HUB\", image: library/busybox, tag: \"1\", insecure: true}"
    run "$VAGGA" _run app cat /app/hello.txt
    assert_success
    assert_line "[app] Downloading docker image: $HUB/library/busybox:1"
    assert_line "[app] Downloading docker layer: $(sed -n 1p "$W/busybox.digests")"
    assert_line "[app] Unpacking docker layer: $(sed -n 2p "$W/busybox.digests")"
    assert_line from-the-top-layer
    # the challenge, the token for this repository, then the token on every registry request
    run cat "$W/hub.log"
    assert_line --index 0 'GET /v2/ bearer=no host='"$HUB"
    assert_line --index 1 --regexp '^GET /token\?service=standin-registry&scope=repository%3Alibrary%2Fbusybox%3Apull bearer=no'
    assert_line --regexp "^GET /v2/library/busybox/manifests/1 bearer=yes"
    assert_line --regexp "^GET /cdn/sha256:[0-9a-f]{64} bearer=no host=localhost:"
    refute_line --regexp "^GET /v2/library/busybox/manifests/1 bearer=no"
}

@test "!DockerImage's one-string form, with the host in docker-insecure-registries; the layers' whiteouts and owners" {
    config "!DockerImage $HUB/library/busybox:1"
    export VAGGA_SETTINGS="docker-insecure-registries: [127.0.0.1]"
    run "$VAGGA" _run app sh -c 'ls /etc/gone.txt /etc/kept.txt; ls /opt/data; ls -a /etc | grep -c "^\.wh\." || true'
    assert_output --partial 'ls: /etc/gone.txt: No such file or directory'
    assert_line /etc/kept.txt
    # the opaque directory holds only the top layer's file; no whiteout file is left
    assert_line c
    refute_line a
    assert_line 0
    if [ "$(id -u)" = 0 ]; then
        run "$VAGGA" _run app stat -c '%u:%g %a' /app /app/hello.txt
        assert_output "1234:1234 750
1234:1234 644"
    fi
}

@test "path: the image goes under that directory of the root" {
    {
        echo "containers:"
        echo "  sub:"
        echo "    setup:"
        echo "    - !DockerImage {registry: \"$HUB\", image: library/busybox, tag: \"1\", insecure: true, path: /srv/img}"
    } > vagga.yaml
    run "$VAGGA" _build sub
    assert_success
    root=.vagga/.roots/sub.$("$VAGGA" _version_hash --short sub)/root
    [ "$(cat "$root/srv/img/app/hello.txt")" = from-the-top-layer ]
    [ -f "$root/srv/img/etc/kept.txt" ] && [ ! -e "$root/srv/img/etc/gone.txt" ]
    [ ! -e "$root/app" ] && [ ! -e "$root/etc/kept.txt" ]
}

@test "without insecure or the setting the step uses https: against the http stand-in it fails in one line" {
    config "!DockerImage $HUB/library/busybox:1"
    run "$VAGGA" _build app
    assert_failure 121
    assert_line --regexp "^container \"app\": step 1 \(!DockerImage \"library/busybox:1\"\): cannot reach docker registry $HUB \(https://$HUB/v2/\): TLS error: [^;]*; if it serves plain http, name it in the docker-insecure-registries setting or set insecure: true$"
    # the progress lines, then the error on the last line: no stack trace
    [ "${#lines[@]}" -eq 3 ]
    # insecure: false wins over the setting
    config "!DockerImage {registry: \"$HUB\", image: library/busybox, tag: \"1\", insecure: false}"
    VAGGA_SETTINGS="docker-insecure-registries: [127.0.0.1]" run "$VAGGA" _build app
    assert_failure 121
    assert_output --partial "(https://$HUB/v2/): TLS error"
}

@test "an OCI index and OCI manifest with an uncompressed layer; the download goes through http_proxy" {
    config "!DockerImage {registry: \"$HUB\", image: team/oci, tag: \"3\", insecure: true}"
    export http_proxy=http://127.0.0.1:$(cat "$W/proxy.port")
    unset no_proxy NO_PROXY all_proxy ALL_PROXY
    run "$VAGGA" _run app sh -c 'cat /app/hello.txt; ls /opt/data'
    assert_success
    assert_line from-the-top-layer
    assert_line c
    refute_line a
    # every request went to the proxy, with the registry's absolute URL
    grep -q "^GET http://$HUB/v2/ bearer=no" "$W/proxy.log"
    grep -q "^GET http://$HUB/v2/team/oci/manifests/sha256:[0-9a-f]* bearer=yes" "$W/proxy.log"
    run grep -c . "$W/hub.log"
    assert_output 0
}

@test "docker-registry-aliases sends docker.io to the registry the setting names" {
    config "!DockerImage docker.io/library/busybox:1"
    export VAGGA_SETTINGS="{docker-registry-aliases: {docker.io: \"$HUB\"}, docker-insecure-registries: [127.0.0.1]}"
    run "$VAGGA" _run app cat /etc/kept.txt
    assert_success
    assert_line "[app] Downloading docker image: $HUB/library/busybox:1"
    assert_line kept
    grep -q '^GET /v2/library/busybox/manifests/1 bearer=yes' "$W/hub.log"
}

@test "https with the stand-in's certificate through VAGGA_BUILD_CA_BUNDLE; without it the certificate is refused" {
    config "!DockerImage $TLS/team/multi:2"
    run "$VAGGA" _build app
    assert_failure 121
    assert_output --partial "cannot reach docker registry $TLS (https://$TLS/v2/): TLS error"
    export VAGGA_BUILD_CA_BUNDLE=$W/cert.pem
    # a manifest list: its linux/amd64 entry is pulled
    run "$VAGGA" _run app cat /etc/kept.txt
    assert_success
    assert_line kept
    grep -q "^GET /v2/team/multi/manifests/sha256:[0-9a-f]* bearer=yes" "$W/tls.log"
}

@test "layers are cached by digest: a second build downloads none, in the project's cache or cache-dir" {
    config "!DockerImage {registry: \"$HUB\", image: library/busybox, tag: \"1\", insecure: true}"
    run "$VAGGA" _build app
    assert_success
    [ -f "$(blob_of busybox 1)" ] && [ -f "$(blob_of busybox 2)" ]
    : > "$W/hub.log"
    run "$VAGGA" _run again cat /app/hello.txt
    assert_success
    assert_line "[again] Downloading docker image: $HUB/library/busybox:1"
    refute_line --partial 'Downloading docker layer'
    assert_line from-the-top-layer
    # only the manifest (a tag may move): no blob
    run grep -c -E '/blobs/|/cdn/' "$W/hub.log"
    assert_output 0
    # with cache-dir the layers are kept there
    export VAGGA_SETTINGS="cache-dir: $PROJECT/shared"
    run "$VAGGA" _build --force app
    assert_success
    [ -f "shared/docker-layers/$(sed -n 1p "$W/busybox.digests" | cut -d: -f2).tar.gz" ]
}

@test "a build whose later step changed resumes from the root saved after a slow !DockerImage, fetching nothing" {
    echo "$(sed -n 2p "$W/small.digests" | cut -d: -f2)" > "$STORE/slow"
    printf '%s\n' containers: '  app:' '    setup:' \
        "    - !DockerImage {registry: \"$HUB\", image: team/small, tag: \"1\", insecure: true}" \
        '    - !Sh echo one > /etc/which' > vagga.yaml
    run "$VAGGA" _build app
    assert_success
    assert_line --partial '[app] saved the root after step 1 for reuse'
    : > "$W/hub.log"
    sed -i 's/echo one/echo two/' vagga.yaml
    run "$VAGGA" _run app sh -c 'cat /etc/which; wc -c < /opt/big.bin'
    assert_success
    assert_line --index 0 --partial '[app] reusing the root saved after step 1 of 2 (!DockerImage "team/small:1")'
    assert_line two
    assert_line 60000
    run grep -c . "$W/hub.log"
    assert_output 0
}

@test "a blob that does not match its digest is refused and never cached" {
    config "!DockerImage {registry: \"$HUB\", image: team/bad, tag: \"1\", insecure: true}"
    run "$VAGGA" _build app
    assert_failure 121
    bad=$(sed -n 2p "$W/bad.digests")
    assert_line --regexp "^container \"app\": step 1 \(!DockerImage \"team/bad:1\"\): docker layer $bad from $HUB does not match its digest \(got sha256:[0-9a-f]{64}\): not used$"
    [ ! -e "$(blob_of bad 2)" ]
    run sh -c 'ls -a .vagga/.cache/docker-layers | grep "\.tmp$" || true'
    assert_output ''
}

@test "unreachable registry, unknown tag, bad tag, an index without linux/amd64, schema 1: one line each, exit 121" {
    config "!DockerImage {registry: \"127.0.0.1:1\", image: library/busybox, insecure: true}"
    run "$VAGGA" _build app
    assert_failure 121
    assert_line --index 2 --regexp '^container "app": step 1 \(!DockerImage "library/busybox:latest"\): cannot reach docker registry 127.0.0.1:1 \(http://127.0.0.1:1/v2/\): connection refused or unreachable'
    [ "${#lines[@]}" -eq 3 ]
    config "!DockerImage {registry: \"$HUB\", image: library/busybox, tag: nosuch, insecure: true}"
    run "$VAGGA" _build app
    assert_failure 121
    assert_line --partial "): docker image $HUB/library/busybox:nosuch not found (HTTP 404: MANIFEST_UNKNOWN: manifest unknown)"
    config "!DockerImage {registry: \"$HUB\", image: library/busybox, tag: \"bad tag!\", insecure: true}"
    run "$VAGGA" _build app
    assert_failure 121
    assert_line --partial '): bad docker image tag "bad tag!" (expected up to 128 letters'
    config "!DockerImage {registry: \"$HUB\", image: Library/BusyBox, insecure: true}"
    run "$VAGGA" _build app
    assert_failure 121
    assert_line --partial '): bad docker image name "Library/BusyBox"'
    config "!DockerImage {registry: \"$HUB\", image: team/armonly, tag: \"1\", insecure: true}"
    run "$VAGGA" _build app
    assert_failure 121
    assert_line --partial "): docker image $HUB/team/armonly:1 has no linux/amd64 image (it has linux/arm64, linux/ppc64le)"
    config "!DockerImage {registry: \"$HUB\", image: team/old, tag: \"1\", insecure: true}"
    run "$VAGGA" _build app
    assert_failure 121
    assert_line --partial "): the manifest of $HUB/team/old:1 is not one this vagga reads (schema version 1; expected a Docker v2 or OCI manifest, or a list of them)"
    refute_output --partial 'at java.'
}

@test "kill -9 during a slow layer download leaves no blob a later build trusts; the next build recovers" {
    config "!DockerImage {registry: \"$HUB\", image: team/big, tag: \"1\", insecure: true}"
    big=$(sed -n 2p "$W/big.digests")
    echo "${big#sha256:}" > "$STORE/slow"
    "$VAGGA" _build app > out 2>&1 3>&- &
    SUP=$!
    wait_for out "Downloading docker layer: $big" 300
    # some of the layer has arrived (under whatever name the download writes)
    hex=${big#sha256:}
    for _ in $(seq 300); do
        [ -n "$(find .vagga/.cache/docker-layers -name "*$hex*" -size +0 2>/dev/null)" ] && break
        sleep 0.1
    done
    [ -n "$(find .vagga/.cache/docker-layers -name "*$hex*" -size +0)" ]
    kill -9 $SUP
    wait $SUP || true
    SUP=
    [ ! -e "$(blob_of big 2)" ]
    rm -f "$STORE/slow"
    run "$VAGGA" _run app stat -c %s /opt/big.bin
    assert_success
    assert_line 300000
    [ -f "$(blob_of big 2)" ]
    # the dead process's partial file is gone too
    run sh -c 'ls -a .vagga/.cache/docker-layers | grep "\.tmp$" || true'
    assert_output ''
}
