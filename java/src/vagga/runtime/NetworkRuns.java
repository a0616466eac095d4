// The running supervise commands with bridged children, as `vagga _network` finds them.
package vagga.runtime;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the files {@link BridgeNetwork#publish} writes. A run is alive while the fd it named still
 * shows the same namespace (a reused pid shows another one, or none); a dead run's file is removed.
 */
public final class NetworkRuns {
    private NetworkRuns() {}

    /** A bridged child of a run: its ip and a path naming its namespace. */
    public record Node(String ip, String netns) {}

    /**
     * One live run; {@code userns}: a path of the user namespace owning its namespaces (an
     * ordinary user's run: tools enter it first), or null.
     */
    public record Run(Path project, String command, String bridge, String userns, Map<String, Node> nodes) {
        /** node name -> ip. */
        public Map<String, String> ips() {
            Map<String, String> out = new LinkedHashMap<>();
            nodes.forEach((name, node) -> out.put(name, node.ip()));
            return out;
        }
    }

    /** The live runs of {@code project} (all of them when null), {@code command} too when not null. */
    public static List<Run> find(Path namespaceDir, Path project, String command) {
        List<Run> runs = new ArrayList<>();
        Path dir = namespaceDir.resolve("runs");
        if (!Files.isDirectory(dir)) {
            return runs;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "[0-9]*")) {
            for (Path file : files) {
                Run run = read(file);
                if (run == null) {
                    Files.deleteIfExists(file);
                } else if ((project == null || same(run.project(), project))
                        && (command == null || command.equals(run.command()))) {
                    runs.add(run);
                }
            }
        } catch (IOException e) {
            // an unreadable directory: no run found
        }
        return runs;
    }

    private static boolean same(Path a, Path b) {
        try {
            return a.toRealPath().equals(b.toRealPath());
        } catch (IOException e) {
            return a.equals(b);
        }
    }

    /** Null when the run is gone. */
    private static Run read(Path file) throws IOException {
        Path project = null;
        String command = null;
        String bridge = null;
        String userns = null;
        Map<String, Node> nodes = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] w = line.split(" ");
            switch (w[0]) {
                case "project" -> project = Path.of(line.substring("project ".length()));
                case "command" -> command = line.substring("command ".length());
                case "userns" -> userns = line.substring("userns ".length());
                case "bridge" -> {
                    if (w.length != 3 || !alive(w[1], w[2])) {
                        return null;
                    }
                    bridge = w[1];
                }
                case "child" -> {
                    if (w.length == 5 && alive(w[3], w[4])) {
                        nodes.put(w[1], new Node(w[2], w[3]));
                    }
                }
                default -> {
                }
            }
        }
        return project == null || bridge == null ? null : new Run(project, command, bridge, userns, nodes);
    }

    private static boolean alive(String path, String identity) {
        try {
            return Files.readSymbolicLink(Path.of(path)).toString().equals(identity);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
