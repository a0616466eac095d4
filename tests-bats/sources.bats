#!/usr/bin/env bats
# The steps that bring outside sources in (!TarInstall, !Unzip, !Git, !GitInstall, !GitDescribe) and
# the steps about containers (!Build, !RunAs, !SubConfig, !CacheDirs): local archives, a local git
# repository, a busybox root made here and a Debian root (mmdebstrap, cached in the test cache).

load helpers

# a Debian root is unpacked and copied a few times: slow on a loaded 2-core machine
BATS_TEST_TIMEOUT=$(( ${BATS_TEST_TIMEOUT:-180} > 600 ? BATS_TEST_TIMEOUT : 600 ))

setup_file() {
    debian_tarball lang-minbase make,ca-certificates
}

setup() {
    project sources
    busybox_tarball busybox.tar.gz
    # an autotools-shaped package for !TarInstall's default script
    mkdir -p pkg/hello-1.0
    cat > pkg/hello-1.0/configure <<'SH'
#!/bin/sh
prefix=/usr/local
for a; do case $a in --prefix=*) prefix=${a#--prefix=};; esac; done
printf 'all:\n\tprintf "#!/bin/sh\\necho hello from tarinstall\\n" > hello\ninstall:\n\tinstall -D -m 755 hello $(DESTDIR)%s/bin/hello\n' "$prefix" > Makefile
SH
    chmod +x pkg/hello-1.0/configure
    tar -czf hello-1.0.tar.gz -C pkg hello-1.0
    mkdir -p two/first two/second
    echo second-payload > two/second/payload
    tar -czf two-dirs.tar.gz -C two first second
    mkdir -p z/files/bin z/other
    printf '#!/bin/sh\necho unzipped\n' > z/files/bin/tool
    chmod 755 z/files/bin/tool
    echo other > z/other/x
    (cd z && zip -q -r ../files.zip files other)
    rm -rf pkg two z
    make_repo
}

make_repo() {
    mkdir repo
    git -C repo init -q -b main
    git -C repo config user.email t@example.com
    git -C repo config user.name t
    echo v1 > repo/version
    mkdir repo/tools
    printf '#!/bin/sh\necho "installed from $(pwd)" > /etc/gitinstall\n' > repo/tools/install.sh
    chmod +x repo/tools/install.sh
    cat > repo/vagga.yaml <<'YAML'
containers:
  fromgit:
    setup:
    - !Text {/etc/fromgit: "from the repository"}
YAML
    git -C repo add -A
    git -C repo commit -q -m one
    git -C repo tag -a v1 -m v1
    git -C repo checkout -q -b side
    echo side > repo/version
    git -C repo commit -q -am side
    git -C repo checkout -q main
    echo v2 > repo/version
    git -C repo commit -q -am two
}

teardown() {
    cleanup_project
}

root_of() {
    echo ".vagga/.roots/$1.$("$VAGGA" _version_hash --short "$1")/root"
}

@test "!TarInstall runs vagga's default script (configure --prefix=/usr, make, make install) in the only directory" {
    run "$VAGGA" _build tarinstall
    assert_success
    assert_line --partial '[tarinstall] step 2/2: !TarInstall "./hello-1.0.tar.gz"'
    run "$VAGGA" _run tarinstall hello
    assert_success
    assert_output 'hello from tarinstall'
    [ -x "$(root_of tarinstall)/usr/bin/hello" ]
    run sh -c "ls -A $(root_of tarinstall)/tmp"
    assert_output ''
}

@test "!TarInstall with subdir and script; an archive of several directories needs subdir" {
    run "$VAGGA" _build tarinstall-script
    assert_success
    [ "$(cat "$(root_of tarinstall-script)/etc/tarinstall-payload")" = second-payload ]
    run "$VAGGA" _build tarinstall-ambiguous
    assert_failure 121
    assert_output --partial 'container "tarinstall-ambiguous": step 2 (!TarInstall "./two-dirs.tar.gz"): the archive ./two-dirs.tar.gz holds 2 entries at its top; say which directory to run the script in with subdir'
    [ ! -e .vagga/tarinstall-ambiguous ]
}

@test "!Unzip unpacks the subdir of a zip archive into path, keeping modes" {
    run "$VAGGA" _build unzip
    assert_success
    run "$VAGGA" _run unzip /opt/files/bin/tool
    assert_success
    assert_output unzipped
    [ ! -e "$(root_of unzip)/opt/files/other" ]
    [ ! -e "$(root_of unzip)/opt/other" ]
}

