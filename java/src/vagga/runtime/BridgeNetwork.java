// vagga's double bridging for one supervise run: a bridge namespace behind the gateway, a veth per child.
package vagga.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import vagga.config.Network;
import vagga.linux.LinuxException;
import vagga.linux.NetworkNamespace;
import vagga.linux.UserNamespace;

/**
 * As vagga does it: the persistent gateway namespace made by {@code vagga _create_netns} (file
 * {@code netns} in {@link #namespaceDir}) gets a veth {@code chN} whose peer {@code chNc} is in a
 * new bridge namespace for this run; the bridge namespace holds the bridge {@code children}
 * (172.23.0.254/24), NATs its children towards the gateway and forwards their ports; each child
 * gets its own namespace with a veth on that bridge at its ip. {@code !BridgeCommand} children run
 * in the bridge namespace itself.
 *
 * <p>Nothing of a run is bind-mounted anywhere: every namespace is held by an fd of this process
 * (and by the shims inside), so a kill -9 frees them all, and with them every veth of the run. The
 * only state outside is the gateway's port-forwarding rules (removed by {@link #close}, and by the
 * next run when a kill -9 left them: they name their {@code chN}) and the run's file under
 * {@code runs/} which {@code vagga _network} reads (a dead run's file is ignored and removed).
 *
 * <p>An ordinary user's gateway is owned by a user namespace of the user's ({@code userns} beside
 * {@code netns}, as vagga's): every namespace of the run is then made in it, every tool runs as its
 * root ({@code nsenter --user}), and the children run in it (ShimInvocation#userNamespace), so a
 * run needs no sudo.
 */
public final class BridgeNetwork implements AutoCloseable {
    /** vagga's addresses: the host's end of the gateway link, the gateway's, the children's bridge. */
    public static final String HOST_IP = "172.23.255.1";
    public static final String GATEWAY_IP = "172.23.255.2";
    public static final String BRIDGE_IP = "172.23.0.254";
    private static final int MAX_INTERFACES = 2048;

    /** The error vagga gives when a bridged child is run without a gateway. */
    public static final String NOT_SET_UP =
            "Network namespace is not set up. You need to run vagga _create_netns first";

    /** The network family failed; the message is the line to print (121). */
    public static final class SetupFailure extends Exception {
        public SetupFailure(String message) {
            super(message);
        }
    }

    /**
     * vagga's gateway: its network namespace and, when {@code _create_netns} was run by an ordinary
     * user, the user namespace owning it (null for root's).
     */
    public record Gateway(NetworkNamespace net, UserNamespace user) implements AutoCloseable {
        /** A path of the owning user namespace for nsenter, or null. */
        public String userPath() {
            return user == null ? null : user.procPath();
        }

        /** A new network namespace beside the gateway's (in its user namespace when it has one). */
        NetworkNamespace newNetwork() throws LinuxException {
            return user == null ? NetworkNamespace.create() : user.createNetwork();
        }

        @Override
        public void close() {
            net.close();
            if (user != null) {
                user.close();
            }
        }
    }

    private final Gateway gateway;
    private final String userns;
    private final NetworkNamespace bridge;
    private final String gatewayLink;
    private final String bridgeAddress;
    private final List<String> forwardRules = new ArrayList<>();
    private final Map<String, NetworkNamespace> children = new LinkedHashMap<>();
    private final Map<String, String> ips = new LinkedHashMap<>();
    private Path runFile;

    private BridgeNetwork(Gateway gateway, NetworkNamespace bridge, String gatewayLink, String bridgeAddress) {
        this.gateway = gateway;
        this.userns = gateway.userPath();
        this.bridge = bridge;
        this.gatewayLink = gatewayLink;
        this.bridgeAddress = bridgeAddress;
    }

