#!/usr/bin/env bats
# npm and yarn steps for real: the npm registry (reachable here), node and npm from Debian in a
# root made once with mmdebstrap (cached in /var/tmp/vagga-test-cache). The host's CA bundle is
# given to build commands with VAGGA_BUILD_CA_BUNDLE (needed where HTTPS goes through a proxy).

load helpers

# a Debian root is unpacked and copied a few times: slow on a loaded 2-core machine
BATS_TEST_TIMEOUT=$(( ${BATS_TEST_TIMEOUT:-180} > 600 ? BATS_TEST_TIMEOUT : 600 ))

setup_file() {
    debian_tarball lang-node-python make,ca-certificates,python3-pip,nodejs,npm
    export VAGGA_BUILD_CA_BUNDLE=${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}
    # one project for the file: the node root (a Debian root unpacked) is made once
    file_project npm
    cd "$FILE_PROJECT"
    build_for_file node
}

setup() {
    cd "$FILE_PROJECT"
    export VAGGA_BUILD_CA_BUNDLE=${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}
}

root_of() {
    echo ".vagga/.roots/$1.$("$VAGGA" _version_hash --short "$1")/root"
}

# descendants PID: the pids of every process below PID.
descendants() {
    local c
    for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
        echo "$c"
        descendants "$c"
    done
}

@test "!NpmInstall installs from the registry into /usr/lib/node_modules, npm's cache in vagga's cache" {
    run "$VAGGA" _build npm-install
    assert_success
    assert_line --partial '[npm-install] step 2/2: !NpmInstall ["is-number@7.0.0"]'
    run "$VAGGA" _run npm-install node -e 'console.log(require("is-number")(5))'
    assert_success
    assert_output true
    [ -d .vagga/.cache/npm-cache/_cacache ]
    run sh -c "ls -A $(root_of npm-install)/tmp"
    assert_output ''
}

@test "!NpmDependencies installs dependencies and devDependencies (not peer) of package.json; they are its version" {
    run "$VAGGA" _build npm-deps
    assert_success
    root=$(root_of npm-deps)
    [ -f $root/usr/lib/node_modules/is-odd/package.json ]
    [ -f $root/usr/lib/node_modules/is-number/package.json ]
    [ ! -e $root/usr/lib/node_modules/left-pad ]
    [ ! -e frontend/node_modules ]
    cp frontend/package.json "$BATS_TEST_TMPDIR/package.json"
    before=$("$VAGGA" _version_hash npm-deps)
    sed -i 's/"is-number": "7.0.0"/"is-number": "6.0.0"/' frontend/package.json
    [ "$before" != "$("$VAGGA" _version_hash npm-deps)" ]
    sed -i 's/"version": "1.0.0"/"version": "1.0.1"/' frontend/package.json
    peer=$("$VAGGA" _version_hash npm-deps-peer)
    sed -i 's/"left-pad": "1.3.0"/"left-pad": "1.2.0"/' frontend/package.json
    [ "$peer" != "$("$VAGGA" _version_hash npm-deps-peer)" ]
    cp "$BATS_TEST_TMPDIR/package.json" frontend/package.json
}

@test "!YarnDependencies installs yarn from the registry and the project's packages; the root is named by the version after yarn wrote yarn.lock" {
    run "$VAGGA" _build yarn
    assert_success
    root=$(root_of yarn)
    [ -f $root/usr/lib/node_modules/is-odd/package.json ]
    [ -f $root/usr/lib/node_modules/is-number/package.json ]
    run "$VAGGA" _run yarn yarn --version
    assert_success
    assert_output --regexp '^1\.'
    [ ! -e frontend/node_modules ]
    # yarn writes the project's lock file (as with vagga); the version counts it, and the next
    # start finds the root it built instead of building again
    [ -f frontend/yarn.lock ]
    run "$VAGGA" _build yarn
    assert_success
    refute_output --partial 'step 2/2'
    [ -d .vagga/.cache/yarn-cache ]
}

@test "an unknown package fails with npm's own message, naming the step" {
    assert_step_fails npm-bad 'E404' \
        'container "npm-bad": step 2 (!NpmInstall ["vagga-java-no-such-package-0f3c9a"]): command "npm install --global'
}

@test "!NpmConfig replaces npm's settings: a missing npm-exe is the command's error" {
    run "$VAGGA" _build npm-no-node
    assert_failure 121
    assert_output --partial '/opt/no/npm: No such file or directory'
    assert_output --partial 'container "npm-no-node": step 3 (!NpmInstall ["is-number@7.0.0"]): command "/opt/no/npm install'
}

@test "kill -9 in the middle of npm install leaves no root and no process, and the next build succeeds" {
    "$VAGGA" _build npm-kill > build.log 2>&1 3>&- &
    pid=$!
    npm=
    for _ in $(seq 1200); do
        tree=$(descendants $pid)
        for p in $tree; do
            grep -qz 'is-number@6.0.0' /proc/$p/cmdline 2>/dev/null && npm=$p
        done
        [ -n "$npm" ] && break
        alive $pid || break
        sleep 0.1
    done
    [ -n "$npm" ] || { cat build.log; false; }
    kill -9 $pid
    wait $pid || true
    for _ in $(seq 100); do
        left=$(for p in $tree; do alive $p && echo $p; done; true)
        [ -z "$left" ] && break
        sleep 0.1
    done
    [ -z "$left" ] || { ps -o pid,stat,args -p "$(echo $left | tr ' ' ,)"; false; }
    [ ! -e .vagga/npm-kill ]
    run "$VAGGA" _build npm-kill
    assert_success
    run "$VAGGA" _run npm-kill node -e 'console.log(require("is-number/package.json").version)'
    assert_output 6.0.0
}