@test "!Git checks out HEAD, a revision, a branch; !GitInstall runs its script in subdir; !GitDescribe writes the description" {
    run "$VAGGA" _build git
    assert_success
    root=$(root_of git)
    [ "$(cat $root/opt/repo/version)" = v2 ]
    [ "$(cat $root/opt/repo-v1/version)" = v1 ]
    [ "$(cat $root/opt/repo-side/version)" = side ]
    [ ! -e $root/opt/repo/.git ]
    [ "$(cat $root/etc/gitinstall)" = "installed from /tmp/.%2Frepo/tools" ]
    [ "$(cat $root/etc/version)" = "$(git -C repo describe)" ]
    # the bare clone is in vagga's cache; a new tag changes the description and so the version
    [ -d .vagga/.cache/git/.%2Frepo ]
    before=$("$VAGGA" _version_hash git)
    git -C repo tag -a v2 -m v2
    after=$("$VAGGA" _version_hash git)
    [ "$before" != "$after" ]
    run "$VAGGA" _build git
    assert_success
    [ "$(cat "$(root_of git)/etc/version")" = v2 ]
}

@test "a root whose /tmp links to a host directory: !TarInstall unpacks nothing there, the build is refused" {
    # the container would see the link inside its root, so vagga's host-side unpacking must too
    # (before: the host's directory got the archive, unpacked as root); the shim resolves its mount
    # points after its pivot, where the absolute link leads nowhere, so such a root cannot run
    host=$(mktemp -d /var/tmp/vagga-host-tmp.XXXXXX) # not under /tmp: the link would loop
    tree=$(mktemp -d "${BATS_TMPDIR:-/tmp}/linked-tmp.XXXXXX")
    tar -xzf busybox.tar.gz -C "$tree"
    ln -s "$host" "$tree/tmp"
    tar -czf linked-tmp.tar.gz -C "$tree" .
    rm -rf "$tree"
    cat >> vagga.yaml <<'EOF'
  linked-tmp:
    setup:
    - !Tar {url: ./linked-tmp.tar.gz}
    - !TarInstall {url: ./two-dirs.tar.gz, subdir: second, script: "cp payload /etc/tarinstall-payload"}
EOF
    run "$VAGGA" _build linked-tmp
    left=$(ls -A "$host"); rm -rf "$host"
    echo "left in the host's directory: $left"
    [ -z "$left" ]
    assert_failure 121
    assert_line 'vagga-init: mount point /tmp: No such file or directory'
    [ ! -e .vagga/linked-tmp ]
}

@test "!Git of a revision that does not exist names the step and git's message" {
    cat >> vagga.yaml <<'EOF'
  badrev:
    setup:
    - !Container busybox
    - !Git {url: ./repo, revision: no-such-rev, path: /opt/x}
EOF
    run "$VAGGA" _build badrev
    assert_failure 121
    assert_output --partial 'container "badrev": step 2 (!Git "./repo"): git archive no-such-rev exited with code 128: fatal: not a valid object name'
}

@test "!Build copies a part of another container and mounts it read-only for the rest of the build" {
    run "$VAGGA" _build build
    assert_success
    root=$(root_of build)
    [ "$(cat $root/srv/copied/artifact.txt)" = artifact ]
    [ "$(cat $root/etc/from-mount)" = artifact ]
    [ "$(cat $root/etc/mount-mode)" = read-only ]
    [ ! -e "$(root_of built-from)/out/x" ]
    # the source container's version is part of this one's
    before=$("$VAGGA" _version_hash build)
    sed -i 's/echo artifact/echo artifact2/' vagga.yaml
    [ "$before" != "$("$VAGGA" _version_hash build)" ]
}

@test "!Build content-hash: the copied files are the version, not the other container's definition" {
    run "$VAGGA" _build build-by-content
    assert_success
    [ "$(cat .vagga/build-by-content/srv/copied/artifact.txt)" = artifact ]
    # built-from is built again (its definition changed) with the same /out: nothing to rebuild here
    sed -i 's|echo artifact > /out/artifact.txt|echo artifact > /out/artifact.txt; echo x > /etc/x|' vagga.yaml
    run "$VAGGA" _build build-by-content
    assert_success
    assert_line --partial '[built-from] step 3/3'
    refute_line --partial '[build-by-content] step'
    # a different /out is a different version
    sed -i 's|echo artifact > /out/artifact.txt|echo artifact2 > /out/artifact.txt|' vagga.yaml
    run "$VAGGA" _build build-by-content
    assert_success
    assert_line --partial '[build-by-content] step 2/2'
    [ "$(cat .vagga/build-by-content/srv/copied/artifact.txt)" = artifact2 ]
}