    /** vagga's: {@code $XDG_RUNTIME_DIR/vagga}, else {@code /tmp/vagga-UID}. */
    public static Path namespaceDir(Map<String, String> env, int euid) {
        String runtime = env.get("XDG_RUNTIME_DIR");
        return runtime != null && !runtime.isEmpty() ? Path.of(runtime, "vagga") : Path.of("/tmp/vagga-" + euid);
    }

    /**
     * The gateway's namespaces, or {@link #NOT_SET_UP}: its user namespace when the {@code userns}
     * file is there (an ordinary user's gateway; without it an ordinary user has none).
     */
    public static Gateway openGateway(Path namespaceDir) throws SetupFailure {
        Path file = namespaceDir.resolve("netns");
        Path userFile = namespaceDir.resolve("userns");
        boolean withUser = Files.exists(userFile) || vagga.linux.Syscalls.geteuid() != 0;
        if (!Files.exists(file) || withUser && !Files.exists(userFile)) {
            throw new SetupFailure(NOT_SET_UP);
        }
        UserNamespace user = null;
        try {
            user = withUser ? UserNamespace.open(userFile) : null;
            return new Gateway(NetworkNamespace.open(file), user);
        } catch (LinuxException e) {
            if (user != null) {
                user.close();
            }
            throw new SetupFailure(NOT_SET_UP + " (" + e.getMessage() + ")");
        }
    }

