#!/usr/bin/env bats
# The network-testing family (README "Network testing"): _create_netns, bridged children, _network.
#
# Each test runs in a private network and mount namespace of its own (network.bash).

load helpers
load network

setup() {
    [ "$(id -u)" = 0 ] || skip "the network family needs root here (README)"
    project network
    MARK=network-$$-$BATS_TEST_NUMBER
    export XDG_RUNTIME_DIR=$PROJECT/xdg   # vagga's namespace dir: $XDG_RUNTIME_DIR/vagga
    mkdir -p "$XDG_RUNTIME_DIR"
    start_holder
    NSDIR=$XDG_RUNTIME_DIR/vagga
}

teardown() {
    [ -n "${SUP:-}" ] && kill -9 "$SUP" 2>/dev/null && { wait "$SUP" 2>/dev/null || true; }
    [ -n "${HOLDER:-}" ] && kill -9 "$HOLDER" 2>/dev/null && { wait "$HOLDER" 2>/dev/null || true; }
    [ -n "${MARK:-}" ] && wait_gone "$MARK" 50
    cleanup_project
}

# in_gateway CMD...: CMD in vagga's gateway namespace (made by _create_netns)
in_gateway() {
    in_ns nsenter --net="$NSDIR/netns" -- "$@"
}

# start COMMAND: the supervisor in the background; $SUP is its pid (nsenter and the launcher exec)
start() {
    nsenter -t "$HOLDER" -n -m --wd="$PWD" -- "$VAGGA" -E MARK=$MARK "$@" > out 2>&1 3>&- &
    SUP=$!
    wait_file "$NSDIR/runs/$SUP" 20
}

@test "_create_netns --dry-run shows vagga's commands and rules and changes nothing" {
    run in_ns "$VAGGA" _create_netns --dry-run
    assert_success
    assert_line "    'ip' 'link' 'add' 'vagga_guest' 'type' 'veth' 'peer' 'name' 'vagga'"
    assert_line "    'ip' 'addr' 'add' '172.23.255.1/30' 'dev' 'vagga'"
    assert_line --partial "'mount' '--bind' '/proc/123456/ns/net' '$NSDIR/netns'"
    assert_line 'The following iptables rules will be established:'
    assert_line '    iptables "-t" "nat" "-A" "POSTROUTING" "-s" "172.23.255.0/30" "-j" "MASQUERADE"'
    [ ! -e "$NSDIR/netns" ]
    run in_ns ip link show vagga
    assert_failure
    run in_ns "$VAGGA" _create_netns --dry-run --no-iptables
    assert_success
    refute_line --partial 'iptables rules'
    run in_ns "$VAGGA" _destroy_netns --dry-run
    assert_success
    assert_line "    'umount' '$NSDIR/netns'"
    assert_line "    'iptables' '-w' '-t' 'nat' '-D' 'POSTROUTING' '-s' '172.23.255.0/30' '-j' 'MASQUERADE'"
}

@test "_create_netns makes the gateway once (then 121), _destroy_netns removes it (twice: 0)" {
    run in_ns "$VAGGA" _create_netns
    assert_success
    run in_ns ip -br addr show vagga
    assert_output --partial '172.23.255.1/30'
    run in_gateway ip -br addr show vagga_guest
    assert_output --partial '172.23.255.2/30'
    run in_gateway ip route show default
    assert_output --partial 'via 172.23.255.1'
    run in_ns iptables-save -t nat
    assert_line '-A POSTROUTING -s 172.23.255.0/30 -j MASQUERADE'
    run in_ns "$VAGGA" _create_netns
    assert_failure 121
    assert_output --partial 'Namespaces already created'
    run in_ns "$VAGGA" _destroy_netns
    assert_success
    [ ! -e "$NSDIR/netns" ]
    local i
    for ((i = 0; i < 50; i++)); do in_ns ip link show vagga > /dev/null 2>&1 || break; sleep 0.1; done
    run in_ns ip link show vagga
    assert_failure
    run in_ns iptables-save -t nat
    refute_line --partial 'MASQUERADE'
    run in_ns "$VAGGA" _destroy_netns
    assert_success
    assert_output --partial 'Error removing file'
    # --no-iptables: the gateway without the host's NAT rule
    run in_ns "$VAGGA" _create_netns --no-iptables
    assert_success
    run in_ns iptables-save -t nat
    refute_line --partial 'MASQUERADE'
    run in_gateway ip -br addr show vagga_guest
    assert_output --partial '172.23.255.2/30'
}

