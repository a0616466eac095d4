// vagga's network-testing built-ins: _create_netns, _destroy_netns, _run_in_netns and _network.
package vagga.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import vagga.config.CommandDef;
import vagga.config.CommandSpec;
import vagga.config.Config;
import vagga.config.SuperviseSpec;
import vagga.linux.LinuxException;
import vagga.linux.NetworkNamespace;
import vagga.linux.SubordinateIds;
import vagga.linux.Syscalls;
import vagga.linux.UserNamespace;
import vagga.plan.ExitCodes;
import vagga.plan.NetworkGraph;
import vagga.plan.StatusText;
import vagga.runtime.BridgeNetwork;
import vagga.runtime.ContainerRun;
import vagga.runtime.NamespaceHolder;
import vagga.runtime.NetworkRuns;
import vagga.runtime.NetworkTool;

/** README "Network testing". */
final class NetworkCommands {
    /** vagga's exit code for a failed {@code _network}. */
    private static final int NETWORK_FAILED = 1;
    private static final String NOT_IN_SUPERVISE = "This command is supposed to be run inside container "
            + "started by vagga !Supervise command";

    private NetworkCommands() {}

    /** The flags of _create_netns and _destroy_netns; null after a usage error or --help (code set). */
    private record Flags(boolean dryRun, boolean iptables) {}

    private static Flags flags(Invocation inv, String name, List<String> args, int[] code) {
        boolean dryRun = false;
        boolean iptables = true;
        for (String a : args) {
            switch (a) {
                case "--dry-run" -> dryRun = true;
                case "--no-iptables" -> iptables = false;
                case "-h", "--help" -> {
                    inv.out().println("Usage: vagga " + name + " [--dry-run] [--no-iptables]\n\n"
                            + (name.equals("_create_netns") ? "Sets up the network namespace for subsequent container runs"
                            : "Removes the network namespace made by vagga _create_netns") + "\n\n"
                            + "  --dry-run      Do not run commands, only show\n"
                            + "  --no-iptables  Do not update iptables rules (useful you have firewall other than "
                            + "iptables)");
                    code[0] = ExitCodes.OK;
                    return null;
                }
                default -> {
                    inv.err().println("Usage: vagga " + name + " [--dry-run] [--no-iptables]");
                    inv.err().println("vagga " + name + ": unexpected argument \"" + a + "\"");
                    code[0] = ExitCodes.BAD_ARGUMENTS;
                    return null;
                }
            }
        }
        return new Flags(dryRun, iptables);
    }

    private static Path namespaceDir(Invocation inv) {
        return BridgeNetwork.namespaceDir(inv.env(), Syscalls.geteuid());
    }

    /** The host's rules of vagga's gateway (the DNS ones only with a resolver on 127.0.0.1 alone). */
    private static List<List<String>> hostRules() {
        List<List<String>> rules = new ArrayList<>();
        if (nameservers().equals(List.of("127.0.0.1"))) {
            rules.add(List.of("-I", "INPUT", "-i", "vagga", "-d", "127.0.0.1", "-j", "ACCEPT"));
            for (String proto : List.of("tcp", "udp")) {
                rules.add(List.of("-t", "nat", "-I", "PREROUTING", "-p", proto, "-i", "vagga", "-d",
                        BridgeNetwork.HOST_IP, "--dport", "53", "-j", "DNAT", "--to-destination", "127.0.0.1"));
            }
        }
        rules.add(List.of("-t", "nat", "-A", "POSTROUTING", "-s", "172.23.255.0/30", "-j", "MASQUERADE"));
        return rules;
    }

