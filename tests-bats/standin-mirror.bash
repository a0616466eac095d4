# The stand-in mirror of the distribution suites (distro-ubuntu.bats, distro-alpine.bats): starting
# standin-mirror.py on 127.0.0.1, stopping it, and where a container's root is.

# start_standin_mirror DIR LOG: serves DIR, one line per request in LOG; exports PORT
start_standin_mirror() {
    local w=$BATS_FILE_TMPDIR i
    python3 "$BATS_TEST_DIRNAME/standin-mirror.py" "$1" "$w/port" "$2" 3>&- &
    echo $! > "$w/server.pid"
    for ((i = 0; i < 100; i++)); do [ -s "$w/port" ] && break; sleep 0.1; done
    [ -s "$w/port" ] || { echo "standin-mirror.py did not start" >&3; return 1; }
    PORT=$(cat "$w/port")
    export PORT
}

stop_standin_mirror() {
    kill "$(cat "$BATS_FILE_TMPDIR/server.pid")" 2>/dev/null || true
}

# root_of CONTAINER: its current root in the project (the working directory)
root_of() {
    echo ".vagga/.roots/$1.$("$VAGGA" _version_hash --short "$1")"
}
