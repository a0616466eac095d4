#!/usr/bin/env bats
# Hardening (issue 12): what a hostile child plants under the project is never followed by a later run.

load helpers

setup_file() {
    # a static busybox root, made once for the file
    local tree=$BATS_FILE_TMPDIR/tree
    mkdir -p "$tree/bin" "$tree/etc"
    cp /bin/busybox "$tree/bin/busybox"
    for tool in sh echo cat rm ln mv cp ls touch sleep pwd; do ln -s /bin/busybox "$tree/bin/$tool"; done
    tar -czf "$BATS_FILE_TMPDIR/busybox.tar.gz" -C "$tree" .
}

setup() {
    project hardening
    cp "$BATS_FILE_TMPDIR/busybox.tar.gz" .
    VICTIM=$(mktemp -d "${BATS_TMPDIR:-/tmp}/vagga-victim.XXXXXX")
    echo "$VICTIM" > victim-path
}

teardown() {
    rm -rf "$VICTIM"
    cleanup_project
}

# Nothing of the run was written outside the project.
victim_untouched() {
    run find "$VICTIM" -mindepth 1 -newer victim-path -name escape
    assert_output ''
    run find "$VICTIM" -mindepth 1 -maxdepth 1 -name pv -o -mindepth 1 -maxdepth 1 -name cc
    assert_output ''
}

@test "a symlink a child planted at .vagga/.volumes/NAME is not followed (vagga plant; vagga use)" {
    run "$VAGGA" plant
    assert_success
    [ -L .vagga/.volumes/pv ]
    run "$VAGGA" use
    assert_failure 121
    assert_output --partial "volume \"/data\" (!Persistent \"pv\", vagga.yaml:"
    assert_output --partial "$PROJECT/.vagga/.volumes/pv: is a symlink (vagga does not follow symlinks under the project"
    refute_output --partial used
    victim_untouched
    # once the link is gone, the volume is vagga's own again
    rm .vagga/.volumes/pv
    run "$VAGGA" use
    assert_success
    assert_line used
    [ -f .vagga/.volumes/pv/escape ]
}

@test "a symlinked .vagga/.volumes, .vagga/.cache/NAME or .vagga is not followed" {
    run "$VAGGA" plant-volumes
    assert_success
    run "$VAGGA" use
    assert_failure 121
    assert_output --partial "$PROJECT/.vagga/.volumes: is a symlink"
    victim_untouched
    rm .vagga/.volumes

    run "$VAGGA" plant-cache
    assert_success
    run "$VAGGA" use
    assert_failure 121
    assert_output --partial "volume \"/cache\" (!CacheDir \"cc\", vagga.yaml:"
    assert_output --partial "$PROJECT/.vagga/.cache/cc: is a symlink"
    victim_untouched
    rm .vagga/.cache/cc

    run "$VAGGA" plant-vagga
    assert_success
    [ -L .vagga ]
    run "$VAGGA" use
    assert_failure 121
    assert_output --partial "$PROJECT/.vagga: is a symlink"
    victim_untouched
    run ls -A "$VICTIM"
    assert_output ''
}

@test "a container root a child replaced by a symlink is not used" {
    run "$VAGGA" plant-root
    assert_success
    run sh -c 'ls -d .vagga/.roots/bb.*'
    [ -L "$output" ]
    # the link leads to a root that looks finished (as a hostile user on the host could arrange)
    cp -a moved-root/. "$VICTIM/"
    run "$VAGGA" use
    assert_failure 124
    assert_output --regexp "vagga-init: --root $PROJECT/.vagga/.roots/bb\.[0-9a-f]+/root: a symlink under the project \(not followed"
    refute_output --partial used
    run find "$VICTIM" -name escape
    assert_output ''
}