    private static List<String> nameservers() {
        List<String> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/etc/resolv.conf"))) {
                if (line.startsWith("nameserver ")) {
                    out.add(line.substring("nameserver ".length()).trim());
                }
            }
        } catch (IOException e) {
            // no resolv.conf: no local resolver to forward to
        }
        return out;
    }

    /** A rule with -A/-I turned into -C (is it there?) or -D. */
    private static List<String> as(List<String> rule, String op) {
        List<String> out = new ArrayList<>();
        for (String w : rule) {
            out.add(w.equals("-A") || w.equals("-I") ? op : w);
        }
        return out;
    }

    private static List<String> cmd(boolean sudo, String... words) {
        List<String> out = new ArrayList<>();
        if (sudo) {
            out.add("sudo");
        }
        out.addAll(List.of(words));
        return out;
    }

    private static void printRules(Invocation inv, List<List<String>> rules) {
        inv.out().println();
        inv.out().println("The following iptables rules will be established:");
        for (List<String> rule : rules) {
            StringBuilder b = new StringBuilder("    iptables");
            rule.forEach(w -> b.append(" \"").append(w).append('"'));
            inv.out().println(b);
        }
    }

    private static void printCommands(Invocation inv, boolean sudo, List<List<String>> commands) {
        if (sudo) {
            inv.out().println("We will run network setup commands with sudo.");
            inv.out().println("You may need to enter your password.");
        }
        inv.out().println();
        inv.out().println("The following commands will be run:");
        commands.forEach(c -> inv.out().println("    " + NetworkTool.show(c)));
    }

    /**
     * {@code vagga _create_netns}: vagga's gateway namespace, kept by a bind mount on {@code netns}.
     * As root it is made here; as an ordinary user (vagga's way) a holder process makes it in a
     * user namespace of the user's, the host's side is set up through {@code sudo}, and sudo's bind
     * mounts keep both namespaces ({@code netns} and {@code userns}).
     */
    static int create(Invocation inv, List<String> args) {
        int[] code = new int[1];
        Flags flags = flags(inv, "_create_netns", args, code);
        if (flags == null) {
            return code[0];
        }
        boolean sudo = Syscalls.geteuid() != 0;
        Path dir = namespaceDir(inv);
        Path file = dir.resolve("netns");
        Path userFile = dir.resolve("userns");
        if (Files.exists(file) || Files.exists(userFile)) {
            try (BridgeNetwork.Gateway existing = BridgeNetwork.openGateway(dir)) {
                inv.err().println("Namespaces already created");
                return ExitCodes.RUNTIME_ERROR;
            } catch (BridgeNetwork.SetupFailure e) {
                // files left where the namespaces were (a reboot, a failed run): made again below
            }
        }
        NetworkNamespace gateway = null;
        NamespaceHolder holder = null;
        try {
            if (!flags.dryRun()) {
                if (sudo) {
                    SubordinateIds ids = SubordinateIds.forCurrentUser();
                    if (ids == null) {
                        SubordinateIds.problems().forEach(inv.err()::println);
                        inv.err().println(StatusText.noSubordinateIds(System.getProperty("user.name")));
                    }
                    holder = NamespaceHolder.start(ids);
                } else {
                    gateway = NetworkNamespace.create();
                }
            }
            // vagga's placeholder pid in --dry-run
            String gw = holder != null ? holder.netPath() : gateway != null ? gateway.procPath() : "/proc/123456/ns/net";
            String user = !sudo ? null : holder != null ? holder.userPath() : "/proc/123456/ns/user";
            String target = !sudo ? gw : holder != null ? Long.toString(holder.pid()) : "123456";
            List<List<String>> host = new ArrayList<>();
            if (!flags.dryRun() && linkExists("vagga")) {
                // left by a gateway whose namespace is gone (its file removed by hand)
                host.add(cmd(sudo, "ip", "link", "del", "vagga"));
            }
            host.add(cmd(sudo, "ip", "link", "add", "vagga_guest", "type", "veth", "peer", "name", "vagga"));
            host.add(cmd(sudo, "ip", "link", "set", "vagga_guest", "netns", target));
            host.add(cmd(sudo, "ip", "addr", "add", BridgeNetwork.HOST_IP + "/30", "dev", "vagga"));
            host.add(cmd(sudo, "ip", "link", "set", "dev", "vagga", "up"));
            if (Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).trim().equals("0")) {
                host.add(cmd(sudo, "sysctl", "net.ipv4.ip_forward=1"));
            }
            host.add(cmd(sudo, "sysctl", "net.ipv4.conf.vagga.route_localnet=1"));
            List<List<String>> mounts = new ArrayList<>();
            mounts.add(cmd(sudo, "mount", "--bind", gw, file.toString()));
            if (sudo) {
                mounts.add(cmd(true, "mount", "--bind", user, userFile.toString()));
            }
            List<List<String>> inside = List.of(
                    List.of("ip", "addr", "add", BridgeNetwork.GATEWAY_IP + "/30", "dev", "vagga_guest"),
                    List.of("ip", "link", "set", "dev", "vagga_guest", "up"),
                    List.of("ip", "route", "add", "default", "via", BridgeNetwork.HOST_IP),
                    List.of("sysctl", "-q", "net.ipv4.ip_forward=1"),
                    List.of("iptables", "-w", "-t", "nat", "-A", "POSTROUTING", "-o", "vagga_guest", "-j", "MASQUERADE"));
            // the gateway's own side runs as the root of its namespaces: an ordinary user needs no sudo there
            List<List<String>> shown = new ArrayList<>(host);
            for (List<String> c : inside) {
                List<String> in = new ArrayList<>(List.of("nsenter"));
                if (user != null) {
                    in.add("--preserve-credentials");
                    in.add("--user=" + user);
                }
                in.add("--net=" + gw);
                in.addAll(c);
                shown.add(in);
            }
            shown.addAll(mounts);
            printCommands(inv, sudo, shown);
            List<List<String>> rules = hostRules();
            if (flags.iptables()) {
                printRules(inv, rules);
            }
            if (flags.dryRun()) {
                return ExitCodes.OK;
            }
            Files.createDirectories(dir);
            for (Path f : sudo ? List.of(file, userFile) : List.of(file)) {
                Files.deleteIfExists(f);
                Files.createFile(f);
            }
            try {
                for (List<String> c : host) {
                    NetworkTool.run(null, c, null);
                }
                for (List<String> c : inside) {
                    NetworkTool.run(user, gw, c, null);
                }
                for (List<String> c : mounts) {
                    NetworkTool.run(null, c, null);
                }
            } catch (NetworkTool.Failure e) {
                inv.err().println(e.getMessage());
                undoCreate(sudo, file, userFile);
                return ExitCodes.RUNTIME_ERROR;
            }
            if (flags.iptables()) {
                for (List<String> rule : rules) {
                    List<String> check = new ArrayList<>(cmd(sudo, "iptables", "-w"));
                    check.addAll(as(rule, "-C"));
                    try {
                        NetworkTool.run(null, check, null);
                        continue; // already there (a gateway made again)
                    } catch (NetworkTool.Failure e) {
                        if (e.code() != 1) {
                            inv.err().println(e.getMessage());
                            return ExitCodes.RUNTIME_ERROR;
                        }
                    }
                    List<String> add = new ArrayList<>(cmd(sudo, "iptables", "-w"));
                    add.addAll(rule);
                    try {
                        NetworkTool.run(null, add, null);
                    } catch (NetworkTool.Failure e) {
                        inv.err().println("Error setting up iptables " + e.getMessage().substring("Error running ".length()));
                        return ExitCodes.RUNTIME_ERROR;
                    }
                }
            }
            return ExitCodes.OK;
        } catch (BridgeNetwork.SetupFailure e) {
            inv.err().println(e.getMessage());
            return ExitCodes.RUNTIME_ERROR;
        } catch (LinuxException e) {
            inv.err().println("vagga: " + e.getMessage());
            return ExitCodes.RUNTIME_ERROR;
        } catch (IOException e) {
            inv.err().println("Can't create runtime_dir: " + e.getMessage());
            return ExitCodes.RUNTIME_ERROR;
        } finally {
            if (gateway != null) {
                gateway.close();
            }
            if (holder != null) {
                holder.close();
            }
        }
    }

    /** After a failed step: what was mounted is unmounted, the host's link and the files go. */
    private static void undoCreate(boolean sudo, Path file, Path userFile) {
        for (Path f : List.of(file, userFile)) {
            try {
                if (isMountPoint(f)) {
                    NetworkTool.run(null, cmd(sudo, "umount", f.toString()), null);
                }
            } catch (NetworkTool.Failure e) {
                // reported by the failure already printed
            }
        }
        try {
            if (linkExists("vagga")) {
                NetworkTool.run(null, cmd(sudo, "ip", "link", "del", "vagga"), null);
            }
        } catch (NetworkTool.Failure e) {
            // the holder's end goes with its namespace
        }
        for (Path f : List.of(file, userFile)) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                // reported by the failure already printed
            }
        }
    }

    /** A namespace is mounted on {@code f} (nsfs files are on a device of their own). */
    private static boolean isMountPoint(Path f) {
        try {
            Object dev = Files.getAttribute(f, "unix:dev");
            Object parent = Files.getAttribute(f.toAbsolutePath().getParent(), "unix:dev");
            return !dev.equals(parent);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean linkExists(String name) {
        return Files.exists(Path.of("/sys/class/net", name));
    }

    /** {@code vagga _destroy_netns}: vagga reports each failing step and exits 0. */
    static int destroy(Invocation inv, List<String> args) {
        int[] code = new int[1];
        Flags flags = flags(inv, "_destroy_netns", args, code);
        if (flags == null) {
            return code[0];
        }
        boolean sudo = Syscalls.geteuid() != 0;
        Path file = namespaceDir(inv).resolve("netns");
        Path userFile = namespaceDir(inv).resolve("userns");
        // an ordinary user's gateway has its user namespace mounted beside (vagga's pair)
        List<Path> files = sudo || Files.exists(userFile) ? List.of(file, userFile) : List.of(file);
        List<List<String>> commands = new ArrayList<>();
        for (Path f : files) {
            commands.add(cmd(sudo, "umount", f.toString()));
        }
        List<List<String>> rules = new ArrayList<>();
        if (flags.iptables()) {
            for (List<String> rule : hostRules()) {
                List<String> del = new ArrayList<>(cmd(sudo, "iptables", "-w"));
                del.addAll(as(rule, "-D"));
                rules.add(del);
            }
        }
        List<List<String>> shown = new ArrayList<>(commands);
        shown.addAll(rules);
        printCommands(inv, sudo, shown);
        if (flags.dryRun()) {
            return ExitCodes.OK;
        }
        for (List<String> c : commands) {
            try {
                NetworkTool.run(null, c, null);
            } catch (NetworkTool.Failure e) {
                inv.err().println(e.getMessage());
            }
        }
        for (List<String> del : rules) {
            List<String> check = new ArrayList<>();
            del.forEach(w -> check.add(w.equals("-D") ? "-C" : w));
            try {
                NetworkTool.run(null, check, null);
            } catch (NetworkTool.Failure e) {
                continue; // not there: nothing to remove
            }
            try {
                NetworkTool.run(null, del, null);
            } catch (NetworkTool.Failure e) {
                inv.err().println(e.getMessage());
            }
        }
        for (Path f : files) {
            try {
                Files.delete(f);
            } catch (IOException e) {
                inv.err().println("Error removing file: " + e.getMessage());
            }
        }
        return ExitCodes.OK;
    }

    private static final String RUN_IN_NETNS_USAGE = "_run_in_netns [--pid PID] CONTAINER COMMAND [ARGS...]";

    /** {@code vagga _run_in_netns [--pid PID] CONTAINER CMD...}: _run in the gateway namespace (or PID's). */
    static int runIn(Invocation inv, Config config, List<String> args) {
        String pid = null;
        int i = 0;
        for (; i < args.size() && args.get(i).startsWith("-"); i++) {
            String a = args.get(i);
            if ((a.equals("--pid")) && i + 1 < args.size()) {
                pid = args.get(++i);
            } else if (a.startsWith("--pid=")) {
                pid = a.substring("--pid=".length());
            } else if (a.equals("-h") || a.equals("--help")) {
                inv.out().println("Usage: vagga " + RUN_IN_NETNS_USAGE + "\n\n"
                        + "Run command (or shell) in one of the vagga's network namespaces\n\n"
                        + "  --pid PID  Run in the namespace of the process with PID.\n"
                        + "             By default you get shell in the \"gateway\" namespace.");
                return ExitCodes.OK;
            } else {
                return usage(inv, "unexpected option \"" + a + "\"");
            }
        }
        if (args.size() - i < 2) {
            return usage(inv, "a container and a command are required");
        }
        if (pid != null && !pid.matches("[1-9][0-9]{0,9}")) {
            return usage(inv, "--pid needs a process id, found \"" + pid + "\"");
        }
        String container = args.get(i);
        List<String> argv = args.subList(i + 1, args.size());
        BridgeNetwork.Gateway gateway;
        NetworkNamespace netns;
        try {
            // vagga joins the gateway's namespaces first (an ordinary user's: its user namespace
            // too, which the container then runs in), then --pid's network namespace
            gateway = BridgeNetwork.openGateway(namespaceDir(inv));
        } catch (BridgeNetwork.SetupFailure e) {
            if (pid == null || Syscalls.geteuid() != 0) {
                inv.err().println(e.getMessage());
                return ExitCodes.RUNTIME_ERROR;
            }
            gateway = null; // root's --pid needs no gateway
        }
        try {
            netns = pid == null ? gateway.net() : NetworkNamespace.open(Path.of("/proc", pid, "ns", "net"));
        } catch (LinuxException e) {
            inv.err().println("Error setting networkns: " + e.getMessage());
            if (gateway != null) {
                gateway.close();
            }
            return ExitCodes.RUNTIME_ERROR;
        }
        UserNamespace owner = gateway == null ? null : gateway.user();
        try {
            return BuildExits.containerRun(inv, () -> ContainerRun.run(config, inv.cwd(), container,
                    argv, Runs.caller(inv, config), new ProgressLines(inv.err()), false, netns, owner,
                    inv.options().buildMode()));
        } finally {
            if (pid != null) {
                netns.close();
            }
            if (gateway != null) {
                gateway.close();
            }
        }
    }

    private static int usage(Invocation inv, String message) {
        inv.err().println("Usage: vagga " + RUN_IN_NETNS_USAGE);
        inv.err().println("vagga _run_in_netns: " + message);
        return ExitCodes.BAD_ARGUMENTS;
    }

    private static final String NETWORK_HELP = """
            Usage: vagga _network KIND [NODE...]

            Split the network into partitions. Every kind is idempotent and atomic: it rewrites the
            whole firewall table of every node, whatever ran before. It never isolates the children
            from the bridge (!BridgeCommand children) and from the internet.

              fullmesh                      restore the network to full connectivity
              isolate NODE...               isolate these nodes from anything and from each other
              disjoint NODE... -- NODE...   divide into non-intersecting networks (each node once)
              split NODE... -- NODE...      divide into networks that may share nodes; nodes not
                                            named are isolated
              run NODE COMMAND [ARGS...]    run a command in the node's network namespace""";

    /** {@code vagga _network KIND ...} against this project's running supervise command. */
    static int network(Invocation inv, Config config, List<String> args) {
        if (args.isEmpty()) {
            inv.err().println(NETWORK_HELP);
            return ExitCodes.BAD_ARGUMENTS;
        }
        String kind = args.get(0);
        if (kind.equals("-h") || kind.equals("--help")) {
            inv.out().println(NETWORK_HELP);
            return ExitCodes.OK;
        }
        if (!kind.equals("run") && !NetworkGraph.KINDS.contains(kind)) {
            inv.err().println("Unknown command " + kind);
            return NETWORK_FAILED;
        }
        List<NetworkRuns.Run> runs = NetworkRuns.find(namespaceDir(inv), config.projectRoot(),
                inv.env().get("VAGGA_COMMAND"));
        if (runs.isEmpty()) {
            inv.err().println(NOT_IN_SUPERVISE);
            inv.err().println("hint: no !Supervise command of this project with network children is running");
            return NETWORK_FAILED;
        }
        if (runs.size() > 1) {
            List<String> names = runs.stream().map(NetworkRuns.Run::command).sorted().toList();
            inv.err().println("Several !Supervise commands of this project with network children are running "
                    + names + ": set VAGGA_COMMAND to the one meant");
            return NETWORK_FAILED;
        }
        NetworkRuns.Run run = runs.get(0);
        List<String> rest = args.subList(1, args.size());
        if (kind.equals("run")) {
            return runInNode(inv, config, run, rest);
        }
        Map<String, NetworkGraph.Links> graph;
        try {
            graph = NetworkGraph.of(run.ips(), kind, rest);
        } catch (NetworkGraph.BadNodes e) {
            inv.err().println(e.getMessage());
            return NETWORK_FAILED;
        }
        for (Map.Entry<String, NetworkGraph.Links> node : graph.entrySet()) {
            String netns = run.nodes().values().stream().filter(n -> n.ip().equals(node.getKey()))
                    .findFirst().orElseThrow().netns();
            try {
                NetworkTool.run(run.userns(), netns, List.of("iptables-restore", "-w"),
                        NetworkGraph.rules(node.getKey(), node.getValue(), BridgeNetwork.BRIDGE_IP));
            } catch (NetworkTool.Failure e) {
                inv.err().println(e.getMessage());
                return NETWORK_FAILED;
            }
        }
        return ExitCodes.OK;
    }

    /** {@code _network run NODE CMD...}: in the node's network namespace, on the host's file system. */
    private static int runInNode(Invocation inv, Config config, NetworkRuns.Run run, List<String> args) {
        if (args.size() < 2) {
            inv.err().println("Usage: vagga _network run NODE COMMAND [ARGS...]");
            return ExitCodes.BAD_ARGUMENTS;
        }
        String node = args.get(0);
        CommandDef def = config.commands().get(run.command());
        CommandSpec child = def instanceof SuperviseSpec s ? s.children().get(node) : null;
        if (child != null && (child.network() == null || child.network().bridge())) {
            inv.err().println("Node " + node + " does not have IP");
            return NETWORK_FAILED;
        }
        NetworkRuns.Node n = run.nodes().get(node);
        if (n == null) {
            inv.err().println("Node " + node + " is missing");
            return NETWORK_FAILED;
        }
        List<String> argv = new ArrayList<>(NetworkTool.nsenter(run.userns(), n.netns()));
        argv.add(NetworkTool.program(args.get(1)));
        argv.addAll(args.subList(2, args.size()));
        try {
            int code = new ProcessBuilder(argv).inheritIO().start().waitFor();
            if (code == 0) {
                return ExitCodes.OK;
            }
            inv.err().println("Error running " + args.get(1) + ": exited with code " + code);
        } catch (IOException e) {
            inv.err().println("Error running " + args.get(1) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return NETWORK_FAILED;
    }
}
