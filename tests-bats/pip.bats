#!/usr/bin/env bats
# pip steps against a local "simple" index on 127.0.0.1 (PyPI is not reachable from here): the
# test writes two tiny wheels (tinypkg, which depends on tinydep) and serves them with python's
# http.server; the real pip of Debian's python3-pip runs inside the container.

load helpers
load pip-index

# a Debian root is unpacked and copied a few times: slow on a loaded 2-core machine
BATS_TEST_TIMEOUT=$(( ${BATS_TEST_TIMEOUT:-180} > 600 ? BATS_TEST_TIMEOUT : 600 ))

setup_file() {
    debian_tarball lang-node-python make,ca-certificates,python3-pip,nodejs,npm
    # one project and one index for the file: the python root (a Debian root unpacked) is made once
    file_project pip
    cd "$FILE_PROJECT"
    tiny_index index
    serve_dir index simple/
    sed -i "s/PORT/$PORT/" vagga.yaml
    build_for_file python
}

teardown_file() {
    stop_served
}

setup() {
    cd "$FILE_PROJECT"
}

root_of() {
    echo ".vagga/.roots/$1.$("$VAGGA" _version_hash --short "$1")/root"
}

@test "!Py3Install installs from the index of !PipConfig, without dependencies by default (vagga)" {
    run "$VAGGA" _build py-install
    assert_success
    assert_line --partial '[py-install] step 3/3: !Py3Install ["tinypkg==1.0"]'
    run "$VAGGA" _run py-install python3 -c 'import tinypkg; print(tinypkg.VERSION)'
    assert_success
    assert_output 1.0
    run "$VAGGA" _run py-install python3 -c 'import tinydep'
    assert_failure
    [ -d .vagga/.cache/pip-cache-http ]
    run sh -c "ls -A $(root_of py-install)/tmp"
    assert_output ''
}

@test "!Py3Requirements installs a requirements file and its -r includes; every included line is the version" {
    run "$VAGGA" _build py-requirements
    assert_success
    run "$VAGGA" _run py-requirements python3 -c 'import tinypkg, tinydep; print(tinydep.VERSION)'
    assert_success
    assert_output 2.0
    before=$("$VAGGA" _version_hash py-requirements)
    cp base.txt "$BATS_TEST_TMPDIR/base.txt"
    echo '# a comment changes nothing' >> base.txt
    [ "$before" = "$("$VAGGA" _version_hash py-requirements)" ]
    echo 'tinydep==2.0' >> base.txt
    [ "$before" != "$("$VAGGA" _version_hash py-requirements)" ]
    cp "$BATS_TEST_TMPDIR/base.txt" base.txt
}

@test "an unresolvable requirement fails with pip's own message, naming the step" {
    assert_step_fails py-bad 'No matching distribution found for vagga-java-no-such-package' \
        'container "py-bad": step 3 (!Py3Install ["vagga-java-no-such-package"]): command "python3 -m pip install'
}

@test "on a !Debian base, python3 and pip come from the distribution (install-python), a compiler and python3-dev only during the build (vagga's build deps); the caches are in cache-dir" {
    export VAGGA_SETTINGS="cache-dir: /var/tmp/vagga-test-cache"
    run "$VAGGA" _build py-debian
    assert_success
    assert_line --partial '[py-debian] running apt-get install -y build-essential ca-certificates python3-dev python3 python3-pip'
    assert_line --partial '[py-debian] running apt-mark auto build-essential ca-certificates python3-dev'
    packages="$(dirname "$(root_of py-debian)")/debian-packages.txt"
    grep -q '^ii  python3-pip ' "$packages"
    run grep -E '^ii  (build-essential|gcc|python3-dev) ' "$packages"
    assert_output ''
    run "$VAGGA" _run py-debian python3 -c 'import tinypkg; print(tinypkg.VERSION)'
    assert_success
    assert_output 1.0
    [ -d /var/tmp/vagga-test-cache/pip-cache-http ]
}