@test "as an ordinary user too: a planted .vagga/.volumes/NAME link is not followed" {
    id vaggaids > /dev/null 2>&1 || useradd -m vaggaids || skip "cannot create the test user vaggaids"
    [ -x /usr/bin/newuidmap ] || skip "newuidmap is not installed (Debian package uidmap)"
    chmod -R a+rwX "$PROJECT"
    chmod 777 "$VICTIM"
    run runuser -u vaggaids -- "$VAGGA" plant
    assert_success
    [ -L .vagga/.volumes/pv ]
    run runuser -u vaggaids -- "$VAGGA" use
    assert_failure 121
    assert_output --partial "$PROJECT/.vagga/.volumes/pv: is a symlink"
    victim_untouched
}

@test "_build --force leaves a root in use alone; it is removed once nothing uses it" {
    run "$VAGGA" _build bb
    assert_success
    "$VAGGA" long > long.out 2>&1 3>&- &
    local pid=$!
    wait_for long.state started
    run "$VAGGA" _build --force bb
    assert_success
    touch long.go
    wait_for long.state done
    wait "$pid"
    run cat long.state
    assert_line /bin/sh
    refute_output --partial "No such file"
    # kept while the run used it, removed by the next clean
    run sh -c 'ls -A .vagga/.roots | grep -c "^\.old\.bb\."'
    assert_output 1
    run "$VAGGA" _clean --old
    assert_success
    run sh -c 'ls -A .vagga/.roots | grep "^\.old\." || true'
    assert_output ''
    # nothing uses it: a forced rebuild removes the old root at once
    run "$VAGGA" _build --force bb
    assert_success
    run sh -c 'ls -A .vagga/.roots | grep "^\.old\." || true'
    assert_output ''
}

@test "!Tar device nodes and setuid files: the roots are not reachable by other local users" {
    [ "$(id -u)" = 0 ] || skip "needs root to make a device node"
    id vaggaids > /dev/null 2>&1 || useradd -m vaggaids || skip "cannot create the test user vaggaids"
    local tree=$BATS_TEST_TMPDIR/tree
    mkdir -p "$tree"
    tar -xzf busybox.tar.gz -C "$tree"
    mknod -m 666 "$tree/mydisk" b 7 0
    cp /bin/busybox "$tree/suidsh" && chmod 4755 "$tree/suidsh"
    tar -czf busybox.tar.gz -C "$tree" .
    run "$VAGGA" _build bb
    assert_success
    [ -b .vagga/bb/mydisk ] && [ -u .vagga/bb/suidsh ]
    assert_equal "$(stat -c %a .vagga/.roots)" 700
    run runuser -u vaggaids -- stat .vagga/bb/suidsh
    assert_failure
    assert_output --partial "Permission denied"
    # a project built by an older vagga: made private at the next build
    chmod 755 .vagga/.roots
    run "$VAGGA" _build bb
    assert_success
    assert_equal "$(stat -c %a .vagga/.roots)" 700
}

@test "/dev/shm is a tmpfs of each container's own: not shared with the host or other children" {
    local mark=shm-$$-$RANDOM
    run "$VAGGA" -E MARK=$mark shm
    assert_success
    assert_line "vagga-shm-$mark"
    assert_line --partial "/dev/shm/vagga-shm-$mark: No such file or directory"
    [ ! -e "/dev/shm/vagga-shm-$mark" ]
}

@test "a work-dir leading out of /work is a config error with its place" {
    printf '%s\n' 'containers: {bb: {setup: [!Tar {url: ./busybox.tar.gz}]}}' 'commands:' \
        '  workdir: !Command {container: bb, run: [pwd], work-dir: ../../etc}' > vagga.yaml
    run "$VAGGA" workdir
    assert_failure 126
    assert_output --regexp '^vagga.yaml:3:59: work-dir "\.\./\.\./etc" leads out of the project: it must stay under /work$'
}

