#!/usr/bin/env bats
# The network-testing family as an ordinary user (README "Network testing"): vagga's way, the
# gateway in a user namespace of the user's, the host's side through sudo, runs without sudo.
#
# The user is vaggaids. Each test runs in a private network and mount namespace (network.bash)
# where /etc/subuid, /etc/subgid and /etc/sudoers are the test's own files (bind mounts inside
# that namespace: the machine's files are never read or written; the sudoers file lets vaggaids
# run anything with NOPASSWD), so sudo's mounts and iptables rules stay in the test's namespaces.

load helpers
load network

TEST_USER=vaggaids

setup() {
    [ "$(id -u)" = 0 ] || skip "needs root to make the test user's private namespace"
    [ -x /usr/bin/newuidmap ] || fail "newuidmap is not installed (Debian package uidmap, in make deps)"
    command -v sudo > /dev/null || fail "sudo is not installed (Debian package sudo, in make deps)"
    id "$TEST_USER" > /dev/null 2>&1 || useradd -m "$TEST_USER" || fail "cannot create $TEST_USER"
    project network
    chmod -R a+rwX "$PROJECT"
    MARK=netuser-$$-$BATS_TEST_NUMBER
    OWN=$(id -u "$TEST_USER")
    XDG=$PROJECT/xdg   # vagga's namespace dir: $XDG_RUNTIME_DIR/vagga
    mkdir -p "$XDG"
    chown "$TEST_USER" "$XDG"
    NSDIR=$XDG/vagga
    local f
    for f in subuid subgid; do
        { grep -v "^$TEST_USER:" /etc/$f || true; echo "$TEST_USER:300000:65536"; } > "$BATS_TEST_TMPDIR/$f"
        chmod 644 "$BATS_TEST_TMPDIR/$f"
    done
    printf '%s\n' 'Defaults env_reset' \
        'Defaults secure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"' \
        'root ALL=(ALL:ALL) ALL' "$TEST_USER ALL=(ALL:ALL) NOPASSWD: ALL" > "$BATS_TEST_TMPDIR/sudoers"
    chmod 440 "$BATS_TEST_TMPDIR/sudoers"
    start_holder
    for f in subuid subgid sudoers; do
        nsenter -t "$HOLDER" -m -- mount --bind "$BATS_TEST_TMPDIR/$f" "/etc/$f"
    done
}

teardown() {
    [ -n "${SUP:-}" ] && kill -9 "$SUP" 2>/dev/null
    [ -n "${USER_JOB:-}" ] && { wait "$USER_JOB" 2>/dev/null || true; }
    [ -n "${HOLDER:-}" ] && kill -9 "$HOLDER" 2>/dev/null && { wait "$HOLDER" 2>/dev/null || true; }
    [ -n "${MARK:-}" ] && wait_gone "$MARK" 50
    cleanup_project
}

# as_user CMD...: CMD as the test user in the test's namespaces, with an ordinary user's PATH
# (no sbin: vagga finds ip, iptables and sysctl itself)
as_user() {
    in_ns runuser -u "$TEST_USER" -- env PATH=/usr/local/bin:/usr/bin:/bin XDG_RUNTIME_DIR="$XDG" "$@"
}

# in_gateway CMD...: CMD as the test user, as root of the gateway's user namespace, in its network
in_gateway() {
    as_user nsenter --preserve-credentials --user="$NSDIR/userns" --net="$NSDIR/netns" -- "$@"
}

# start COMMAND: the user's supervisor in the background; $SUP is its pid (the JVM's, as its run
# file names it: runuser forks)
start() {
    as_user "$VAGGA" -E MARK=$MARK "$@" > out 2>&1 3>&- &
    USER_JOB=$!
    local i
    for ((i = 0; i < 200; i++)); do
        SUP=$(ls "$NSDIR/runs" 2>/dev/null | head -1)
        [ -n "$SUP" ] && return 0
        sleep 0.1
    done
    echo "no run file in $NSDIR/runs; the run said:" >&2
    cat out >&2
    return 1
}

