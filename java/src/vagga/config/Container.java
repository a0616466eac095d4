// A container definition: how its root is built and what every process in it gets.
package vagga.config;

import java.util.List;
import java.util.Map;

public record Container(String name, Position position, List<BuildStep> setup,
                        Map<String, String> environ, Map<String, Volume> volumes,
                        List<String> defaultShell, List<String> uids, List<String> gids,
                        String resolvConfPath, String hostsFilePath, boolean autoClean,
                        String environFile, String imageCacheUrl, List<String> dataDirs) {
    /** Without auto-clean, environ-file, image-cache-url and data-dirs (what tests build by hand). */
    public Container(String name, Position position, List<BuildStep> setup, Map<String, String> environ,
                     Map<String, Volume> volumes, List<String> defaultShell, List<String> uids, List<String> gids,
                     String resolvConfPath, String hostsFilePath) {
        this(name, position, setup, environ, volumes, defaultShell, uids, gids, resolvConfPath, hostsFilePath,
                false, null, null, List.of());
    }

    /** resolv-conf-path / hosts-file-path given as null: the host's file is not shown at all. */
    public static final String NO_HOST_FILE = "";

    /** The shell a string `run:` goes through when the container names none. */
    public static final List<String> DEFAULT_SHELL = List.of("/bin/sh", "-c");

    /** The keys of a container, read only when YAML is. */
    static final class Keys {
        private Keys() {}

        static final List<String> DEFAULT_ID_RANGE = List.of("0-65535");

        static final Schema<Container> CONTAINER = Schema.of(Container.class,
                Schema.given("name"),
                Schema.key("setup", Readings.STEPS),
                Schema.stringMap("environ"),
                Schema.key("volumes", Readings.VOLUMES),
                Schema.key("default-shell", Readings.NONEMPTY_STRINGS, DEFAULT_SHELL),
                Schema.key("uids", Readings.ID_RANGES, DEFAULT_ID_RANGE),
                Schema.key("gids", Readings.ID_RANGES, DEFAULT_ID_RANGE),
                Schema.key("resolv-conf-path", Readings.HOST_FILE_PATH, "/etc/resolv.conf"),
                Schema.key("hosts-file-path", Readings.HOST_FILE_PATH, "/etc/hosts"),
                Schema.bool("auto-clean", false),
                Schema.string("environ-file", null),
                Schema.string("image-cache-url", null),
                Schema.key("data-dirs", Readings.ABSOLUTE_PATHS));
    }

    /** True when the container's only step is {@code !HostRoot}. */
    public boolean isHostRoot() {
        return setup.size() == 1 && setup.get(0) instanceof BuildStep.HostRoot;
    }
}
