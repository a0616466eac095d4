#!/usr/bin/env bats
# The init shim alone (no JVM): exit statuses, signals, reaping, control pipe, mounts, setup and exec errors.

bats_require_minimum_version 1.5.0
load 'shim/helpers'

setup_file() {
    shim_build
}

setup() {
    shim_setup
}

teardown() {
    shim_teardown
}

@test "exit codes 0..255 pass through, with an 'exited N' status line" {
    local n rc
    for ((n = 0; n < 256; n++)); do
        rc=0
        shim_host -- sh -c 'exit $1' sh "$n" || rc=$?
        [[ $rc == "$n" ]] || fail "exit $n: shim exited $rc"
        [[ $(cat "$STATUS") == "exited $n" ]] || fail "exit $n: status '$(cat "$STATUS")'"
    done
}

@test "a command killed by signal N gives 128+N and 'signaled N'" {
    local n rc
    # STOP, TSTP, TTIN, TTOU, CONT, CHLD, URG and WINCH do not kill by default.
    for n in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 24 25 26 27 29 30 31; do
        rc=0
        shim_host -- sh -c 'ulimit -c 0; kill -$1 $$' sh "$n" || rc=$?
        [[ $rc == $((128 + n)) ]] || fail "signal $n: shim exited $rc"
        [[ $(cat "$STATUS") == "signaled $n" ]] || fail "signal $n: status '$(cat "$STATUS")'"
    done
}

@test "a core dump is reported as 'signaled N core'" {
    [[ $(cat /proc/sys/kernel/core_pattern) != '|'* ]] || skip "core_pattern pipes cores to a helper"
    run shim_host --cwd /tmp -- sh -c 'ulimit -c unlimited; kill -SEGV $$'
    assert_equal "$status" 139
    assert_equal "$(cat "$STATUS")" "signaled 11 core"
}

@test "the command is PID 2 and sees only its own namespace in /proc" {
    run shim_host -- sh -c 'echo "pid $$"; echo "init $(cat /proc/1/comm)"; ls /proc | grep -c "^[0-9]"'
    assert_success
    assert_line --index 0 "pid 2"
    assert_line --index 1 "init vagga-init"
    (( ${lines[2]} <= 4 )) || fail "expected few pids in /proc, got ${lines[2]}"
}

@test "orphans are reaped by the shim" {
    run shim_host -- sh /work/orphans.sh
    assert_success
    assert_output "reaped"
}

@test "SIGTERM sent to the shim reaches the command" {
    shim_host_bg -- sh /work/traps.sh
    wait_for_file "$PROJ/ready"
    kill -TERM "$SHIM_PID"
    shim_wait
    assert_equal "$SHIM_STATUS" 7
    assert_equal "$(cat "$STATUS")" "exited 7"
    assert_equal "$(cat "$PROJ/log")" "TERM"
}

@test "control 'p' signals the command process" {
    shim_host_bg -- sh /work/traps.sh
    wait_for_file "$PROJ/ready"
    control p 10
    wait_for_file "$PROJ/log"
    control p 15
    shim_wait
    assert_equal "$SHIM_STATUS" 7
    assert_equal "$(cat "$PROJ/log")" $'USR1\nTERM'
}

@test "control 'g' signals the command's process group" {
    shim_host_bg -- sh /work/group.sh
    wait_for_file "$PROJ/ready"
    control g 15
    shim_wait
    assert_equal "$SHIM_STATUS" 3
    assert_equal "$(cat "$STATUS")" "exited 3"
    assert_equal "$(sort "$PROJ/log")" $'child TERM\nmain TERM'
}

@test "EOF on the control pipe kills everything in the namespace, daemons and TERM-ignorers too" {
    shim_host_bg -- sh /work/daemons.sh
    wait_for_file "$PROJ/ready"
    local ns
    ns=$(cat "$PROJ/ns")
    # shim, command, daemon, TERM-ignorer and their sleeps: the scan must see them before it sees none.
    (( $(live_in_namespace "$ns" | wc -l) >= 4 )) || fail "scan found only: $(live_in_namespace "$ns")"
    exec {CONTROL}>&-
    shim_wait
    assert_equal "$SHIM_STATUS" 137
    assert_equal "$(cat "$STATUS")" "signaled 9"
    assert_equal "$(live_in_namespace "$ns")" ""
}

