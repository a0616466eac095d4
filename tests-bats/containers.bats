#!/usr/bin/env bats
# Containers built from local steps (busybox tarball made here), rebuilds, failures, volumes, _clean.

load helpers

setup() {
    project containers
    busybox_tarball busybox.tar.gz
    mkdir -p data outside-target www
    printf '#!/bin/sh\necho tool-ran\n' > www/tool.sh
    ln -s "$(readlink -f outside-target)/../.." outside
    # !Download source: busybox httpd on a free port, written into vagga.yaml
    PORT=$(( 20000 + RANDOM % 20000 ))
    /bin/busybox httpd -f -p "127.0.0.1:$PORT" -h "$PWD/www" 3>&- &
    HTTPD=$!
    sed -i "s/PORT/$PORT/" vagga.yaml
}

teardown() {
    kill "$HTTPD" 2>/dev/null || true
    wait "$HTTPD" 2>/dev/null || true
    cleanup_project
}

no_temporaries() {
    run sh -c 'ls -a .vagga .vagga/.roots 2>/dev/null | grep "^\.tmp\." || true'
    assert_output ''
}

@test "_build runs every step in order and points .vagga/NAME at the root" {
    run "$VAGGA" _build app
    assert_success
    assert_line --partial '[base] step 1/3: !Tar "./busybox.tar.gz"'
    assert_line --partial '[base] step 3/3: !Sh "echo $GREETING from the build > /etc/gre..."'
    assert_line --partial '[app] step 1/13: !Container "base"'
    assert_line --partial '[app] step 13/13: !Remove "/var/cache/junk"'
    hash=$("$VAGGA" _version_hash --short app)
    [ "$(readlink .vagga/app)" = ".roots/app.$hash/root" ]
    root=.vagga/.roots/app.$hash/root
    [ "$(cat $root/etc/greeting)" = "hello from the build" ]
    [ "$(cat $root/etc/app.conf)" = "port=8080" ]
    [ "$(cat $root/app/app.py)" = "print('app source')" ]
    [ "$(cat $root/etc/deps)" = "deps v1" ]
    [ -x $root/usr/bin/tool ]
    [ -d $root/var/lib/app ]
    [ ! -e $root/var/cache/junk ]
    [ -L .vagga/base ]
    no_temporaries
}

@test "_version_hash prints the full hash and its 8-digit prefix" {
    run "$VAGGA" _version_hash app
    assert_success
    [[ "$output" =~ ^[0-9a-f]{64}$ ]]
    full=$output
    run "$VAGGA" _version_hash --short app
    assert_success
    assert_output "${full:0:8}"
}

@test "an unchanged container is reused; a changed input rebuilds it" {
    # vagga's plain rebuild: the previous root stays until _clean --old. No saved steps here: a
    # rebuild from a saved step recycles the unused previous root instead (steps.bats), and whether
    # a step took the second that makes it worth saving depends on the machine's load.
    printf 'saved-steps: 0\n' > .vagga.settings.yaml
    "$VAGGA" _build app 2>/dev/null
    first=$(readlink .vagga/app)
    run "$VAGGA" _build app
    assert_success
    refute_output --partial 'step'
    echo "deps v2" > deps.txt
    run "$VAGGA" _build app
    assert_success
    assert_line --partial '[app] step 1/13'
    assert_line --partial '[app] step 9/13: !Depends'
    second=$(readlink .vagga/app)
    [ "$first" != "$second" ]
    [ "$(cat .vagga/app/etc/deps)" = "deps v2" ]
    [ -d ".vagga/$first" ]
    run "$VAGGA" _clean --old
    assert_success
    [ ! -e ".vagga/$first" ]
    [ -d ".vagga/$second" ]
}

