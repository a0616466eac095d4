# Shared by network.bats and network-user.bats: a private network and mount namespace per test.
#
# vagga puts its gateway in the host's network namespace (a veth "vagga", NAT rules), so every
# test runs inside a network and mount namespace of its own, held by a process made with
# `unshare -n -m` ($HOLDER): the machine's network, its iptables and its mounts are never touched,
# and killing the holder in teardown frees everything a test made, whatever state it stopped in.

# start_holder: $HOLDER, once its network namespace is not ours any more
start_holder() {
    unshare -n -m --propagation private sleep 1000 3>&- &
    HOLDER=$!
    local i
    for ((i = 0; i < 100; i++)); do
        [ "$(readlink /proc/$HOLDER/ns/net)" != "$(readlink /proc/self/ns/net)" ] && return 0
        sleep 0.05
    done
    echo "the holder's namespaces did not appear" >&2
    return 1
}

# in_ns CMD...: CMD in the test's own network and mount namespace, from the current directory
in_ns() {
    nsenter -t "$HOLDER" -n -m --wd="$PWD" -- "$@"
}

# code_after LOG: the answer of the second attempt that starts after now (the first may have
# been under way while the network changed)
code_after() {
    local log=$1 n i
    n=$(wc -l < "$log" 2>/dev/null || echo 0)
    for ((i = 0; i < 150; i++)); do
        if [ "$(wc -l < "$log")" -ge $((n + 2)) ]; then
            sed -n "$((n + 2))p" "$log" | cut -d' ' -f2
            return 0
        fi
        sleep 0.1
    done
    echo "no new attempt in $log" >&2
    return 1
}

# namespaces_left IDS: those of the namespaces IDS (net:[N], one a line) that a process is still
# in, after a bounded wait (a namespace nobody holds is freed)
namespaces_left() {
    local ids=$1 i left
    for ((i = 0; i < 50; i++)); do
        left=$(for p in /proc/[0-9]*; do readlink "$p/ns/net" 2>/dev/null; done | grep -Fx -f <(echo "$ids") || true)
        [ -z "$left" ] && break
        sleep 0.1
    done
    echo "$left"
}