@test "--root of a missing directory is a setup error: 124, one line, setup-failed" {
    run shim --root "$BATS_TEST_TMPDIR/nope" --project "$PROJ" -- true
    assert_equal "$status" 124
    assert_output "vagga-init: --root $BATS_TEST_TMPDIR/nope: No such file or directory"
    assert_equal "$(cat "$STATUS")" "setup-failed"
}

@test "a missing --cwd is a setup error" {
    run shim_host --cwd /work/nope -- true
    assert_equal "$status" 124
    assert_output "vagga-init: chdir --cwd /work/nope: No such file or directory"
    assert_equal "$(cat "$STATUS")" "setup-failed"
}

@test "a missing volume mount point is a setup error" {
    run shim_host --bind "$PROJ" /work/nope -- true
    assert_equal "$status" 124
    assert_output "vagga-init: mount point /work/nope: No such file or directory"
}

@test "a command that is not found exits 127 with exec-failed 2" {
    run -127 shim_host -- /no/such/program
    assert_equal "$status" 127
    assert_output "vagga-init: /no/such/program: No such file or directory"
    assert_equal "$(cat "$STATUS")" "exec-failed 2"

    run -127 shim_host -- no-such-program-in-path
    assert_equal "$status" 127
    assert_equal "$(cat "$STATUS")" "exec-failed 2"
}

@test "a command that is not executable exits 126 with exec-failed 13" {
    echo 'echo hi' > "$PROJ/plain"
    chmod 644 "$PROJ/plain"
    run shim_host -- /work/plain
    assert_equal "$status" 126
    assert_output "vagga-init: /work/plain: Permission denied"
    assert_equal "$(cat "$STATUS")" "exec-failed 13"
}

@test "the command is found in the PATH of its own environment" {
    mkdir -p "$PROJ/bin"
    printf '#!/bin/sh\necho found-in-work-bin\n' > "$PROJ/bin/vagga-test-tool"
    chmod +x "$PROJ/bin/vagga-test-tool"
    PATH=/work/bin:/usr/bin:/bin run shim_host -- vagga-test-tool
    assert_success
    assert_output "found-in-work-bin"
}

@test "host root: / read-only, fresh 1777 tmpfs /tmp, /work the project read-write, cwd /work" {
    echo host-file > "$PROJ/existing"
    run shim_host -- sh -c '
        pwd
        touch /newfile 2>/dev/null && echo "root writable"
        touch /usr/newfile 2>/dev/null && echo "usr writable"
        stat -c "tmp %a" /tmp; stat -f -c "tmpfs %T" /tmp; ls -A /tmp | wc -l
        df -k /tmp | awk "NR==2 {print \"size \" \$2}"
        cat /work/existing; echo from-container > /work/created
        test -L /bin && echo "bin is a symlink"'
    assert_success
    assert_output "/work
tmp 1777
tmpfs tmpfs
0
size 102400
host-file
$( [[ -L /bin ]] && echo 'bin is a symlink')"
    assert_equal "$(cat "$PROJ/created")" from-container
}

@test "--root with a busybox root: PATH search, read-only root, --hosts, --root-rw" {
    local root=$BATS_TEST_TMPDIR/root
    mkdir -p "$root"/{bin,proc,dev,tmp,run,work,etc}
    cp /bin/busybox "$root/bin/"
    for tool in sh ls cat touch echo; do ln -s busybox "$root/bin/$tool"; done
    echo "root's own hosts" > "$root/etc/hosts"
    echo "127.0.0.1 from-host" > "$BATS_TEST_TMPDIR/hosts"

    PATH=/bin run shim --root "$root" --project "$PROJ" --hosts "$BATS_TEST_TMPDIR/hosts" -- \
        sh -c 'ls /bin | tr "\n" " "; echo; cat /etc/hosts; touch /x 2>/dev/null || echo read-only'
    assert_success
    assert_output "busybox cat echo ls sh touch 
127.0.0.1 from-host
read-only"
    assert_equal "$(cat "$root/etc/hosts")" "root's own hosts"

    PATH=/bin run shim --root "$root" --root-rw --project "$PROJ" -- sh -c 'touch /made-inside'
    assert_success
    [[ -e $root/made-inside ]] || fail "--root-rw did not write through"
}