@test "a failed step names the step and leaves no root behind" {
    run "$VAGGA" _build broken
    assert_failure 121
    assert_line 'about to fail'
    assert_line 'container "broken": step 2 (!Sh "echo about to fail; exit 3"): exited with code 3'
    [ ! -e .vagga/broken ]
    run sh -c 'ls .vagga/.roots | grep "^broken" || true'
    assert_output ''
    no_temporaries
}

@test "a build killed with -9 leaves no root; the next build removes its leftovers" {
    "$VAGGA" _build base 2>/dev/null
    "$VAGGA" _build slow > slow.log 2>&1 3>&- &
    pid=$!
    wait_file slow-started
    [ -n "$(marked_pids containers-slow-build)" ]
    kill -9 "$pid"
    wait_exit "$pid"
    assert_equal "$STATUS" 137
    wait_gone containers-slow-build
    [ ! -e .vagga/slow ]
    run sh -c 'ls -a .vagga/.roots | grep -c "^\.tmp\.slow\." || true'
    assert_output '1'
    run "$VAGGA" _build base
    assert_success
    no_temporaries
}

@test "concurrent builds of one project wait for each other and make one root" {
    # with build-lock-wait: true; vagga's default (false) aborts the second build: buildlock.bats
    printf 'build-lock-wait: true\n' > .vagga.settings.yaml
    "$VAGGA" _build app > one.log 2>&1 3>&- &
    one=$!
    "$VAGGA" _build app > two.log 2>&1 3>&- &
    two=$!
    wait_exit "$one" 120
    assert_equal "$STATUS" 0
    wait_exit "$two" 120
    assert_equal "$STATUS" 0
    run sh -c 'ls .vagga/.roots | grep -c "^app\."'
    assert_output '1'
    [ "$(cat .vagga/app/etc/deps)" = "deps v1" ]
    no_temporaries
}

@test "a step that cannot be built and !Container cycles fail with a clear message" {
    run "$VAGGA" _build ubuntu
    assert_failure 121
    assert_output --partial 'container "ubuntu": step 1 (!UbuntuRelease "jammy"): cannot download http://127.0.0.1:1/'
    assert_output --partial 'connection refused'
    # a cycle is caught by the config loader already: a config error
    cd cycle
    run "$VAGGA" _build cycle-a
    assert_failure 126
    assert_output --partial 'cyclic dependency'
}

@test "_run sees the container's files, environment and every volume kind" {
    run "$VAGGA" _run app /bin/sh -c '
        echo "greeting=$(cat /etc/greeting) mode=$APP_MODE cwd=$(pwd)"
        echo "tmpfs=$(cat /tmp/hello.txt) sub=$(stat -c %a /tmp/sub)"
        echo "srv=$(cat /srv/index.html)"
        touch /srv/x 2>/dev/null && echo srv-writable || echo srv-read-only
        echo via-bind > /data/out
        echo persisted > /var/lib/app/p
        echo cached > /cache/c
        echo "empty=[$(ls -A /empty)]"
        touch /empty/x 2>/dev/null && echo empty-writable || echo empty-read-only
        touch /etc/x 2>/dev/null && echo root-writable || echo root-read-only
        tool'
    assert_success
    assert_line 'greeting=hello from the build mode=test cwd=/work'
    assert_line 'tmpfs=hi from tmpfs sub=700'
    assert_line 'srv=static file'
    assert_line 'srv-read-only'
    assert_line 'empty=[]'
    assert_line 'empty-read-only'
    assert_line 'root-read-only'
    assert_line 'tool-ran'
    [ "$(cat data/out)" = "via-bind" ]
    [ "$(cat .vagga/.volumes/appdata/p)" = "persisted" ]
    [ "$(cat .vagga/.cache/c1/c)" = "cached" ]
    run "$VAGGA" _run app /bin/sh -c 'cat /var/lib/app/p; exit 7'
    assert_failure 7
    assert_output 'persisted'
}

