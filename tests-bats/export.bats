#!/usr/bin/env bats
# _pack_image (vagga's tar, ours --oci) and _export compose|k8s: golden files, validators, errors.
# Regenerate the golden files after a reviewed change: VAGGA_GOLDEN_UPDATE=1 bats tests-bats/export.bats

load helpers

GOLDEN=$BATS_TEST_DIRNAME/export/golden

setup() {
    project export
    busybox_tarball busybox.tar.gz
}

teardown() {
    cleanup_project
}

# golden NAME FILE: FILE (its image hashes and this run's project path made neutral) equals golden/NAME.
golden() {
    sed -E -e 's|(localhost/vagga/[a-z0-9._-]+):[0-9a-f]{8}|\1:HASH|g' -e "s|$PROJECT|/PROJECT|g" "$2" > "$2.neutral"
    if [ -n "${VAGGA_GOLDEN_UPDATE:-}" ]; then
        cp "$2.neutral" "$GOLDEN/$1"
    fi
    diff -u "$GOLDEN/$1" "$2.neutral"
}

@test "_pack_image writes a tar of the built root to stdout, as vagga" {
    run --separate-stderr sh -c '"$VAGGA" _pack_image bb > img.tar'
    assert_success
    tar -tf img.tar > list
    grep -qx './bin/busybox' list
    # the root is the built one: its !Tar step's files, numeric owners
    tar -tvf img.tar ./bin/busybox | grep -q '^-rwx.* 0/0 '
}

@test "_pack_image -f FILE is relative to the project root; -z, -j, -J compress" {
    mkdir -p sub && cd sub
    run --separate-stderr "$VAGGA" _pack_image -z -f img.tar.gz bb
    assert_success
    # after the build's progress lines, vagga's line
    [ "${stderr##*$'\n'}" = "Compressing the image... This may take a few minutes." ]
    [ ! -e img.tar.gz ]
    gzip -t "$PROJECT/img.tar.gz"
    "$VAGGA" _pack_image --bzip2 --file=img.tar.bz2 bb 2>/dev/null
    bzip2 -t "$PROJECT/img.tar.bz2"
    "$VAGGA" _pack_image -J -f img.tar.xz bb 2>/dev/null
    xz -t "$PROJECT/img.tar.xz"
    tar -tJf "$PROJECT/img.tar.xz" | grep -qx './bin/busybox'
    # the long forms, with vagga's build-mode options
    "$VAGGA" _pack_image --gzip --no-version-check -f long.tar.gz bb 2>/dev/null
    gzip -t "$PROJECT/long.tar.gz"
    "$VAGGA" _pack_image --xz --no-image-download --file long.tar.xz bb 2>/dev/null
    xz -t "$PROJECT/long.tar.xz"
}

@test "_pack_image exit codes: tar's own, 121 for an unknown or !HostRoot container, 122 for bad arguments" {
    run --separate-stderr "$VAGGA" _pack_image --no-build bb
    assert_equal "$status" 29
    run --separate-stderr "$VAGGA" _pack_image -f no/such/dir/img.tar bb
    assert_equal "$status" 2
    run --separate-stderr "$VAGGA" _pack_image nosuch
    assert_equal "$status" 121
    [[ "$stderr" == 'Container "nosuch" not found'* ]]
    run --separate-stderr "$VAGGA" _pack_image host
    assert_equal "$status" 121
    [[ "$stderr" == *'container "host" is !HostRoot'* ]]
    run --separate-stderr "$VAGGA" _pack_image
    assert_equal "$status" 122
    run --separate-stderr "$VAGGA" _pack_image --frobnicate bb
    assert_equal "$status" 122
    [[ "$stderr" == *'unexpected argument "--frobnicate"'* ]]
    run --separate-stderr "$VAGGA" _pack_image bb -f
    assert_equal "$status" 122
}

