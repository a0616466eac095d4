# Shared helpers for the bats suites: where the binary is, fixtures, polling, leftover scans.

bats_require_minimum_version 1.5.0
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'
load mounts

VAGGA=${VAGGA:-$(readlink -f "$BATS_TEST_DIRNAME/../build/vagga")}
export VAGGA

# The bats run's own config cache (vagga honours XDG_CACHE_HOME), not the user's ~/.cache/vagga:
# hundreds of throw-away projects, gone with the run's tmp dir.
export XDG_CACHE_HOME=${VAGGA_TEST_XDG_CACHE:-$BATS_RUN_TMPDIR/xdg-cache}

# No test hangs the suite: bats fails a test still running after this many seconds, and
# `make bats` names the test that was running if the whole run is cut off (VAGGA_BATS_CURRENT).
BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-180}
[ -n "${VAGGA_BATS_CURRENT:-}" ] && echo "${BATS_TEST_FILENAME##*/}: $BATS_TEST_NAME" > "$VAGGA_BATS_CURRENT"

# A fresh project dir holding the given fixture's vagga.yaml (and its other files).
project() {
    local fixture=$1
    PROJECT=$(mktemp -d "${BATS_TMPDIR:-/tmp}/vagga-bats.XXXXXX")
    cp -a "$BATS_TEST_DIRNAME/$fixture/." "$PROJECT/"
    chmod 755 "$PROJECT"
    cd "$PROJECT"
}

cleanup_project() {
    cd /
    [ -n "${PROJECT:-}" ] && rm -rf "$PROJECT"
    return 0
}

# wait_for FILE REGEX [TENTHS]: bounded polling until a line of FILE matches (default 10 s).
wait_for() {
    local file=$1 regex=$2 tenths=${3:-100} i
    for ((i = 0; i < tenths; i++)); do
        grep -qE -- "$regex" "$file" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "timed out waiting for /$regex/ in $file; it holds:" >&2
    cat "$file" >&2 || true
    return 1
}

# wait_file PATH [SECONDS]: bounded polling until PATH exists (default 10 s).
wait_file() {
    local end=$((SECONDS + ${2:-10}))
    while [ ! -e "$1" ]; do
        ((SECONDS < end)) || { echo "timed out waiting for $1" >&2; return 1; }
        sleep 0.1
    done
}