@test "--stage: the root assembled on a host directory of a private namespace; binds holding the stage do not show it" {
    local root=$BATS_TEST_TMPDIR/root stage=$PROJ/lib/stage before
    mkdir -p "$root"/{bin,proc,dev,tmp,run,work,etc,vb} "$stage"
    cp /bin/busybox "$root/bin/"
    for tool in sh ls cat touch wc grep find cut; do ln -s busybox "$root/bin/$tool"; done
    before=$(own_mounts "$BATS_TEST_TMPDIR")
    # unshare's default propagation (private) stands in for the supervisor's private namespace;
    # the project holds the stage, as when vagga runs on its own source tree
    PATH=/bin run unshare --pid --fork --mount "$VAGGA_INIT" --status-fd 5 --control-fd 6 \
        --root "$root" --stage "$stage" --project "$PROJ" --bind-ro "$PROJ/lib" /vb -- \
        sh -c 'ls /bin | wc -l; touch /x 2>/dev/null || echo read-only
               find /work/lib/stage /vb/stage -mindepth 1 | wc -l; cut -d" " -f5 /proc/self/mountinfo | grep -cx /
               echo "pid $$"' \
        5>"$STATUS" 6<"$BATS_TEST_TMPDIR/control" {CONTROL}>&-
    assert_success
    assert_output "9
read-only
0
1
pid 2"
    assert_equal "$(cat "$STATUS")" "exited 0"
    assert_equal "$(own_mounts "$BATS_TEST_TMPDIR")" "$before"
    assert_equal "$(ls -A "$stage")" ""
}

@test "--stage DIR must be absolute" {
    run -124 shim --root /nope --stage rel/stage -- true
    assert_output --partial "vagga-init: path rel/stage is not absolute"
}

@test "--tmpfs, --tmpfs-dir, --tmpfs-file, --bind and --bind-ro in argv order; host mounts unchanged" {
    local before rw=$BATS_TEST_TMPDIR/rw ro=$BATS_TEST_TMPDIR/ro
    mkdir -p "$PROJ"/{t,b,c} "$rw" "$ro"
    echo ro-content > "$ro/file"
    before=$(own_mounts "$BATS_TEST_TMPDIR")
    run shim_host --tmpfs /work/t 1048576 0700 --tmpfs-dir /work/t/sub/deep 0750 \
        --tmpfs-file /work/t/sub/f hello --bind "$rw" /work/b --bind-ro "$ro" /work/c -- sh -c '
        stat -c "%a" /work/t /work/t/sub/deep; stat -f -c %T /work/t; cat /work/t/sub/f; echo
        df -k /work/t | awk "NR==2 {print \$2}"
        echo written > /work/b/new
        cat /work/c/file; touch /work/c/new 2>/dev/null || echo c-read-only'
    assert_success
    assert_output "700
750
tmpfs
hello
1024
ro-content
c-read-only"
    assert_equal "$(cat "$rw/new")" written
    assert_equal "$(ls -A "$PROJ/t")" ""
    assert_equal "$(own_mounts "$BATS_TEST_TMPDIR")" "$before"
}