@test "_pack_image --oci: a docker-archive image with the container's environ, /work and user 0:0" {
    run --separate-stderr "$VAGGA" _pack_image --oci -f image.tar bb
    assert_success
    hash=$("$VAGGA" _version_hash --short bb)
    [ "${stderr##*$'\n'}" = "vagga _pack_image: image localhost/vagga/bb:$hash" ]
    mkdir x && tar -xf image.tar -C x
    python3 - "$hash" <<'PY'
import json, sys, hashlib, tarfile
m = json.load(open('x/manifest.json'))
assert m[0]['RepoTags'] == ['localhost/vagga/bb:' + sys.argv[1]], m
cfg = json.load(open('x/' + m[0]['Config']))
assert 'GREETING=hello from bb' in cfg['config']['Env'], cfg
assert cfg['config']['WorkingDir'] == '/work' and cfg['config']['User'] == '0:0', cfg
layer = open('x/' + m[0]['Layers'][0], 'rb').read()
assert cfg['rootfs']['diff_ids'] == ['sha256:' + hashlib.sha256(layer).hexdigest()], cfg['rootfs']
assert './bin/busybox' in tarfile.open('x/' + m[0]['Layers'][0]).getnames()
PY
}

# A podman of this test only: its storage and run state under the test's tmp dir, crun, no cgroups.
private_podman() {
    command -v podman > /dev/null || skip "podman is not installed (make deps installs it)"
    PODMAN_DIR=$BATS_TEST_TMPDIR/podman
    mkdir -p "$PODMAN_DIR"
    printf '[storage]\ndriver = "vfs"\nrunroot = "%s/run"\ngraphroot = "%s/graph"\n' "$PODMAN_DIR" "$PODMAN_DIR" \
        > "$PODMAN_DIR/storage.conf"
    printf '[containers]\ncgroups = "disabled"\ndefault_ulimits = []\n[engine]\nruntime = "crun"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' \
        > "$PODMAN_DIR/containers.conf"
    export CONTAINERS_STORAGE_CONF=$PODMAN_DIR/storage.conf CONTAINERS_CONF=$PODMAN_DIR/containers.conf
}

@test "podman load accepts _pack_image --oci and podman runs the image" {
    private_podman
    "$VAGGA" _pack_image --oci -f image.tar bb 2>/dev/null
    "$VAGGA" _pack_image --oci -z bb 2>/dev/null > image.tar.gz
    hash=$("$VAGGA" _version_hash --short bb)
    run podman load -i image.tar
    assert_success
    assert_output --partial "localhost/vagga/bb:$hash"
    # podman 4.3 reads a docker-archive uncompressed only (docker load takes it compressed too)
    run sh -c 'gunzip -c image.tar.gz | podman load'
    assert_success
    # This machine mounts cgroup v2 beside v1 (hybrid), which crun refuses; in a mount namespace of
    # this test only, without the v2 mount, crun runs the container.
    [ "$(id -u)" = 0 ] || skip "podman run here needs root (a private mount namespace)"
    run timeout 120 unshare -m --propagation private sh -c \
        'umount /sys/fs/cgroup/unified 2>/dev/null; exec podman run --rm "$0" sh -c "echo \$GREETING in \$PWD as \$(id -u)"' \
        "localhost/vagga/bb:$hash"
    assert_success
    assert_output "hello from bb in /work as 0"
    podman rmi -a -f > /dev/null 2>&1 || true
}