@test "SIGUSR2 and SIGPIPE sent to vagga kill it and every child, as other unhandled signals do" {
    printf '%s\n' 'containers: {host: {setup: [!HostRoot]}}' 'commands:' '  s: !Supervise' '    children:' \
        '      a: !Command {container: host, run: "echo up > /work/up; exec sleep 60"}' > vagga.yaml
    local sig code mark pid
    for sig in USR2 PIPE; do
        mark=usr2pipe-$$-$RANDOM
        rm -f up
        env --default-signal "$VAGGA" -E MARK=$mark s > out 2>&1 3>&- &
        pid=$!
        wait_for up '^up$'
        kill -$sig "$pid"
        wait_exit "$pid" 20 || { cat out; false; }
        case $sig in USR2) code=140 ;; PIPE) code=141 ;; esac
        assert_equal "$STATUS" "$code"
        run cat out
        refute_output --partial "stray"
        wait_gone "$mark" 50
    done
}

@test "a write of vagga's own to a closed pipe is no signal from outside: the run goes on" {
    printf '%s\n' 'containers: {host: {setup: [!HostRoot]}}' 'commands:' '  s: !Supervise' '    children:' \
        '      a: !Command {container: host, run: "for i in 1 2 3 4 5 6 7 8; do echo line $i; done; exit 3"}' > vagga.yaml
    # vagga's stdout is a pipe nobody reads (its read end closed before vagga starts): every prefixed
    # line vagga writes fails with EPIPE and raises SIGPIPE in vagga itself
    run python3 -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run(sys.argv[1:], stdout=w, stderr=subprocess.PIPE, timeout=60)
os.close(w)
sys.stderr.write(p.stderr.decode())
print("returncode", p.returncode)' "$VAGGA" --prefix s
    # the child's own code, not a death by SIGPIPE (-13)
    assert_line "returncode 3"
}

# wait_jvm PID: bounded polling until the launcher has exec'd the JVM in PID (default 10 s): a
# signal sent then is surely before vagga's handlers, which take the JVM a few hundred ms.
wait_jvm() {
    local end=$((SECONDS + ${2:-10}))
    until [ "$(cat "/proc/$1/comm" 2>/dev/null)" = java ]; do
        ((SECONDS < end)) || { echo "pid $1 is not the JVM after ${2:-10} s" >&2; return 1; }
        sleep 0.01
    done
}

@test "a signal as the JVM starts, with SIGINT ignored by the caller (cmd &), still stops the run" {
    printf '%s\n' 'containers: {host: {setup: [!HostRoot]}}' 'commands:' '  s: !Supervise' '    children:' \
        '      a: !Command {container: host, run: "exec sleep 60"}' > vagga.yaml
    local sig code pid mark
    for sig in INT INT INT TERM QUIT; do
        mark=early-$$-$RANDOM
        # as a non-interactive shell starts `vagga s &`: SIGINT and SIGQUIT ignored
        (trap '' INT QUIT; exec "$VAGGA" -E MARK=$mark s) > out 2>&1 3>&- &
        pid=$!
        wait_jvm "$pid"
        kill -$sig "$pid"
        wait_exit "$pid" 20 || { cat out; false; }
        case $sig in INT) code=130 ;; TERM) code=143 ;; QUIT) code=131 ;; esac
        assert_equal "$STATUS" "$code"
        run cat out
        assert_line --regexp "^Received SIG$sig signal\. +Waiting the processes to stop\.\.\.$"
        wait_gone "$mark" 50
    done
}

@test "a SIGINT as the JVM starts, before a container build, ends vagga (SIGINT ignored by the caller)" {
    printf '%s\n' 'containers:' '  bb: {setup: [!Tar {url: ./busybox.tar.gz}, !Sh "touch /built"]}' 'commands:' \
        '  c: !Command {container: bb, run: "exec sleep 60"}' > vagga.yaml
    (trap '' INT QUIT; exec "$VAGGA" c) > out 2>&1 3>&- &
    local pid=$!
    wait_jvm "$pid"
    kill -INT "$pid"
    wait_exit "$pid" 20 || { cat out; false; }
    # killed by the signal it was sent (the shell's 128+2), before any child ran
    run cat out
    assert_equal "$STATUS" 130
    refute_output --partial "sleep"
}