@test "an ordinary user's _create_netns: vagga's sudo commands, the gateway in the user's own user namespace; _destroy_netns undoes it" {
    run as_user "$VAGGA" _create_netns --dry-run
    assert_success
    assert_line 'We will run network setup commands with sudo.'
    assert_line "    'sudo' 'ip' 'link' 'add' 'vagga_guest' 'type' 'veth' 'peer' 'name' 'vagga'"
    assert_line "    'sudo' 'ip' 'link' 'set' 'vagga_guest' 'netns' '123456'"
    assert_line "    'sudo' 'mount' '--bind' '/proc/123456/ns/net' '$NSDIR/netns'"
    assert_line "    'sudo' 'mount' '--bind' '/proc/123456/ns/user' '$NSDIR/userns'"
    [ ! -e "$NSDIR/netns" ]
    run as_user "$VAGGA" _create_netns
    assert_success
    assert_line --regexp "^    'sudo' 'mount' '--bind' '/proc/[0-9]+/ns/user' '$NSDIR/userns'\$"
    # the host's side, made through sudo: the veth and the NAT rule
    run in_ns ip -br addr show vagga
    assert_output --partial '172.23.255.1/30'
    run in_ns iptables-save -t nat
    assert_line '-A POSTROUTING -s 172.23.255.0/30 -j MASQUERADE'
    # the gateway's side, in a user namespace of the user's with its subordinate ids (no sudo needed)
    run in_gateway cat /proc/self/uid_map
    assert_success
    assert_line --regexp "^ +0 +$OWN +1\$"
    assert_line --regexp "^ +1 +300000 +65536\$"
    run in_gateway ip -br addr show vagga_guest
    assert_output --partial '172.23.255.2/30'
    run in_gateway ip route show default
    assert_output --partial 'via 172.23.255.1'
    run as_user "$VAGGA" _create_netns
    assert_failure 121
    assert_output --partial 'Namespaces already created'
    run as_user "$VAGGA" _destroy_netns
    assert_success
    assert_line "    'sudo' 'umount' '$NSDIR/userns'"
    [ ! -e "$NSDIR/netns" ] && [ ! -e "$NSDIR/userns" ]
    run in_ns awk -v d="$NSDIR/" 'index($5, d) == 1' /proc/self/mountinfo
    assert_output ''
    local i
    for ((i = 0; i < 50; i++)); do in_ns ip link show vagga > /dev/null 2>&1 || break; sleep 0.1; done
    run in_ns ip link show vagga
    assert_failure
    run in_ns iptables-save -t nat
    refute_line --partial 'MASQUERADE'
}

@test "an ordinary user's supervise: bridged children talk over the bridge, _network cuts and restores, ports, hostnames" {
    run as_user timeout 60 "$VAGGA" pair
    assert_failure 121
    assert_output 'Network namespace is not set up. You need to run vagga _create_netns first'
    as_user "$VAGGA" _create_netns > /dev/null
    start pair
    wait_for client.log ' 200$' 150
    run as_user "$VAGGA" _network isolate server
    assert_success
    assert_equal "$(code_after client.log)" 000
    assert_equal "$(code_after watcher.log)" 200
    run as_user "$VAGGA" _network fullmesh
    assert_success
    assert_equal "$(code_after client.log)" 200
    # each child in its own network and UTS namespace, running as the user (root of the gateway's
    # user namespace: its files are the user's on the host)
    assert_equal "$(cat server.hostname)" web
    assert_equal "$(cat client.hostname)" client
    assert_equal "$(stat -c %u client.hostname)" "$OWN"
    run as_user "$VAGGA" _network run client ip -br addr
    assert_success
    assert_output --partial '172.23.0.11/24'
    # ports: the host reaches the server's port through the gateway's address
    run in_ns curl -s -m 5 -o /dev/null -w '%{http_code}' http://172.23.255.2:18080/
    assert_output 200
}