@test "paths under --project are never resolved through a symlink: --bind, --bind-ro, --root, --snapshot-from" {
    local victim=$BATS_TEST_TMPDIR/victim rc
    mkdir -p "$victim/root/work" "$PROJ/.vagga/.volumes" "$PROJ/real/sub" "$PROJ/mnt" "$PROJ/ok"
    ln -s ../../../victim "$PROJ/.vagga/.volumes/pv" # relative: also resolves with the host at /oldroot
    ln -s ../victim "$PROJ/linkdir"
    for src in "$PROJ/.vagga/.volumes/pv" "$PROJ/linkdir/root" "$PROJ/real/../linkdir"; do
        rc=0
        shim_host --bind "$src" /work/mnt -- sh -c 'echo x > /work/mnt/escape' 2>"$BATS_TEST_TMPDIR/err" || rc=$?
        [[ $rc == 124 ]] || fail "--bind $src: exit $rc"
        grep -q "vagga-init: bind $src: a symlink under the project (not followed" "$BATS_TEST_TMPDIR/err" \
            || fail "--bind $src: $(cat "$BATS_TEST_TMPDIR/err")"
        [[ ! -e $victim/escape ]] || fail "--bind $src wrote outside the project"
    done
    run shim_host --bind-ro "$PROJ/linkdir" /work/mnt -- true
    assert_failure 124
    run shim --root "$PROJ/linkdir/root" --project "$PROJ" -- true
    assert_failure 124
    assert_output --partial "vagga-init: --root $PROJ/linkdir/root: a symlink under the project"
    run shim_host --snapshot-from "$PROJ/linkdir" /work/mnt 1048576 -1 -1 -- true
    assert_failure 124
    assert_output --partial "snapshot: source $PROJ/linkdir: a symlink under the project"
    # the same paths without a link still work, outside the project links are followed (host paths)
    ln -s proj/real "$BATS_TEST_TMPDIR/outside-link"
    run shim_host --bind "$PROJ/real" /work/mnt --bind-ro "$BATS_TEST_TMPDIR/outside-link" /work/ok \
        -- sh -c 'ls /work/mnt /work/ok'
    assert_success
    assert_equal "$(ls -A "$victim")" "root"
}

@test "--pass-fd N becomes fd 3; no other fd leaks into the command" {
    echo passed-content > "$BATS_TEST_TMPDIR/passed"
    # the command itself lists its fds (a shell holds a pipeline's or a redirection's fds for a
    # moment, which raced here); the one ls opens to read the listing is left out
    run shim_host --pass-fd 7 -- sh -c 'cat <&3; exec ls -l /proc/self/fd' 7<"$BATS_TEST_TMPDIR/passed"
    assert_success
    assert_line --index 0 passed-content
    fds=$(printf '%s\n' "${lines[@]:1}" | awk '$(NF-1) == "->" && $NF !~ /^\/proc\/[0-9]+\/fd$/ {print $(NF-2)}' | sort -n | tr '\n' ' ')
    assert_equal "$fds" "0 1 2 3 "
}

@test "--uid/--gid/--groups set the command's ids" {
    run shim_host --uid 1234 --gid 2345 --groups 3456,4567 -- sh -c 'id -u; id -g; id -G'
    assert_success
    assert_output "1234
2345
2345 3456 4567"
}

@test "--wait-userns: nothing is set up before the 'u' message arrives" {
    local before=$BATS_TEST_TMPDIR/mounts-before
    awk '{print $5}' /proc/self/mountinfo > "$before"
    shim_host_bg --wait-userns -- sh -c 'echo started > /work/started'
    # The shim blocks in read(2) on the control pipe, with no mount of its own yet.
    local i
    for ((i = 0; i < 500; i++)); do
        [[ $(cat "/proc/$SHIM_PID/wchan") == *pipe_read ]] && break
        sleep 0.02
    done
    [[ $(cat "/proc/$SHIM_PID/wchan") == *pipe_read ]] || fail "the shim is not waiting on the control pipe"
    # no mount point of the shim's namespace that the host lacks, then or now (other people's mounts
    # come and go on the host; one made between two reads shows as a difference once, so poll)
    local extra
    for ((i = 0; i < 20; i++)); do
        extra=$(comm -23 <(awk '{print $5}' "/proc/$SHIM_PID/mountinfo" | sort -u) \
                         <({ cat "$before"; awk '{print $5}' /proc/self/mountinfo; } | sort -u))
        [[ -z $extra ]] && break
        sleep 0.1
    done
    [[ -z $extra ]] || fail "the shim mounted before 'u': $extra"
    [[ ! -e $PROJ/started ]] || fail "the command ran before 'u'"
    control u 0
    shim_wait
    assert_equal "$SHIM_STATUS" 0
    assert_equal "$(cat "$PROJ/started")" started
}