@test "_build dies of a SIGINT during a build step, as before (the signals are not left blocked)" {
    printf '%s\n' 'containers:' '  bb: {setup: [!Tar {url: ./busybox.tar.gz}, !Sh "touch /started; sleep 60"]}' > vagga.yaml
    "$VAGGA" _build bb > out 2>&1 3>&- &
    local pid=$!
    local end=$((SECONDS + 30))
    until compgen -G '.vagga/.roots/*/root/started' > /dev/null || compgen -G '.vagga/.roots/.tmp*/root/started' > /dev/null \
        || [ -n "$(find .vagga -name started 2>/dev/null | head -1)" ]; do
        ((SECONDS < end)) || { cat out; fail "the step did not start"; }
        sleep 0.1
    done
    kill -INT "$pid"
    wait_exit "$pid" 15 || { cat out; false; }
    assert_equal "$STATUS" 130
}

# many_children FILE N MODE FIRST REST: a supervise `many` of N children c0000... in MODE, the first
# running FIRST, the others REST.
many_children() {
    local i
    {
        printf '%s\n' 'containers: {host: {setup: [!HostRoot]}}' 'commands:' '  many: !Supervise' "    mode: $3" '    children:'
        printf '      c0000: !Command {container: host, run: "%s"}\n' "$4"
        for ((i = 1; i < $2; i++)); do
            printf '      c%04d: !Command {container: host, run: "%s"}\n' "$i" "$5"
        done
    } > "$1"
}

@test "stop-on-failure acts on the first exit while children are still being started (2000 children)" {
    many_children vagga.yaml 2000 stop-on-failure 'exit 3' 'exec sleep 60'
    local mark=many-$$-$RANDOM
    env --default-signal "$VAGGA" -E MARK=$mark --no-summary --report report.json many > out 2>&1 3>&- &
    local pid=$!
    wait_exit "$pid" 150 || { tail -5 out; false; }
    assert_equal "$STATUS" 3
    run grep -c '"never_started": "the run ended while the children were starting"' report.json
    # not all 1999 others were started before the exit was seen
    [ "$output" -gt 0 ] || { grep -c '"pid": [1-9]' report.json; fail "every child was started before c0000's exit ended the run"; }
    wait_gone "$mark" 100
}

@test "RLIMIT_NOFILE is raised up front to what the children need (root)" {
    local eff
    eff=$(awk '/^CapEff:/ {print $2}' /proc/self/status)
    (( (0x$eff >> 24) & 1 )) || skip "raising the hard limit needs CAP_SYS_RESOURCE (this machine's root has none)"
    many_children vagga.yaml 150 stop-on-failure 'touch /work/up.$VAGGA_SUBCOMMAND; exec sleep 60' \
        'touch /work/up.$VAGGA_SUBCOMMAND; exec sleep 60'
    local mark=nofile-$$-$RANDOM
    # 150 children hold 450 fds in the supervisor at once
    (ulimit -n 256; exec env --default-signal "$VAGGA" -E MARK=$mark many) > out 2>&1 3>&- &
    local pid=$! end=$((SECONDS + 120))
    until [ "$(compgen -G 'up.*' | wc -l)" = 150 ]; do
        alive "$pid" && ((SECONDS < end)) || { cat out; fail "not all 150 children started"; }
        sleep 0.2
    done
    kill -TERM "$pid"
    wait_exit "$pid" 60
    assert_equal "$STATUS" 143
    wait_gone "$mark" 100
}