@test "two children talk over the bridge: isolate, disjoint and split cut them, fullmesh restores, hostnames" {
    in_ns "$VAGGA" _create_netns > /dev/null
    start pair
    wait_for client.log ' 200$' 150
    run in_ns "$VAGGA" _network isolate server
    assert_success
    assert_equal "$(code_after client.log)" 000
    # isolate never cuts a node off the bridge: the !BridgeCommand child still reaches it
    assert_equal "$(code_after watcher.log)" 200
    run in_ns "$VAGGA" _network fullmesh
    assert_success
    assert_equal "$(code_after client.log)" 200
    run in_ns "$VAGGA" _network disjoint server -- client
    assert_success
    assert_equal "$(code_after client.log)" 000
    run in_ns "$VAGGA" _network split server client
    assert_success
    assert_equal "$(code_after client.log)" 200
    run in_ns "$VAGGA" _network split server
    assert_success
    assert_equal "$(code_after client.log)" 000
    run in_ns "$VAGGA" _network fullmesh
    assert_equal "$(code_after client.log)" 200
    # each bridged child has its own hostname: network's hostname, else its name (vagga's)
    assert_equal "$(cat server.hostname)" web
    assert_equal "$(cat client.hostname)" client
    [ "$(cat /proc/sys/kernel/hostname)" != client ]
    # _network run: a command of the host's file system in a child's network namespace
    run in_ns "$VAGGA" _network run client ip -br addr
    assert_success
    assert_output --partial '172.23.0.11/24'
}

@test "ports: the host reaches a child's port through the gateway's address" {
    in_ns "$VAGGA" _create_netns > /dev/null
    start pair
    wait_for client.log ' 200$' 100
    run in_ns curl -s -m 5 -o /dev/null -w '%{http_code}' http://172.23.255.2:18080/
    assert_output 200
    # a port nobody forwards goes nowhere
    run in_ns curl -s -m 2 -o /dev/null -w '%{http_code}' http://172.23.255.2:18081/
    assert_output 000
    # the forward goes when the run ends
    kill -TERM "$SUP"
    wait "$SUP" || true
    SUP=
    run in_gateway iptables-save -t nat
    refute_line --partial 'dport 18080'
    run in_gateway ip -o link show
    refute_output --regexp ': ch[0-9]+@'
}

@test "_run_in_netns runs a container's command in the gateway namespace" {
    run in_ns "$VAGGA" _run_in_netns host ip -br addr
    assert_failure 121
    assert_output 'Network namespace is not set up. You need to run vagga _create_netns first'
    in_ns "$VAGGA" _create_netns > /dev/null
    run in_ns "$VAGGA" _run_in_netns host ip -br addr
    assert_success
    assert_output --partial '172.23.255.2/30'
    run in_ns "$VAGGA" _run_in_netns --pid "$HOLDER" host ip -br addr
    assert_success
    assert_output --partial '172.23.255.1/30'
}

@test "kill -9 of the supervisor: no child, no per-child namespace or veth survives" {
    in_ns "$VAGGA" _create_netns > /dev/null
    start pair
    wait_for client.log ' 200$' 100
    local ids jvm=$SUP
    ids=$(awk '$1 == "bridge" {print $3} $1 == "child" {print $5}' "$NSDIR/runs/$jvm")
    [ "$(echo "$ids" | wc -l)" = 3 ]
    run in_gateway ip -o link show
    assert_output --regexp ': ch[0-9]+@'
    kill -9 "$jvm"
    wait "$SUP" || true
    SUP=
    wait_gone "$MARK" 20
    # every namespace of the run is gone: no process is in one (a namespace nobody holds is freed)
    assert_equal "$(namespaces_left "$ids")" ""
    local i
    # none is kept by a mount either (the gateway's is the only namespace mounted in the test's tree)
    run in_ns awk '$9 == "nsfs" {print $4}' /proc/self/mountinfo
    refute_output --partial "$(echo "$ids" | head -1)"
    for id in $ids; do refute_line "$id"; done
    # and with them the veths: the gateway's end of the run's link is gone
    for ((i = 0; i < 50; i++)); do in_gateway ip -o link show | grep -qE ': ch[0-9]+@' || break; sleep 0.1; done
    run in_gateway ip -o link show
    refute_output --regexp ': ch[0-9]+@'
    # the port forward the killed run left in the (persistent) gateway goes with the next run
    run in_gateway iptables-save -t nat
    assert_line --partial 'dport 18080'
    start alone
    run in_gateway iptables-save -t nat
    refute_line --partial 'dport 18080'
    # and _network ignores (and removes) the dead run's file
    run in_ns "$VAGGA" _network fullmesh
    assert_success
    [ ! -e "$NSDIR/runs/$jvm" ]
}