@test "an ordinary user's _run_in_netns runs a container's command in the gateway namespace, or a child's" {
    run as_user "$VAGGA" _run_in_netns host ip -br addr
    assert_failure 121
    assert_output 'Network namespace is not set up. You need to run vagga _create_netns first'
    as_user "$VAGGA" _create_netns > /dev/null
    run as_user "$VAGGA" _run_in_netns host ip -br addr
    assert_success
    assert_output --partial '172.23.255.2/30'
    start alone
    # the child's sleep (the run's file is written before its children start)
    local pid i
    for ((i = 0; i < 100; i++)); do
        pid=$(for p in $(marked_pids "$MARK"); do grep -q '^sleep' "/proc/$p/cmdline" 2>/dev/null && echo "$p"; done | head -1)
        [ -n "$pid" ] && break
        sleep 0.1
    done
    [ -n "$pid" ]
    run as_user "$VAGGA" _run_in_netns --pid "$pid" host ip -br addr
    assert_success
    assert_output --partial '172.23.0.20/24'
}

@test "kill -9 of an ordinary user's supervisor: no child, no per-child namespace or veth survives" {
    as_user "$VAGGA" _create_netns > /dev/null
    start pair
    wait_for client.log ' 200$' 150
    local ids
    ids=$(awk '$1 == "bridge" {print $3} $1 == "child" {print $5}' "$NSDIR/runs/$SUP")
    [ "$(echo "$ids" | wc -l)" = 3 ]
    run in_gateway ip -o link show
    assert_output --regexp ': ch[0-9]+@'
    kill -9 "$SUP"
    SUP=
    wait "$USER_JOB" || true
    USER_JOB=
    wait_gone "$MARK" 20
    assert_equal "$(namespaces_left "$ids")" ""
    # none is kept by a mount either
    run in_ns awk '$9 == "nsfs" {print $4}' /proc/self/mountinfo
    for id in $ids; do refute_line "$id"; done
    local i
    for ((i = 0; i < 50; i++)); do in_gateway ip -o link show | grep -qE ': ch[0-9]+@' || break; sleep 0.1; done
    run in_gateway ip -o link show
    refute_output --regexp ': ch[0-9]+@'
}

@test "an ordinary user's bridged children with readiness probes: port (a connect made inside its network), command, file" {
    cat > vagga.yaml <<'YAML'
containers:
  host: {setup: [!HostRoot]}
commands:
  probes: !Supervise
    children:
      web: !Command
        container: host
        network: {ip: 172.23.0.10}
        ready: {port: 8000, timeout: 30}
        run: sleep 0.5; exec python3 -m http.server 8000 --bind 127.0.0.1
      addr: !Command
        container: host
        network: {ip: 172.23.0.11}
        ready: {command: "ip -br addr | grep -q 172.23.0.11/24", timeout: 30}
        run: exec sleep 100
      marker: !Command
        container: host
        network: {ip: 172.23.0.12}
        ready: {file: /tmp/up, timeout: 30}
        run: touch /tmp/up; exec sleep 100
      last: !Command
        container: host
        after: [web, addr, marker]
        run: echo all ready
YAML
    as_user "$VAGGA" _create_netns > /dev/null
    run as_user timeout 60 "$VAGGA" -E MARK=$MARK probes
    assert_line 'all ready'
    refute_output --partial 'not started'
    # a port nobody listens on: the probe's own words, from inside the child's network
    sed -i 's/port: 8000, timeout: 30/port: 8001, timeout: 1/' vagga.yaml
    run as_user timeout 60 "$VAGGA" -E MARK=$MARK probes
    assert_output --partial 'not ready after 1 s: connect to 127.0.0.1:8001 (its network): Connection refused'
    refute_line 'all ready'
}

@test "an ordinary user without subordinate ids: the gateway maps only the user's own id (vagga's warning), and a run works" {
    local f
    for f in subuid subgid; do
        # in place: the test's namespace sees this file through its bind mount
        { grep -v "^$TEST_USER:" /etc/$f || true; } > "$BATS_TEST_TMPDIR/$f"
    done
    run as_user "$VAGGA" _create_netns
    assert_success
    assert_line --partial "vagga: warning: no range for $TEST_USER in /etc/subuid"
    run in_gateway cat /proc/self/uid_map
    assert_output --regexp "^ +0 +$OWN +1\$"
    start pair
    wait_for client.log ' 200$' 150
    assert_equal "$(cat client.hostname)" client
}
