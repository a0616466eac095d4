// A container definition: how its root is built and what every process in it gets.
package vagga.config;

import java.util.List;
import java.util.Map;

public record Container(String name, Position position, List<BuildStep> setup,
                        Map<String, String> environ, Map<String, Volume> volumes,
                        List<String> defaultShell, List<String> uids, List<String> gids,
                        String resolvConfPath, String hostsFilePath) {
    /** The shell a string `run:` goes through when the container names none. */
    public static final List<String> DEFAULT_SHELL = List.of("/bin/sh", "-c");

    /** True when the container's only step is {@code !HostRoot}. */
    public boolean isHostRoot() {
        return setup.size() == 1 && setup.get(0) instanceof BuildStep.HostRoot;
    }
}