@test "bad input: missing netns 121, unknown node 1, unknown kind 1, no run 1, bad flags 122" {
    run in_ns "$VAGGA" pair
    assert_failure 121
    assert_output 'Network namespace is not set up. You need to run vagga _create_netns first'
    [ ! -e client.log ]
    in_ns "$VAGGA" _create_netns > /dev/null
    run in_ns "$VAGGA" _network isolate server
    assert_failure 1
    assert_line 'This command is supposed to be run inside container started by vagga !Supervise command'
    start pair
    run in_ns "$VAGGA" _network isolate nosuch
    assert_failure 1
    assert_output 'Node nosuch does not exists'
    run in_ns "$VAGGA" _network disjoint server
    assert_failure 1
    assert_output "Node client is missing. You may use 'split' command if you want to skip some nodes"
    run in_ns "$VAGGA" _network disjoint server -- server client
    assert_failure 1
    assert_output "Duplicate node server (or it's IP)"
    run in_ns "$VAGGA" _network split server -- nosuch
    assert_failure 1
    assert_output 'Node nosuch does not exists or has no IP'
    run in_ns "$VAGGA" _network fullstop
    assert_failure 1
    assert_output 'Unknown command fullstop'
    run in_ns "$VAGGA" _network run nosuch true
    assert_failure 1
    assert_output 'Node nosuch is missing'
    run in_ns "$VAGGA" _network run watcher true
    assert_failure 1
    assert_output 'Node watcher does not have IP'
    run in_ns "$VAGGA" _network
    assert_failure 122
    run in_ns "$VAGGA" _create_netns --bogus
    assert_failure 122
    run in_ns "$VAGGA" _destroy_netns --bogus
    assert_failure 122
    run in_ns "$VAGGA" _run_in_netns --pid abc host true
    assert_failure 122
    run in_ns "$VAGGA" _run_in_netns --pid 999999999 host true
    assert_failure 121
    assert_output --partial 'Error setting networkns'
}

@test "bad network keys: an ip outside 172.23.0.0/24, not an ip, a bad port (126), one ip twice (121)" {
    cat > vagga.yaml <<'YAML'
containers:
  host: {setup: [!HostRoot]}
commands:
  outside: !Supervise
    children:
      a: !Command {container: host, network: {ip: 10.0.0.5}, run: "true"}
YAML
    run in_ns "$VAGGA" outside
    assert_failure 126
    assert_output --partial 'network ip must be in vagga'"'"'s children network 172.23.0.0/24'
    sed -i 's/10.0.0.5/bogus/' vagga.yaml
    run in_ns "$VAGGA" outside
    assert_failure 126
    assert_output --partial 'network ip must be an IPv4 address, found "bogus"'
    sed -i 's/ip: bogus}/ip: 172.23.0.5, ports: {99999: 80}}/' vagga.yaml
    run in_ns "$VAGGA" outside
    assert_failure 126
    assert_output --partial 'ports must map a host port to a container port'
    cat > vagga.yaml <<'YAML'
containers:
  host: {setup: [!HostRoot]}
commands:
  twice: !Supervise
    children:
      a: !Command {container: host, network: {ip: 172.23.0.5}, run: "true"}
      b: !Command {container: host, network: {ip: 172.23.0.5}, run: "true"}
YAML
    in_ns "$VAGGA" _create_netns > /dev/null
    run in_ns "$VAGGA" twice
    assert_failure 121
    assert_output 'Children a and b have the same network ip 172.23.0.5'
}
