// vagga's `_network` partitions as pure data: which peers each bridged child drops, and its firewall text.
package vagga.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * As vagga: every kind rewrites the whole filter table of every node (idempotent and atomic per
 * node), so the result never depends on what ran before. A node is a child with an ip; the
 * bridge (172.23.0.254, the !BridgeCommand children and the way out) is never cut off.
 */
public final class NetworkGraph {
    private NetworkGraph() {}

    /** What one node keeps. */
    public sealed interface Links {}

    /** Everything passes. */
    public record Full() implements Links {}

    /** Only the bridge's address passes. */
    public record Isolate() implements Links {}

    /** Everything but what comes from these peers' ips. */
    public record DropSome(List<String> peers) implements Links {}

    /** A bad node list; the message is vagga's. */
    public static final class BadNodes extends Exception {
        public BadNodes(String message) {
            super(message);
        }
    }

    /** The kinds vagga's {@code _network} knows (besides {@code run}). */
    public static final List<String> KINDS = List.of("fullmesh", "disjoint", "split", "isolate");

    /**
     * @param ips   node name -> ip, of the running children with an ip
     * @param kind  one of {@link #KINDS}
     * @param nodes the kind's arguments (clusters separated by "--" for disjoint and split)
     * @return ip -> its links
     */
    public static Map<String, Links> of(Map<String, String> ips, String kind, List<String> nodes) throws BadNodes {
        return switch (kind) {
            case "fullmesh" -> fullMesh(ips);
            case "isolate" -> isolate(ips, nodes);
            case "disjoint" -> partition(ips, nodes, true);
            case "split" -> partition(ips, nodes, false);
            default -> throw new BadNodes("Unknown command " + kind);
        };
    }

    private static Map<String, Links> fullMesh(Map<String, String> ips) {
        Map<String, Links> graph = new LinkedHashMap<>();
        ips.values().forEach(ip -> graph.put(ip, new Full()));
        return graph;
    }

    private static Map<String, Links> isolate(Map<String, String> ips, List<String> nodes) throws BadNodes {
        Map<String, Links> graph = fullMesh(ips);
        for (String node : nodes) {
            String ip = ips.get(node);
            if (ip == null) {
                throw new BadNodes("Node " + node + " does not exists");
            }
            graph.put(ip, new Isolate());
        }
        return graph;
    }

    /** disjoint ({@code checkAll}: each node exactly once) and split (a node may be in several clusters). */
    private static Map<String, Links> partition(Map<String, String> ips, List<String> nodes, boolean checkAll)
            throws BadNodes {
        Map<String, Links> graph = fullMesh(ips);
        Set<String> visited = new LinkedHashSet<>();
        List<List<String>> clusters = new ArrayList<>();
        List<String> cluster = new ArrayList<>();
        for (String v : nodes) {
            if (v.equals("--")) {
                if (!cluster.isEmpty()) {
                    clusters.add(cluster);
                    cluster = new ArrayList<>();
                }
                continue;
            }
            String ip = ips.get(v);
            if (ip == null) {
                throw new BadNodes("Node " + v + " does not exists or has no IP");
            }
            cluster.add(ip);
            if (!visited.add(ip) && checkAll) {
                throw new BadNodes("Duplicate node " + v + " (or it's IP)");
            }
        }
        if (!cluster.isEmpty()) {
            clusters.add(cluster);
        }
        if (checkAll) {
            for (Map.Entry<String, String> e : ips.entrySet()) {
                if (!visited.contains(e.getValue())) {
                    throw new BadNodes("Node " + e.getKey() + " is missing. "
                            + "You may use 'split' command if you want to skip some nodes");
                }
            }
        }
        for (String ip : graph.keySet()) {
            if (!visited.contains(ip)) {
                graph.put(ip, new Isolate());
            }
        }
        for (String i : visited) {
            List<String> dropped = new ArrayList<>();
            for (String j : visited) {
                if (!i.equals(j) && clusters.stream().noneMatch(c -> c.contains(i) && c.contains(j))) {
                    dropped.add(j);
                }
            }
            if (!dropped.isEmpty()) {
                graph.put(i, new DropSome(List.copyOf(dropped)));
            }
        }
        return graph;
    }

    /** The filter table for node {@code ip}, for iptables-restore (it replaces the whole table). */
    public static String rules(String ip, Links links, String bridgeIp) {
        StringBuilder b = new StringBuilder("*filter\n");
        if (links instanceof Isolate) {
            b.append(":INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT DROP [0:0]\n")
                    .append("-A INPUT -s ").append(bridgeIp).append("/32 -j ACCEPT\n")
                    .append("-A OUTPUT -d ").append(bridgeIp).append("/32 -j ACCEPT\n");
        } else {
            // FORWARD stays closed: a child is not expected to route (nested networks)
            b.append(":INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n");
            if (links instanceof DropSome d) {
                for (String peer : d.peers()) {
                    b.append("-A INPUT -s ").append(peer).append("/32 -d ").append(ip).append("/32 -j DROP\n");
                }
            }
        }
        return b.append("COMMIT\n").toString();
    }
}
