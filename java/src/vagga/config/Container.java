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
        static {
            // the record first: JDK 17's CDS archives a lambda only if its nest host is linked at the
            // time, and these are made before anything else uses the record (each spun anew otherwise)
            Schema.linkNestHost(Container.class);
        }

        private Keys() {}

        static final List<String> DEFAULT_ID_RANGE = List.of("0-65535");

        static final Schema<Container> CONTAINER = Schema.of(Container.class,
                Schema.given("name"),
                Schema.key("setup", StepReader::read),
                Schema.stringMap("environ"),
                Schema.key("volumes", VolumeReader::read),
                Schema.key("default-shell", (f, k) -> orElse(f.strings(k), DEFAULT_SHELL)),
                Schema.key("uids", (f, k) -> orElse(ConfigReader.idRanges(f, k), DEFAULT_ID_RANGE)),
                Schema.key("gids", (f, k) -> orElse(ConfigReader.idRanges(f, k), DEFAULT_ID_RANGE)),
                Schema.key("resolv-conf-path", (f, k) -> hostFilePath(f, k, "/etc/resolv.conf")),
                Schema.key("hosts-file-path", (f, k) -> hostFilePath(f, k, "/etc/hosts")),
                Schema.bool("auto-clean", false),
                Schema.string("environ-file", null),
                Schema.string("image-cache-url", null),
                Schema.key("data-dirs", Keys::absolutePaths));

        /** An explicit null is vagga's "copy no file": {@link #NO_HOST_FILE}. */
        private static String hostFilePath(Fields f, String key, String dflt) {
            return f.isExplicitNull(key) ? NO_HOST_FILE : f.string(key, dflt);
        }

        /** data-dirs: paths inside the container, so absolute (vagga validates them so). */
        private static List<String> absolutePaths(Fields f, String key) {
            List<String> paths = f.strings(key);
            for (String p : paths) {
                if (!p.startsWith("/")) {
                    f.problems().add(f.get(key).position(), key + " \"" + p + "\" must be absolute");
                }
            }
            return paths;
        }

        /** An empty list is the default too, as in vagga. */
        private static List<String> orElse(List<String> list, List<String> dflt) {
            return list.isEmpty() ? dflt : list;
        }
    }

    /** True when the container's only step is {@code !HostRoot}. */
    public boolean isHostRoot() {
        return setup.size() == 1 && setup.get(0) instanceof BuildStep.HostRoot;
    }
}