@test "a bind volume escaping the project is refused, with .. or through a symlink" {
    run "$VAGGA" _run escaping true
    assert_failure 121
    assert_line 'volume "/data" (!BindRW "/work/../../etc", vagga.yaml:47:14): "/work/../../etc" is outside the project directory'
    run "$VAGGA" _run symlinked true
    assert_failure 121
    assert_line --partial 'volume "/data" (!BindRW "/work/outside", vagga.yaml:'
    assert_output --partial 'leads outside the project directory'
    assert_output --partial 'through a symlink'
}

@test "unprivileged: a user builds and runs the container in a user namespace" {
    [ "$(id -u)" = 0 ] || skip "needs root to switch to the user nobody"
    runuser -u nobody -- test -x "$VAGGA" || skip "nobody cannot execute $VAGGA"
    chown -R nobody:nogroup "$PROJECT"
    run runuser -u nobody -- "$VAGGA" _build app
    assert_success
    assert_line --partial '[app] step 13/13'
    run runuser -u nobody -- "$VAGGA" _run app /bin/sh -c '
        echo "id=$(id -u) greeting=$(cat /etc/greeting)"
        echo from-nobody > /data/out; echo p > /var/lib/app/p; cat /tmp/hello.txt; echo'
    assert_success
    assert_line 'id=0 greeting=hello from the build'
    assert_line 'hi from tmpfs'
    [ "$(stat -c %U data/out .vagga/.volumes/appdata/p | sort -u)" = nobody ]
}

@test "two children of one supervise meet through a !Persistent volume" {
    run "$VAGGA" meet
    assert_success
    assert_line 'written-by-writer'
}

@test "!Snapshot: each child of a supervise writes its own copy of the image's directory" {
    "$VAGGA" _build snapped 2>/dev/null
    local before
    before=$(mounts)
    run "$VAGGA" snapshots
    assert_success
    assert_line 'first before: seeded in the image deep'
    assert_line 'first after: changed-by-first link new.txt seed.txt sub '
    assert_line 'first: root read-only'
    assert_line 'second: seeded in the image link seed.txt sub '
    [ -e first-done ]
    [ "$(cat .vagga/snapped/var/lib/seed/seed.txt)" = "seeded in the image" ]
    [ ! -e .vagga/snapped/var/lib/seed/new.txt ]
    [ "$(mounts)" = "$before" ]
}

@test "supervise in built containers: ids, transient copy, PATH lookup, environ, work-dir, default-shell, !Container volume" {
    run "$VAGGA" features --exclude needs_ubuntu shellcheck
    assert_success
    assert_line "ids: 1000 1001 1001 2000 2001"
    assert_line "transient: changed"
    assert_line "greet-ran"
    assert_line "env: container command /work/data"
    # a !Container volume shows that container's root, read-only
    assert_line "containervol: #!/bin/sh ro"
    # !Snapshot {container: tools} at /etc: a private writable copy of tools's /etc (not app's, not the whole root)
    assert_line "snapfrom: hello from the build tools-only writable"
    [ ! -e .vagga/tools/etc/new ]
    # the transient copy is gone and the image is unchanged
    assert_equal "$(cat .vagga/tools/etc/greeting)" "hello from the build"
    run sh -c 'ls -A .vagga/.transient 2>/dev/null'
    assert_output ''
    # default-shell: the container's shell runs the string
    run "$VAGGA" features --only shellcheck
    assert_equal "$status" 1
    refute_output --partial "not reached"
}

@test "only the selected children's containers are built; --containers-only builds and exits" {
    run "$VAGGA" features --only needs_ubuntu
    assert_equal "$status" 121
    assert_output --partial 'container "ubuntu": step 1 (!UbuntuRelease "jammy"): cannot download'
    rm -rf .vagga
    run "$VAGGA" --containers-only features --exclude needs_ubuntu
    assert_success
    refute_output --partial "ids:"
    [ -d .vagga/tools/opt/tools ]
}