@test "a supervisor already dead at start: the shim runs nothing" {
    # A read end held while our write end still exists (opening a fifo waits for a writer), then no writer.
    local reader
    exec {reader}<"$BATS_TEST_TMPDIR/control"
    exec {CONTROL}>&-
    run unshare --pid --fork --mount --propagation unchanged "$VAGGA_INIT" --status-fd 5 --control-fd 6 \
        --host-root --project "$PROJ" -- sh -c 'echo started > /work/started' 5>"$STATUS" 6<&"$reader"
    assert_equal "$status" 124
    [[ ! -e $PROJ/started ]] || fail "the command ran"
    assert_equal "$(cat "$STATUS")" ""
}

@test "kill -9 of the shim's parent kills the whole namespace (PR_SET_PDEATHSIG)" {
    shim_host_bg -- sh /work/daemons.sh
    wait_for_file "$PROJ/ready"
    local ns parent
    ns=$(cat "$PROJ/ns")
    parent=$(awk '{print $4}' "/proc/$SHIM_PID/stat")
    [[ $(cat "/proc/$parent/comm") == unshare ]] || fail "parent $parent is not unshare"
    kill -9 "$parent"
    shim_wait
    local i
    for ((i = 0; i < 250; i++)); do
        [[ -z $(live_in_namespace "$ns") ]] && break
        sleep 0.02
    done
    assert_equal "$(live_in_namespace "$ns")" ""
}

@test "a command stopped by SIGTTIN gets the terminal and reads from it" {
    command -v script >/dev/null || skip "script(1) is not installed"
    # script(1) gives the shim a terminal; the command runs in a background process group.
    # script runs the line with $SHELL (/bin/sh when unset, as on CI): dash reads "13>&-" as an
    # argument and a redirection, so the line is written for bash and run by it.
    SHELL=/bin/bash run timeout 10 script -qec "$(printf '%q ' unshare --pid --fork --mount --propagation unchanged \
        "$VAGGA_INIT" --status-fd 5 --control-fd 6 --host-root --project "$PROJ" \
        -- sh -c 'read line; echo "got:$line"') 5>$(printf %q "$STATUS") 6<$(printf %q "$BATS_TEST_TMPDIR/control") $CONTROL>&-" \
        /dev/null <<< "typed-text"
    assert_success
    assert_output --partial "got:typed-text"
    assert_equal "$(cat "$STATUS")" "exited 0"
}

@test "in a user namespace (a supervisor that is not root): mounts, read-only root, exit status" {
    unshare --user --map-root-user true 2>/dev/null || skip "user namespaces are not available"
    mkdir -p "$PROJ/t"
    SHIM_USERNS=1 run shim_host --tmpfs /work/t 1048576 0755 -- sh -c '
        stat -f -c %T /work/t; touch /usr/x 2>/dev/null || echo usr-read-only; ls /dev/pts; exit 5'
    assert_equal "$status" 5
    assert_output "tmpfs
usr-read-only
ptmx"
    assert_equal "$(cat "$STATUS")" "exited 5"
}

@test "--netns-fd joins the given network namespace" {
    unshare --net sleep 1000 3>&- &
    local holder=$! i
    for ((i = 0; i < 250; i++)); do
        [[ $(readlink "/proc/$holder/ns/net") != "$(readlink /proc/self/ns/net)" ]] && break
        sleep 0.02
    done
    run shim_host --netns-fd 8 -- sh -c 'readlink /proc/self/ns/net' 8<"/proc/$holder/ns/net"
    local expected
    expected=$(readlink "/proc/$holder/ns/net")
    kill "$holder"; wait "$holder" || true
    assert_success
    assert_output "$expected"
    [[ $expected != "$(readlink /proc/self/ns/net)" ]] || fail "the holder did not get its own netns"
}

