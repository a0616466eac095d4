// A supervise child's place on vagga's bridge: its `network:` (ip, hostname, ports), or a !BridgeCommand.
package vagga.config;

import java.util.Map;

/**
 * @param bridge   a {@code !BridgeCommand}: runs in the run's bridge namespace itself (no ip of its own)
 * @param ip       the child's address on the bridge, in {@link #CHILDREN_NETWORK}; null for a bridge
 * @param hostname vagga's {@code hostname} (accepted; see the README)
 * @param ports    host port -> container port, forwarded from vagga's gateway address
 */
public record Network(boolean bridge, String ip, String hostname, Map<Integer, Integer> ports) {
    /** vagga's children network: the bridge of a run holds {@code .254}. */
    public static final String CHILDREN_NETWORK = "172.23.0.0/24";

    /** A !BridgeCommand's. */
    public static final Network BRIDGE = new Network(true, null, null, Map.of());

    /** Null when {@code ip} is a usable child address (172.23.0.1 to .253), else what is wrong with it. */
    static String checkIp(String ip) {
        String[] parts = ip.split("\\.", -1);
        int[] bytes = new int[4];
        boolean dotted = parts.length == 4;
        for (int i = 0; dotted && i < 4; i++) {
            dotted = parts[i].matches("[0-9]{1,3}") && Integer.parseInt(parts[i]) <= 255;
            bytes[i] = dotted ? Integer.parseInt(parts[i]) : 0;
        }
        if (!dotted) {
            return "network ip must be an IPv4 address, found \"" + ip + "\"";
        }
        if (bytes[0] != 172 || bytes[1] != 23 || bytes[2] != 0 || bytes[3] == 0 || bytes[3] >= 254) {
            return "network ip must be in vagga's children network " + CHILDREN_NETWORK
                    + " (172.23.0.1 to 172.23.0.253; .254 is the bridge), found \"" + ip + "\"";
        }
        return null;
    }
}