@test "docker-compose runs the exported stop-on-failure supervise on podman: the first to exit stops the other, its code is compose's" {
    command -v docker-compose > /dev/null || skip "docker-compose is not installed (make deps installs it)"
    private_podman
    [ "$(id -u)" = 0 ] || skip "podman run here needs root (a private mount namespace)"
    "$VAGGA" _export compose crash -o crash.yml 2>/dev/null
    "$VAGGA" _pack_image --oci -f image.tar bb 2>/dev/null
    podman load -i image.tar > /dev/null
    # the command of the file's header, as a user would copy it
    up=$(sed -n 's/^#   \(docker-compose .* up .*\)$/\1/p' crash.yml)
    [ "$up" = "docker-compose -f crash.yml up --abort-on-container-exit" ]
    # docker-compose talks to podman's Docker API, served from this test's mount namespace
    cat > run.sh <<EOF2
umount /sys/fs/cgroup/unified 2>/dev/null
podman system service --time=0 unix://$PODMAN_DIR/api.sock & svc=\$!
for i in \$(seq 300); do [ -S $PODMAN_DIR/api.sock ] && break; sleep 0.1; done
export DOCKER_HOST=unix://$PODMAN_DIR/api.sock COMPOSE_PROJECT_NAME=vaggaexport
$up --no-color; echo "compose exit=\$?"
podman inspect -f '{{.Name}} {{.State.ExitCode}}' vaggaexport_server_1 vaggaexport_crasher_1
docker-compose -f crash.yml down -v > /dev/null 2>&1
kill \$svc; wait \$svc
EOF2
    run timeout 240 unshare -m --propagation private sh run.sh
    assert_line --partial "crasher fails"
    assert_line --partial "vaggaexport_crasher_1 exited with code 3"
    assert_line "Aborting on container exit..."
    assert_line "compose exit=3"
    # server was stopped with SIGTERM (its trap exits 42), not left running or killed
    assert_line "vaggaexport_server_1 42"
    assert_line "vaggaexport_crasher_1 3"
    podman rm -a -f > /dev/null 2>&1 || true
}

@test "_export compose: the fixture's two modes and the examples match their golden files and docker-compose accepts them" {
    command -v docker-compose > /dev/null || skip "docker-compose is not installed (make deps installs it)"
    run --separate-stderr "$VAGGA" _export compose app -o app.compose.yml
    assert_success
    [[ "$stderr" == *"docker-compose -f app.compose.yml up --renew-anon-volumes --abort-on-container-exit"* ]]
    grep -qx "#   docker-compose -f app.compose.yml up --renew-anon-volumes --abort-on-container-exit" app.compose.yml
    "$VAGGA" _export compose jobs -o jobs.compose.yml 2>/dev/null
    golden app.compose.yml app.compose.yml
    golden jobs.compose.yml jobs.compose.yml
    docker-compose -f app.compose.yml config -q
    docker-compose -f jobs.compose.yml config -q
    cp -a "$BATS_TEST_DIRNAME/../examples" ex
    (cd ex && "$VAGGA" _export compose run_full_app --host-root-image docker.io/library/debian:bookworm \
        -o run_full_app.compose.yml 2>/dev/null && "$VAGGA" _export compose run_jobs \
        --host-root-image docker.io/library/debian:bookworm -o run_jobs.compose.yml 2>/dev/null)
    (cd ex/debian && "$VAGGA" _export compose run -o debian-run.compose.yml 2>/dev/null)
    for f in ex/run_full_app.compose.yml ex/run_jobs.compose.yml ex/debian/debian-run.compose.yml; do
        golden "examples-${f##*/}" "$f"
        docker-compose -f "$f" config -q
    done
}