@test "bad arguments are setup errors: relative paths, unknown options, a closed control fd" {
    run shim --host-root --project relative/dir -- true
    assert_equal "$status" 124
    assert_line --index 0 "vagga-init: path relative/dir is not absolute"
    assert_equal "$(cat "$STATUS")" "setup-failed"

    run shim --host-root --project "$PROJ" --frobnicate -- true
    assert_equal "$status" 124
    assert_line --index 0 "vagga-init: unknown option --frobnicate"

    run unshare --pid --fork --mount "$VAGGA_INIT" --status-fd 5 --control-fd 9 --host-root --project "$PROJ" \
        -- true 5>"$STATUS"
    assert_equal "$status" 124
    assert_output "vagga-init: --control-fd 9: Bad file descriptor"
}

@test "without --project, /work is the skeleton's empty directory" {
    run shim --host-root -- sh -c 'pwd; ls -A /work | wc -l'
    assert_success
    assert_output "/work
0"
}

@test "--snapshot: a private writable copy of a root directory; owners, modes, links; too big is a setup error" {
    local root=$BATS_TEST_TMPDIR/root before
    mkdir -p "$root"/{bin,proc,dev,tmp,run,work,etc} "$root/var/db/sub"
    cp /bin/busybox "$root/bin/"
    for tool in sh cat stat ls readlink; do ln -s busybox "$root/bin/$tool"; done
    echo original > "$root/var/db/data"
    chown 1234:2345 "$root/var/db/data"
    chmod 640 "$root/var/db/data"
    chmod 710 "$root/var/db/sub"
    touch -d '2001-02-03 04:05:06' "$root/var/db/data" "$root/var/db/sub"
    ln -s data "$root/var/db/link"
    mkfifo "$root/var/db/fifo"
    before=$(own_mounts "$BATS_TEST_TMPDIR")

    PATH=/bin run shim --root "$root" --project "$PROJ" --snapshot /var/db 1048576 -1 -1 -- sh -c '
        stat -f -c %T /var/db; stat -c "%n %a %u:%g %Y" /var/db/data /var/db/sub; readlink /var/db/link
        ls /var/db | tr "\n" " "; echo
        echo changed > /var/db/data; mkdir /var/db/new; cat /var/db/link
        { echo x > /etc/x; } 2>/dev/null || echo root-read-only'
    assert_success
    assert_output "vagga-init: snapshot /var/db: /var/db/fifo is a fifo, not copied
tmpfs
/var/db/data 640 1234:2345 $(stat -c %Y "$root/var/db/data")
/var/db/sub 710 0:0 $(stat -c %Y "$root/var/db/sub")
data
data link sub 
changed
root-read-only"
    assert_equal "$(cat "$root/var/db/data")" original
    assert_equal "$(ls "$root/var/db" | tr '\n' ' ')" "data fifo link sub "
    assert_equal "$(own_mounts "$BATS_TEST_TMPDIR")" "$before"

    rm "$root/var/db/fifo"
    PATH=/bin run shim --root "$root" --project "$PROJ" --snapshot /var/db 1048576 77 88 -- \
        stat -c '%n %u:%g' /var/db /var/db/data /var/db/sub
    assert_success
    assert_output "/var/db 77:88
/var/db/data 77:88
/var/db/sub 77:88"

    head -c 300000 /dev/zero > "$root/var/db/big"
    PATH=/bin run shim --root "$root" --project "$PROJ" --snapshot /var/db 131072 -1 -1 -- true
    assert_equal "$status" 124
    assert_output "vagga-init: snapshot /var/db: write /var/db/big: No space left on device"
    assert_equal "$(cat "$STATUS")" "setup-failed"
}