@test "!RunAs runs its script as user-id/group-id with supplementary groups in work-dir, and without network when asked" {
    run "$VAGGA" _build runas
    assert_success
    root=$(root_of runas)
    run cat $root/out/ids
    assert_output --regexp '^uid=1(\(.*\))? gid=2(\(.*\))? groups=(2(\(.*\))?,)?3'
    [ "$(stat -c %u:%g $root/out/owned)" = 1:2 ]
    run grep -c : $root/out/net
    assert_output 1
    grep -q 'lo:' $root/out/net
}

@test "!RunAs external-user-id: user-id 1 is the container's root in a user namespace of its own, as vagga" {
    [ "$(id -u)" = 0 ] || skip "needs root (the project and the root belong to root, as the test checks)"
    run "$VAGGA" _build runas-external
    assert_success
    [ "$(cat .vagga/runas-external/etc/runas-uid)" = 1 ]
    [ "$(cat by-runas)" = written ]
    [ "$(stat -c %u by-runas)" = 0 ]
}

@test "!SubConfig runs a container's steps from another file, a container's generated file, a git repository" {
    run "$VAGGA" _build subconfig
    assert_success
    root=$(root_of subconfig)
    [ "$(cat $root/etc/sub)" = "from sub/vagga.yaml" ]
    [ "$(cat $root/etc/generated)" = "from a generated config" ]
    [ "$(cat $root/etc/fromgit)" = "from the repository" ]
    # the steps of sub/vagga.yaml are part of the version
    before=$("$VAGGA" _version_hash subconfig)
    sed -i 's/from sub/from the sub/' sub/vagga.yaml
    [ "$before" != "$("$VAGGA" _version_hash subconfig)" ]
}

@test "!SubConfig naming a container the file does not have fails naming both" {
    sed -i 's/container: sub}/container: nope}/' vagga.yaml
    run "$VAGGA" _build subconfig
    assert_failure 121
    assert_output --partial 'container "subconfig": step 2 (!SubConfig "nope"): container "nope" not found in sub/vagga.yaml'
}

@test "!SubConfig of a file that is missing: vagga's 'Error reading file' naming it, 121" {
    rm sub/vagga.yaml
    run "$VAGGA" _build subconfig
    assert_failure 121
    assert_output --partial '/work/sub/vagga.yaml: Error reading file: No such file or directory (os error 2)'
    refute_output --partial 'not found in'
}

@test "!CacheDirs keeps a directory in vagga's cache across rebuilds and leaves it empty in the image" {
    run "$VAGGA" _build cachedirs
    assert_success
    run "$VAGGA" _build --force cachedirs
    assert_success
    [ "$(cat .vagga/.cache/bats-cache/log | wc -l)" = 2 ]
    root=$(root_of cachedirs)
    [ "$(cat $root/etc/builds)" = 2 ]
    run ls -A $root/var/cache/shared
    assert_output ''
}

@test "a build killed with -9 in the middle of !TarInstall leaves no root and the next build works" {
    "$VAGGA" _build hanging > build.log 2>&1 3>&- &
    pid=$!
    for _ in $(seq 100); do [ -e started ] && break; sleep 0.1; done
    [ -e started ]
    kill -9 $pid
    wait $pid || true
    [ ! -e .vagga/hanging ]
    run sh -c 'ls .vagga/.roots | grep "^hanging\." || true'
    assert_output ''
    sed -i 's/sleep 60/true/' vagga.yaml
    rm started
    run "$VAGGA" _build hanging
    assert_success
    [ -L .vagga/hanging ]
}

@test "an unknown key of a declared step is a config error with its position" {
    cat >> vagga.yaml <<'EOF'
  typo:
    setup:
    - !Git {url: ./repo, pth: /opt/x}
EOF
    run "$VAGGA" _build typo
    assert_failure 126
    assert_output --partial 'unknown key "pth", did you mean "path"? (expected one of: branch, path, revision, url)'
    assert_output --partial 'missing required key "path"'
}