@test "_export: what cannot be expressed is named with file:line, exit 121, nothing written" {
    run --separate-stderr "$VAGGA" _export compose bad -o bad.yml
    assert_equal "$status" 121
    [ ! -e bad.yml ]
    diff -u - <(printf '%s\n' "$stderr") <<'EOF2'
vagga.yaml:58:16: child "lines": ready: {line: ...} cannot be expressed: compose's probes run inside the container and do not see its output
vagga.yaml:59:15: child "socket": pass-tcp-socket: compose cannot hand a listening socket to the process as fd 3; let the program bind 18433 itself
vagga.yaml:64:23: child "socket": volume /opt/vagga: !VaggaBin (vagga's own binary) has no compose equivalent
vagga.yaml:65:25: child "socket": volume /opt/outside: a bind of /volumes/elsewhere (outside the project) cannot be expressed in compose
hint: nothing was written; change these or leave the children out with --only/--exclude
EOF2
    run --separate-stderr "$VAGGA" _export k8s on-host
    assert_equal "$status" 121
    [[ "$stderr" == 'vagga.yaml:11:5: container "host" is !HostRoot:'*'--host-root-image IMAGE'* ]]
    run --separate-stderr "$VAGGA" _export k8s app
    assert_equal "$status" 121
    [[ "$stderr" == *'vagga.yaml:35:22: child "web": volume /etc/snap: !Snapshot'*'cannot be expressed in Kubernetes'* ]]
    run --separate-stderr "$VAGGA" _export compose plain
    assert_equal "$status" 121
    [ "$stderr" = 'vagga _export: "plain" is not a !Supervise: only a supervise'"'"'s children are exported' ]
    run --separate-stderr "$VAGGA" _export compose nosuch
    assert_equal "$status" 121
}

@test "_export selects children as a run does (--only, --exclude, tags); -E reaches them; bad arguments are 122" {
    run -127 --separate-stderr "$VAGGA" -E EXTRA=1 _export compose bad --exclude lines socket
    run --separate-stderr "$VAGGA" -E EXTRA=yes _export compose app --only front db
    assert_success
    [[ "$output" == *'  db:'* && "$output" == *'  web:'* && "$output" != *'  flaky:'* ]]
    [[ "$output" == *'EXTRA: "yes"'* ]]
    run --separate-stderr "$VAGGA" _export compose app --only nosuch
    assert_equal "$status" 122
    run --separate-stderr "$VAGGA" _export yaml app
    assert_equal "$status" 122
    [[ "$stderr" == *'unknown format "yaml" (expected compose or k8s)'* ]]
    run --separate-stderr "$VAGGA" _export compose app -o
    assert_equal "$status" 122
    run --separate-stderr "$VAGGA" _export compose
    assert_equal "$status" 122
}

# npm's kubernetes-models 4.5.1 (its engines: node >= 14, Debian has 18; 5.x wants 22) and js-yaml, installed once into the shared test cache (20-60 s).
k8s_models() {
    command -v node > /dev/null && command -v npm > /dev/null || skip "node and npm are not installed (make deps installs them)"
    K8S_MODELS=/var/tmp/vagga-test-cache/kubernetes-models-4.5.1
    if [ ! -e "$K8S_MODELS/node_modules/kubernetes-models/package.json" ]; then
        mkdir -p "$K8S_MODELS"
        echo '{"name": "vagga-k8s-validate", "private": true}' > "$K8S_MODELS/package.json"
        (cd "$K8S_MODELS" && npm install --no-audit --no-fund --loglevel=error kubernetes-models@4.5.1 js-yaml@4.1.0) >&2
    fi
}

validate_k8s() {
    node "$BATS_TEST_DIRNAME/export/k8s-validate.mjs" "$K8S_MODELS/node_modules" "$@"
}

@test "_export k8s: a Pod (stop-on-failure) and a Job (wait-all-successful) match their golden files and the API schemas" {
    k8s_models
    run --separate-stderr "$VAGGA" _export k8s app --exclude web -o app.k8s.yaml
    assert_success
    [[ "$stderr" == *"kubectl apply -f app.k8s.yaml"* ]]
    "$VAGGA" _export k8s jobs -o jobs.k8s.yaml 2>/dev/null
    golden app.k8s.yaml app.k8s.yaml
    golden jobs.k8s.yaml jobs.k8s.yaml
    run validate_k8s app.k8s.yaml jobs.k8s.yaml
    assert_success
    assert_line "app.k8s.yaml: Pod app: valid"
    assert_line "jobs.k8s.yaml: Job jobs: valid"
    # what the object keeps: no shared PID namespace, the grace, the Job's single try, a sidecar for `after`
    grep -qx '  shareProcessNamespace: false' app.k8s.yaml
    grep -qx '  terminationGracePeriodSeconds: 4' app.k8s.yaml
    grep -qx '  backoffLimit: 0' jobs.k8s.yaml
    grep -A1 -x '      initContainers:' jobs.k8s.yaml | grep -qx '        - name: "one"'
    cp -a "$BATS_TEST_DIRNAME/../examples" ex
    (cd ex && "$VAGGA" _export k8s run_full_app --host-root-image docker.io/library/debian:bookworm \
        -o run_full_app.k8s.yaml 2>/dev/null && "$VAGGA" _export k8s run_jobs \
        --host-root-image docker.io/library/debian:bookworm -o run_jobs.k8s.yaml 2>/dev/null)
    (cd ex/debian && "$VAGGA" _export k8s run -o debian-run.k8s.yaml 2>/dev/null)
    for f in ex/run_full_app.k8s.yaml ex/run_jobs.k8s.yaml ex/debian/debian-run.k8s.yaml; do
        sed -i "s|$PROJECT/ex|/EXAMPLES|g" "$f"
        golden "examples-${f##*/}" "$f"
    done
    run validate_k8s ex/run_full_app.k8s.yaml ex/run_jobs.k8s.yaml ex/debian/debian-run.k8s.yaml
    assert_success
}

@test "the Kubernetes validator refuses a Pod and a Job that break the schemas" {
    k8s_models
    "$VAGGA" _export k8s app --exclude web -o app.k8s.yaml 2>/dev/null
    "$VAGGA" _export k8s jobs -o jobs.k8s.yaml 2>/dev/null
    sed 's/^  restartPolicy: "Never"/  restartPolicy: 7/' app.k8s.yaml > bad-pod.yaml
    sed 's/^  backoffLimit: 0/  backoffLimit: "none"/' jobs.k8s.yaml > bad-job.yaml
    sed '0,/- name: "one"/s//- nome: "one"/' jobs.k8s.yaml > nameless.yaml
    run validate_k8s bad-pod.yaml bad-job.yaml nameless.yaml jobs.k8s.yaml
    assert_failure
    assert_line --partial "bad-pod.yaml: Pod app: data/spec/restartPolicy must be string"
    assert_line "bad-job.yaml: Job jobs: data/spec/backoffLimit must be integer"
    assert_line "nameless.yaml: Job jobs: data/spec/template/spec/initContainers/0 must have required property name"
    assert_line "jobs.k8s.yaml: Job jobs: valid"
}

@test "the Pod's stop wrapper ends the other children when the first exits, with its code (run by sh here)" {
    # the wrapper from the exported file, run for two children sharing a stop directory, as in the pod
    "$VAGGA" _export k8s app --exclude web -o app.k8s.yaml 2>/dev/null
    python3 - app.k8s.yaml <<'PY' > wrapper.sh
import json, re, sys
text = open(sys.argv[1]).read()
script = re.search(r'^        - "(n=.*)"$', text, re.M).group(1)
print(json.loads('"' + script + '"').replace('$$', '$').replace('/.vagga-stop', sys.argv[1] + '.stop'))
PY
    mkdir app.k8s.yaml.stop
    MARK=export-$$-$RANDOM sh wrapper.sh db 4 any sh -c 'exec sleep 30' > db.log &
    db=$!
    run -3 sh wrapper.sh flaky 4 any sh -c 'exit 3'
    assert_equal "$status" 3
    assert_output "---------- Process flaky exited with code 3. Shutting down -----------"
    # db is stopped by SIGTERM within its grace: bounded wait, then its own code is 143
    for ((i = 0; i < 100; i++)); do kill -0 "$db" 2>/dev/null || break; sleep 0.1; done
    st=0
    wait "$db" || st=$?
    assert_equal "$st" 143
    [ ! -s db.log ]
}
