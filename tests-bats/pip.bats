#!/usr/bin/env bats
# pip steps against a local "simple" index on 127.0.0.1 (PyPI is not reachable from here): the
# test writes two tiny wheels (tinypkg, which depends on tinydep) and serves them with python's
# http.server; the real pip of Debian's python3-pip runs inside the container.

load helpers

# a Debian root is unpacked and copied a few times: slow on a loaded 2-core machine
BATS_TEST_TIMEOUT=$(( ${BATS_TEST_TIMEOUT:-180} > 600 ? BATS_TEST_TIMEOUT : 600 ))

# wheel NAME VERSION [REQUIRES]: a pure-python wheel in index/simple/NAME/, module NAME
wheel() {
    python3 - "$1" "$2" "${3:-}" <<'PY'
import base64, hashlib, os, sys, zipfile
name, version, requires = sys.argv[1:4]
dist = f"{name}-{version}.dist-info"
files = {
    f"{name}.py": f"VERSION = {version!r}\n",
    f"{dist}/METADATA": "Metadata-Version: 2.1\nName: %s\nVersion: %s\n%s" % (
        name, version, f"Requires-Dist: {requires}\n" if requires else ""),
    f"{dist}/WHEEL": "Wheel-Version: 1.0\nGenerator: bats\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}
record = []
for path, text in files.items():
    digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
    record.append(f"{path},sha256={digest},{len(text.encode())}")
record.append(f"{dist}/RECORD,,")
files[f"{dist}/RECORD"] = "\n".join(record) + "\n"
os.makedirs(f"index/simple/{name}", exist_ok=True)
whl = f"{name}-{version}-py3-none-any.whl"
with zipfile.ZipFile(f"index/simple/{name}/{whl}", "w") as z:
    for path, text in files.items():
        z.writestr(path, text)
with open(f"index/simple/{name}/index.html", "a") as f:
    f.write(f'<a href="{whl}">{whl}</a>\n')
PY
}

setup_file() {
    debian_tarball lang-node-python make,ca-certificates,python3-pip,nodejs,npm
    # one project and one index for the file: the python root (a Debian root unpacked) is made once
    export PIP_PROJECT="$BATS_FILE_TMPDIR/project"
    mkdir -p "$PIP_PROJECT"
    cp -a "$BATS_TEST_DIRNAME/pip/." "$PIP_PROJECT/"
    cd "$PIP_PROJECT"
    wheel tinydep 2.0
    wheel tinypkg 1.0 tinydep
    serve_dir index simple/
    sed -i "s/PORT/$PORT/" vagga.yaml
    "$VAGGA" _build python > "$BATS_FILE_TMPDIR/build.log" 2>&1 || { cat "$BATS_FILE_TMPDIR/build.log" >&3; return 1; }
}

teardown_file() {
    stop_served
}

setup() {
    cd "$PIP_PROJECT"
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
    run "$VAGGA" _build py-bad
    assert_failure 121
    assert_output --partial 'No matching distribution found for vagga-java-no-such-package'
    assert_output --partial 'container "py-bad": step 3 (!Py3Install ["vagga-java-no-such-package"]): command "python3 -m pip install'
    [ ! -e .vagga/py-bad ]
}

@test "on a !Debian base, python3 and pip come from the distribution (install-python); the caches are in cache-dir" {
    export VAGGA_SETTINGS="cache-dir: /var/tmp/vagga-test-cache"
    run "$VAGGA" _build py-debian
    assert_success
    assert_line --partial '[py-debian] running apt-get install -y python3 python3-pip'
    grep -q '^ii  python3-pip ' "$(dirname "$(root_of py-debian)")/debian-packages.txt"
    run "$VAGGA" _run py-debian python3 -c 'import tinypkg; print(tinypkg.VERSION)'
    assert_success
    assert_output 1.0
    [ -d /var/tmp/vagga-test-cache/pip-cache-http ]
}