# Pids of live (non-zombie) processes whose environment holds MARK=$1.
marked_pids() {
    local f p
    for f in $(grep -lzx -- "MARK=$1" /proc/[0-9]*/environ 2>/dev/null); do
        p=${f#/proc/} p=${p%/environ}
        alive "$p" && echo "$p"
    done
    return 0
}

# wait_gone MARK [TENTHS]: bounded polling until no live process carries the mark.
wait_gone() {
    local mark=$1 tenths=${2:-10} i left
    for ((i = 0; i <= tenths; i++)); do
        left=$(marked_pids "$mark")
        [ -z "$left" ] && return 0
        sleep 0.1
    done
    echo "processes still alive with MARK=$mark:" >&2
    for p in $left; do echo "  $p: $(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null) ppid=$(awk '/^PPid:/ {print $2}' /proc/$p/status 2>/dev/null)" >&2; done
    return 1
}

# The mounts this test's run could have made (for before/after comparisons): on or from the
# project, the test's tmp dir, or vagga's own directories (the stage).
mounts() {
    own_mounts "${PROJECT:-}" "${BATS_TEST_TMPDIR:-}" "$(dirname "$VAGGA")" /usr/lib/vagga
}

# alive PID: the process exists and is not a zombie.
alive() {
    local state
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
    [ -n "$state" ] && [ "$state" != Z ]
}

# wait_exit PID [SECONDS]: waits for a background job, bounded (default 30 s), and sets STATUS to
# its exit code. A job still running at the deadline is killed with SIGKILL and the wait fails.
wait_exit() {
    local pid=$1 secs=${2:-30} i
    for ((i = 0; i < secs * 10; i++)); do
        alive "$pid" || break
        sleep 0.1
    done
    if ((i == secs * 10)); then
        echo "pid $pid ($(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)) still runs after $secs s: killed" >&2
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        STATUS=hung
        return 1
    fi
    wait "$pid" && STATUS=0 || STATUS=$?
}

# Pids of child NAME's own processes in a run marked MARK=$1 (its command and all it started,
# not its shim).
child_pids() {
    local p
    for p in $(marked_pids "$1"); do
        [ "$(cat "/proc/$p/comm" 2>/dev/null)" = vagga-init ] && continue
        grep -qzx -- "VAGGA_SUBCOMMAND=$2" "/proc/$p/environ" 2>/dev/null && echo "$p"
    done
    return 0
}

# wait_child_stopped MARK NAME yes|no: bounded polling until every process of the child is
# stopped (state T, and it has one at least) or none is. A shell waiting in vfork (state D) for
# its child counts as stopped when that child is stopped (dash vforks; the child stops before exec).
wait_child_stopped() {
    local end=$((SECONDS + 15)) p pids stopped running state
    while ((SECONDS < end)); do
        pids=$(child_pids "$1" "$2") stopped=0 running=0
        for p in $pids; do
            state=$(awk '/^State:/ {print $2}' "/proc/$p/status" 2>/dev/null)
            if [ "$state" = D ] && vfork_child_stopped "$p"; then
                state=T
            fi
            if [ "$state" = T ]; then
                stopped=$((stopped + 1))
            else
                running=$((running + 1))
            fi
        done
        [ "$3" = yes ] && [ "$stopped" -gt 0 ] && [ "$running" = 0 ] && return 0
        [ "$3" = no ] && [ -n "$pids" ] && [ "$stopped" = 0 ] && return 0
        sleep 0.1
    done
    echo "child $2: expected stopped=$3; its processes:" >&2
    for p in $pids; do echo "  $p $(awk '/^State:/ {print $2}' "/proc/$p/status" 2>/dev/null) $(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null)" >&2; done
    return 1
}

# vfork_child_stopped PID: a child of PID is stopped (state T).
vfork_child_stopped() {
    local c
    for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
        [ "$(awk '/^State:/ {print $2}' "/proc/$c/status" 2>/dev/null)" = T ] && return 0
    done
    return 1
}

# Terminal tests in a tmux session named $SESSION.
# wait_screen REGEX: bounded polling until the visible screen (plain text) shows REGEX (10 s).
wait_screen() {
    local i
    for ((i = 0; i < 100; i++)); do
        tmux capture-pane -p -t "$SESSION" | grep -qE -- "$1" && return 0
        sleep 0.1
    done
    echo "screen never showed /$1/:" >&2
    tmux capture-pane -p -t "$SESSION" >&2
    return 1
}

# type_line TEXT: types TEXT and Enter in the session.
type_line() { tmux send-keys -t "$SESSION" -l "$1"; tmux send-keys -t "$SESSION" Enter; }

# busybox_tarball FILE: a root of a static busybox with its applets as symlinks to /bin/busybox.
busybox_tarball() {
    local tree l
    tree=$(mktemp -d "${BATS_TMPDIR:-/tmp}/busybox-tree.XXXXXX")
    mkdir -p "$tree/bin" "$tree/etc" "$tree/usr/bin"
    cp /bin/busybox "$tree/bin/busybox"
    /bin/busybox --install -s "$tree/bin"
    for l in "$tree"/bin/*; do
        [ -L "$l" ] && ln -sf /bin/busybox "$l"
    done
    tar -czf "$1" -C "$tree" .
    rm -rf "$tree"
}

# debian_tarball NAME PACKAGES: /var/tmp/vagga-test-cache/NAME.tar, made once (17 s to 3 min, by the
# machine's load and network) and reused. apt retries each download; the whole bootstrap is tried up
# to three times (a mirror mid-sync or a dropped connection is not a test failure), and a failure
# shows the end of mmdebstrap's own log, which names the file that could not be fetched.
# close_fds_above_2: in the calling (sub)shell, close every descriptor above 2.
close_fds_above_2() {
    local fd
    for fd in /proc/$BASHPID/fd/*; do
        fd=${fd##*/}
        [ "$fd" -gt 2 ] && eval "exec $fd>&-"
    done
    return 0
}