@test "a transient copy: a file written in place changes the image (as in vagga)" {
    "$VAGGA" _build tools 2>/dev/null
    run "$VAGGA" inplace
    assert_success
    assert_equal "$(cat .vagga/tools/etc/greeting)" "hello from the build
written in place"
    run sh -c 'ls -A .vagga/.transient 2>/dev/null'
    assert_output ''
}

@test "_clean --transient removes a transient copy a kill -9 left behind" {
    "$VAGGA" _build tools 2>/dev/null
    "$VAGGA" transient-sleep > out 2>&1 3>&- &
    pid=$!
    wait_file transient-up 30
    kill -9 "$pid"
    wait_exit "$pid"
    wait_gone containers-transient-sleep
    run sh -c 'ls -A .vagga/.transient | wc -l'
    assert_output 1
    run "$VAGGA" _clean --transient
    assert_success
    run sh -c 'ls -A .vagga/.transient 2>/dev/null | wc -l'
    assert_output 0
    # the image itself stays
    assert_equal "$(cat .vagga/tools/etc/greeting)" "hello from the build"
}

@test "_build --force rebuilds an unchanged container; without it the root is reused" {
    run "$VAGGA" _build stamped
    assert_success
    first=$(cat .vagga/stamped/etc/build-id)
    run "$VAGGA" _build stamped
    assert_success
    assert_equal "$(cat .vagga/stamped/etc/build-id)" "$first"
    run "$VAGGA" _build --force stamped
    assert_success
    refute [ "$(cat .vagga/stamped/etc/build-id)" = "$first" ]
    [ -s .vagga/stamped/etc/build-id ]
    no_temporaries
}

@test "resolv-conf-path: the host's resolv.conf is copied to that path, in its !Tmpfs volume" {
    [ -r /etc/resolv.conf ] || skip "the host has no readable /etc/resolv.conf"
    mkdir -p moved/etc moved/state
    ln -s /state/resolv.conf moved/etc/resolv.conf
    tar -czf moved-resolv.tar.gz -C moved .
    run "$VAGGA" _build moved-resolv
    assert_success
    run "$VAGGA" _run moved-resolv cat /state/resolv.conf
    assert_success
    assert_output "$(cat /etc/resolv.conf)"
    run "$VAGGA" _run moved-resolv cat /etc/resolv.conf
    assert_success
    assert_output "$(cat /etc/resolv.conf)"
}

@test "one start with several built containers checks each one's version: a changed input rebuilds the containers that copy it" {
    cat > vagga.yaml <<'YAML'
containers:
  a: {setup: [!Tar {url: ./busybox.tar.gz}, !Copy {source: /work/shared, path: /shared}]}
  b: {setup: [!Tar {url: ./busybox.tar.gz}, !Copy {source: /work/shared, path: /shared}, !Text {/b: b}]}
  c: {setup: [!Tar {url: ./busybox.tar.gz}, !Copy {source: /work/own, path: /own}]}
commands:
  all: !Supervise
    mode: wait-all-successful
    children:
      a: !Command {container: a, run: [cat, /shared/f]}
      b: !Command {container: b, run: [cat, /shared/f]}
      c: !Command {container: c, run: [cat, /own/f]}
YAML
    mkdir shared own
    echo v1 > shared/f
    echo own1 > own/f
    run "$VAGGA" all
    assert_success
    [ "$(grep -c '^v1$' <<< "$output")" = 2 ]
    a=$(readlink .vagga/a) b=$(readlink .vagga/b) c=$(readlink .vagga/c)
    run "$VAGGA" all
    assert_success
    refute_output --partial 'step'
    echo v2 > shared/f
    run "$VAGGA" all
    assert_success
    [ "$(grep -c '^v2$' <<< "$output")" = 2 ]
    assert_line own1
    [ "$(readlink .vagga/a)" != "$a" ]
    [ "$(readlink .vagga/b)" != "$b" ]
    [ "$(readlink .vagga/c)" = "$c" ]
}