@test "a limit of open files that cannot be raised: one clear error up front, nothing started (127)" {
    [ "$(id -u)" = 0 ] || skip "needs root to drop CAP_SYS_RESOURCE with setpriv"
    command -v setpriv > /dev/null || skip "no setpriv"
    many_children vagga.yaml 100 stop-on-failure 'touch /work/up.$VAGGA_SUBCOMMAND; exec sleep 60' \
        'touch /work/up.$VAGGA_SUBCOMMAND; exec sleep 60'
    run -127 bash -c 'ulimit -n 160; exec setpriv --inh-caps -sys_resource --bounding-set -sys_resource -- "$VAGGA" many'
    assert_line --regexp '^vagga: 100 children need about [0-9]+ open files, more than the limit of 160 \(ulimit -Hn\): nothing started$'
    assert_line --partial "hint: raise the hard limit"
    [ -z "$(compgen -G 'up.*')" ]
}

@test "!Copy of a container path (not the host's): an empty directory and a missing one say so" {
    printf '%s\n' 'containers:' '  bb: {setup: [!Tar {url: ./busybox.tar.gz}, !Copy {source: /etc, path: /etc2}]}' \
        '  gone: {setup: [!Tar {url: ./busybox.tar.gz}, !Copy {source: /no-such-dir, path: /x}]}' > vagga.yaml
    run "$VAGGA" _build bb
    assert_success
    assert_output --partial "!Copy: /etc is an empty directory of the container (a source outside /work is the container's path, not the host's): nothing to copy"
    run "$VAGGA" _build gone
    assert_failure 121
    assert_output --partial 'step 2 (!Copy "/no-such-dir" -> "/x"): source /no-such-dir does not exist in the container (a source outside /work is the container'"'"'s path, not the host'"'"'s)'
}

@test "a directory tree 1,900 levels deep under the project (a child can make one): a !Copy of it builds and starts, no stack overflow" {
    # vagga's JVM threads had 512 KiB of stack: hashing the !Copy input recursed ~500 bytes a level
    # and ended in "internal error: java.lang.StackOverflowError" (exit 121) from ~1,000 levels down
    printf '%s\n' 'containers:' '  bb: {setup: [!Tar {url: ./busybox.tar.gz}, !Copy {source: /work/src, path: /src}]}' \
        'commands:' '  deep: !Command {container: bb, run: "cd /src; ls"}' \
        '  plant: !Command {container: bb, run: "mkdir -p /work/src; cd /work/src; i=0; while [ $i -lt 1900 ]; do busybox mkdir a; cd a; i=$((i+1)); done; echo x > f"}' \
        > vagga.yaml
    mkdir src
    run "$VAGGA" _run bb sh -c :
    assert_success
    run "$VAGGA" plant
    assert_success
    run "$VAGGA" deep
    assert_success
    assert_line --index 2 'a' # after the rebuild's two step lines
    [ "$(find .vagga/bb/src -name f | wc -l)" = 1 ]
    run "$VAGGA" deep # a no-change start walks the tree again (the stat-keyed input store)
    assert_success
    refute_output --partial 'StackOverflow'
    rm -rf src/a # the tree gone again: rebuilt with an empty /src
    run "$VAGGA" deep
    assert_success
    [ -z "$(ls -A .vagga/bb/src)" ]
}

@test "a file name that is not UTF-8 in a !Copy source (a child can make one): the step says so, naming it" {
    printf '%s\n' 'containers:' '  bb: {setup: [!Tar {url: ./busybox.tar.gz}, !Copy {source: /work/src, path: /src}]}' > vagga.yaml
    mkdir src
    echo x > "src/$(printf 'bad\377name')"
    run "$VAGGA" _build bb
    assert_failure 121
    assert_output --partial "a file name that is not UTF-8 (vagga, a Java program, can only name files in UTF-8): rename it, or leave it out of the input"
    rm src/bad*
    echo y > "src/$(printf 'ok\357\277\275name')" # U+FFFD itself is a valid name
    run "$VAGGA" _build bb
    assert_success
}
