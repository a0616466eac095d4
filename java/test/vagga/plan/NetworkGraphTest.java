// vagga's _network kinds as data: who drops whom, and the firewall text each node gets.
package vagga.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class NetworkGraphTest {
    private static final String A = "172.23.0.1", B = "172.23.0.2", C = "172.23.0.3";
    private final Map<String, String> ips = new LinkedHashMap<>(Map.of("a", A, "b", B, "c", C));

    private Map<String, NetworkGraph.Links> graph(String kind, String... nodes) throws NetworkGraph.BadNodes {
        return NetworkGraph.of(ips, kind, List.of(nodes));
    }

    @Test
    void fullmeshLeavesEveryNodeOpen() throws Exception {
        graph("fullmesh").values().forEach(l -> assertEquals(new NetworkGraph.Full(), l));
        assertEquals(3, graph("fullmesh").size());
    }

    @Test
    void isolateCutsOnlyTheNamedNodes() throws Exception {
        Map<String, NetworkGraph.Links> g = graph("isolate", "b");
        assertEquals(new NetworkGraph.Isolate(), g.get(B));
        assertEquals(new NetworkGraph.Full(), g.get(A));
        assertEquals(new NetworkGraph.Full(), g.get(C));
    }

    @Test
    void disjointDropsThePairsInDifferentClusters() throws Exception {
        Map<String, NetworkGraph.Links> g = graph("disjoint", "a", "b", "--", "c");
        assertEquals(new NetworkGraph.DropSome(List.of(C)), g.get(A));
        assertEquals(new NetworkGraph.DropSome(List.of(C)), g.get(B));
        assertEquals(List.of(A, B), ((NetworkGraph.DropSome) g.get(C)).peers().stream().sorted().toList());
    }

    @Test
    void splitIsolatesWhatItDoesNotNameAndLetsANodeBridgeTwoClusters() throws Exception {
        Map<String, NetworkGraph.Links> g = graph("split", "a", "b", "--", "b");
        assertEquals(new NetworkGraph.Isolate(), g.get(C));
        assertEquals(new NetworkGraph.Full(), g.get(A));
        assertEquals(new NetworkGraph.Full(), g.get(B));
        Map<String, NetworkGraph.Links> two = graph("split", "a", "b", "--", "b", "c");
        assertEquals(new NetworkGraph.DropSome(List.of(C)), two.get(A));
        assertEquals(new NetworkGraph.Full(), two.get(B));
        assertEquals(new NetworkGraph.DropSome(List.of(A)), two.get(C));
    }

    @Test
    void badNodesGetVaggasMessages() {
        assertEquals("Node x does not exists", assertThrows(NetworkGraph.BadNodes.class,
                () -> graph("isolate", "x")).getMessage());
        assertEquals("Node x does not exists or has no IP", assertThrows(NetworkGraph.BadNodes.class,
                () -> graph("split", "x")).getMessage());
        assertEquals("Duplicate node a (or it's IP)", assertThrows(NetworkGraph.BadNodes.class,
                () -> graph("disjoint", "a", "--", "a")).getMessage());
        assertTrue(assertThrows(NetworkGraph.BadNodes.class, () -> graph("disjoint", "a", "b"))
                .getMessage().startsWith("Node c is missing. You may use 'split'"));
        assertEquals("Unknown command fullstop", assertThrows(NetworkGraph.BadNodes.class,
                () -> graph("fullstop")).getMessage());
    }

    @Test
    void rulesReplaceTheWholeFilterTable() {
        assertEquals("*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT DROP [0:0]\n"
                + "-A INPUT -s 172.23.0.254/32 -j ACCEPT\n-A OUTPUT -d 172.23.0.254/32 -j ACCEPT\nCOMMIT\n",
                NetworkGraph.rules(A, new NetworkGraph.Isolate(), "172.23.0.254"));
        assertEquals("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
                + "-A INPUT -s 172.23.0.3/32 -d 172.23.0.1/32 -j DROP\nCOMMIT\n",
                NetworkGraph.rules(A, new NetworkGraph.DropSome(List.of(C)), "172.23.0.254"));
    }
}