    /**
     * Sets up the bridge namespace of a run behind the gateway, with the port forwards of its
     * children ({@code forwards}: host port -> ip:container port).
     */
    public static BridgeNetwork open(Path namespaceDir, Map<Integer, String> forwards) throws SetupFailure {
        Gateway gateway = openGateway(namespaceDir);
        String user = gateway.userPath();
        NetworkNamespace bridge = null;
        BridgeNetwork run = null;
        try {
            String gw = gateway.net().procPath();
            removeStaleForwards(user, gw);
            bridge = gateway.newNetwork();
            int index = -1;
            for (int attempt = 0; attempt < 20 && index < 0; attempt++) {
                int candidate = freeIndex(user, gw);
                try {
                    NetworkTool.runGiven(user, gw, bridge.procPath(), "ip", "link", "add", "ch" + candidate,
                            "type", "veth", "peer", "name", "ch" + candidate + "c", "netns", NetworkTool.GIVEN_NAMESPACE);
                    index = candidate;
                } catch (NetworkTool.Failure e) {
                    // another run took the name between our look and our add: try another
                    if (!e.getMessage().contains("File exists")) {
                        throw e;
                    }
                }
            }
            if (index < 0) {
                throw new SetupFailure("Can't find unused inteface");
            }
            String eif = "ch" + index;
            String iif = eif + "c";
            String eip = "172.23." + (192 + index * 4 / 256) + "." + ((index * 4 + 1) % 256);
            String iip = "172.23." + (192 + index * 4 / 256) + "." + ((index * 4 + 2) % 256);
            run = new BridgeNetwork(gateway, bridge, eif, iip);
            NetworkTool.run(user, gw, List.of("ip", "-batch", "-"), "addr add " + eip + "/30 dev " + eif + "\n"
                    + "link set dev " + eif + " up\n");
            String br = bridge.procPath();
            NetworkTool.run(user, br, List.of("ip", "-batch", "-"), "addr add " + iip + "/30 dev " + iif + "\n"
                    + "link set dev " + iif + " up\n"
                    + "route add default via " + eip + "\n"
                    + "link add children type bridge\n"
                    + "addr add " + BRIDGE_IP + "/24 dev children\n"
                    + "link set dev children up\n");
            NetworkTool.runAs(user, br, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            StringBuilder nat = new StringBuilder("*nat\n");
            // only what leaves towards the gateway: with br_netfilter, bridged traffic between two
            // children would otherwise be masqueraded as the bridge's own (and pass isolate)
            nat.append("-A POSTROUTING -s ").append(Network.CHILDREN_NETWORK).append(" -o ").append(iif)
                    .append(" -j MASQUERADE\n");
            for (Map.Entry<Integer, String> f : forwards.entrySet()) {
                nat.append("-A PREROUTING -p tcp -m tcp --dport ").append(f.getKey())
                        .append(" -j DNAT --to-destination ").append(f.getValue()).append('\n');
            }
            nat.append("COMMIT\n");
            NetworkTool.run(user, br, List.of("iptables-restore", "-w", "--noflush"), nat.toString());
            for (Integer port : forwards.keySet()) {
                String rule = "PREROUTING -p tcp -m tcp --dport " + port + " -m comment --comment vagga-" + eif
                        + " -j DNAT --to-destination " + iip;
                NetworkTool.run(user, gw, List.of("iptables-restore", "-w", "--noflush"), "*nat\n-I " + rule + "\nCOMMIT\n");
                run.forwardRules.add(rule);
            }
            return run;
        } catch (NetworkTool.Failure e) {
            closeAfterFailure(run, bridge, gateway);
            throw new SetupFailure(e.getMessage());
        } catch (LinuxException e) {
            closeAfterFailure(run, bridge, gateway);
            throw new SetupFailure("vagga: " + e.getMessage());
        } catch (SetupFailure e) {
            closeAfterFailure(run, bridge, gateway);
            throw e;
        }
    }

    private static void closeAfterFailure(BridgeNetwork run, NetworkNamespace bridge, Gateway gateway) {
        if (run != null) {
            run.close();
        } else {
            if (bridge != null) {
                bridge.close();
            }
            gateway.close();
        }
    }

    /** The bridge namespace, for !BridgeCommand children. */
    public NetworkNamespace bridge() {
        return bridge;
    }

    /**
     * The user namespace the run's children must run in (ShimInvocation#inUserNamespace): the
     * gateway's of an ordinary user, else -1 (root's children get one of their own, or none).
     */
    public int userNamespaceFd() {
        return gateway.user() == null ? -1 : gateway.user().fd();
    }

    /** A namespace of its own for child {@code name}, with a veth on the bridge at its ip. */
    public NetworkNamespace attach(String name, String ip) throws SetupFailure {
        try {
            NetworkNamespace child = gateway.newNetwork();
            children.put(name, child);
            ips.put(name, ip);
            String eif = interfaceName(name);
            String iif = eif + "g";
            // "name": a child called like a keyword of ip (addr, mtu, ...) is still a name
            NetworkTool.runGiven(userns, bridge.procPath(), child.procPath(), "ip", "link", "add", "name", eif,
                    "type", "veth", "peer", "name", iif, "netns", NetworkTool.GIVEN_NAMESPACE);
            NetworkTool.run(userns, bridge.procPath(), List.of("ip", "-batch", "-"), "link set dev " + eif
                    + " master children\n"
                    + "link set dev " + eif + " up\n");
            NetworkTool.run(userns, child.procPath(), List.of("ip", "-batch", "-"), "addr add " + ip + "/24 dev " + iif + "\n"
                    + "link set dev " + iif + " up\n"
                    + "route add default via " + BRIDGE_IP + "\n");
            return child;
        } catch (NetworkTool.Failure e) {
            throw new SetupFailure(e.getMessage());
        } catch (LinuxException e) {
            throw new SetupFailure("vagga: " + e.getMessage());
        }
    }

    /**
     * Writes this run's file for {@code vagga _network}: the project, the command, and each
     * namespace as an fd of this process with its identity (so a reused pid is never mistaken).
     */
    public void publish(Path namespaceDir, Path project, String command) throws SetupFailure {
        try {
            StringBuilder b = new StringBuilder();
            b.append("project ").append(project).append('\n');
            b.append("command ").append(command).append('\n');
            if (gateway.user() != null) {
                b.append("userns ").append(userns).append('\n');
            }
            b.append("bridge ").append(bridge.procPath()).append(' ').append(bridge.identity()).append('\n');
            for (Map.Entry<String, NetworkNamespace> c : children.entrySet()) {
                b.append("child ").append(c.getKey()).append(' ').append(ips.get(c.getKey())).append(' ')
                        .append(c.getValue().procPath()).append(' ').append(c.getValue().identity()).append('\n');
            }
            Path dir = namespaceDir.resolve("runs");
            Files.createDirectories(dir);
            Path file = dir.resolve(Long.toString(ProcessHandle.current().pid()));
            Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
            Files.writeString(tmp, b.toString(), StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            runFile = file;
        } catch (IOException | LinuxException e) {
            throw new SetupFailure("vagga: cannot write the run's network file in " + namespaceDir + ": "
                    + e.getMessage());
        }
    }

    /** Removes the gateway's rules and link of this run and lets its namespaces go. */
    @Override
    public void close() {
        String gw = gateway.net().procPath();
        for (String rule : forwardRules) {
            try {
                NetworkTool.run(userns, gw, List.of("iptables-restore", "-w", "--noflush"), "*nat\n-D " + rule + "\nCOMMIT\n");
            } catch (NetworkTool.Failure e) {
                Logs.warn(BridgeNetwork.class, "Error deleting firewall rule: {}", e.getMessage());
            }
        }
        try {
            NetworkTool.runAs(userns, gw, "ip", "link", "del", gatewayLink);
        } catch (NetworkTool.Failure e) {
            Logs.debug(BridgeNetwork.class, "{}", e.getMessage());
        }
        if (runFile != null) {
            try {
                Files.deleteIfExists(runFile);
            } catch (IOException e) {
                Logs.debug(BridgeNetwork.class, "cannot remove {}: {}", runFile, e.getMessage());
            }
        }
        children.values().forEach(NetworkNamespace::close);
        bridge.close();
        gateway.close();
    }

    /** vagga's: the child's name when it fits an interface name, else a hash of it. */
    static String interfaceName(String name) {
        if (name.getBytes(StandardCharsets.UTF_8).length <= 14 && name.matches("[A-Za-z0-9_.-]+")
                && !name.equals(".") && !name.equals("..") && !name.equals("children")) {
            return name;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return "eh" + HexFormat.of().formatHex(hash).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freeIndex(String user, String gw) throws NetworkTool.Failure {
        String links = NetworkTool.runAs(user, gw, "ip", "-o", "link", "show");
        java.util.Set<Integer> busy = new java.util.HashSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\d+: ch(\\d+)[@:]").matcher(links);
        while (m.find()) {
            busy.add(Integer.parseInt(m.group(1)));
        }
        int start = ThreadLocalRandom.current().nextInt(MAX_INTERFACES - 100);
        for (int i = start; i < MAX_INTERFACES; i++) {
            if (!busy.contains(i)) {
                return i;
            }
        }
        for (int i = 0; i < start; i++) {
            if (!busy.contains(i)) {
                return i;
            }
        }
        return start;
    }

    /** A kill -9 leaves a run's forwarding rules in the gateway: those whose chN is gone are removed. */
    private static void removeStaleForwards(String user, String gw) throws NetworkTool.Failure {
        String saved = NetworkTool.runAs(user, gw, "iptables-save", "-t", "nat");
        String links = NetworkTool.runAs(user, gw, "ip", "-o", "link", "show");
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("(?m)^-A (PREROUTING .*--comment \"?vagga-(ch\\d+)\"? .*)$").matcher(saved);
        StringBuilder stale = new StringBuilder();
        while (m.find()) {
            if (!java.util.regex.Pattern.compile("(?m)^\\d+: " + m.group(2) + "[@:]").matcher(links).find()) {
                stale.append("-D ").append(m.group(1)).append('\n');
            }
        }
        if (stale.length() > 0) {
            Logs.debug(BridgeNetwork.class, "removing stale forwards: {}", stale);
            NetworkTool.run(user, gw, List.of("iptables-restore", "-w", "--noflush"), "*nat\n" + stale + "COMMIT\n");
        }
    }
}