debian_tarball() {
    local cache=/var/tmp/vagga-test-cache name=$1 packages=$2 try
    mkdir -p "$cache"
    (
        flock 9
        [ -f "$cache/$name.tar" ] && exit 0
        for try in 1 2 3; do
            echo "# making $cache/$name.tar with mmdebstrap (try $try)"
            # mmdebstrap hands apt a pipe as `cat >&FD`, run by dash, which reads only one-digit fds:
            # with bats' descriptors open the pipe gets fd 11 and every download "fails" (Bad fd
            # number). So it runs with nothing open above 2.
            if (close_fds_above_2; exec mmdebstrap --verbose --variant=minbase --aptopt='Acquire::Retries "3"' \
                    --include="$packages" bookworm "$cache/.tmp.$name.tar") > "$cache/.log.$name" 2>&1; then
                mv "$cache/.tmp.$name.tar" "$cache/$name.tar" && exit 0
            fi
            grep -E '^(E|W):|Err:|Failed' "$cache/.log.$name" | tail -15
            sleep $((try * 10))
        done
        tail -30 "$cache/.log.$name"
        exit 1
    ) 9> "$cache/.lock.$name" >&3
}

# serve_dir DIR PROBE: python's http.server serving DIR on 127.0.0.1 at PORT (a random one unless set;
# the pid in $BATS_FILE_TMPDIR/httpd.pid, for stop_served), then bounded polling until the path
# PROBE answers. The local stand-in of a registry this machine cannot reach (PyPI, Packagist, ...).
serve_dir() {
    PORT=${PORT:-$(( 20000 + RANDOM % 20000 ))}
    python3 -m http.server --bind 127.0.0.1 --directory "$1" "$PORT" > "$BATS_FILE_TMPDIR/http.log" 2>&1 3>&- &
    echo $! > "$BATS_FILE_TMPDIR/httpd.pid"
    for _ in $(seq 100); do
        python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/$2')" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "the server of $1 never answered /$2:" >&2
    cat "$BATS_FILE_TMPDIR/http.log" >&2
    return 1
}

stop_served() {
    kill "$(cat "$BATS_FILE_TMPDIR/httpd.pid" 2>/dev/null)" 2>/dev/null || true
}

# file_project FIXTURE: the one project of a whole file (for setup_file): $BATS_FILE_TMPDIR/project
# holding the files of the fixture directory FIXTURE; exports FILE_PROJECT and enters it.
file_project() {
    export FILE_PROJECT=$BATS_FILE_TMPDIR/project
    mkdir -p "$FILE_PROJECT"
    cp -a "$BATS_TEST_DIRNAME/$1/." "$FILE_PROJECT/"
    cd "$FILE_PROJECT"
}

# assert_step_fails CONTAINER MESSAGE STEP: `_build CONTAINER` fails with 121, shows the package
# manager's own MESSAGE and STEP (the start of the line naming the container, step and command),
# and leaves no root of CONTAINER.
assert_step_fails() {
    run "$VAGGA" _build "$1"
    assert_failure 121
    assert_output --partial "$2"
    assert_output --partial "$3"
    run sh -c "ls -d .vagga/.roots/$1.* 2>/dev/null || true"
    assert_output ''
}

# build_for_file CONTAINER: the build a whole file reuses (for setup_file), its output kept in
# $BATS_FILE_TMPDIR/build.log and shown when it fails.
build_for_file() {
    "$VAGGA" _build "$1" > "$BATS_FILE_TMPDIR/build.log" 2>&1 || { cat "$BATS_FILE_TMPDIR/build.log" >&3; return 1; }
}
