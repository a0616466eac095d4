// A !Supervise: several children, each in its own container, watched together.
package vagga.config;

import java.util.List;
import java.util.SortedMap;

/** Children are sorted by name: that is the start order. Keys and defaults: {@link Keys}. */
public record SuperviseSpec(Position position, SuperviseMode mode,
                            SortedMap<String, CommandSpec> children, int killUnresponsiveAfter,
                            String description, String options, List<String> prerequisites,
                            boolean isolateNetwork, String epilog, List<String> aliases,
                            String group, long expectInotifyLimit, String symlinkName) implements CommandDef {
    /** Without expect-inotify-limit and symlink-name (what tests and other packages build by hand). */
    public SuperviseSpec(Position position, SuperviseMode mode, SortedMap<String, CommandSpec> children,
                         int killUnresponsiveAfter, String description, String options, List<String> prerequisites,
                         boolean isolateNetwork, String epilog, List<String> aliases, String group) {
        this(position, mode, children, killUnresponsiveAfter, description, options, prerequisites, isolateNetwork,
                epilog, aliases, group, 0, null);
    }

    /** kill-unresponsive-after when nobody sets it (the schema's default; also what a plain command gets). */
    private static final int DEFAULT_KILL_UNRESPONSIVE_AFTER = 2;

    /**
     * {@link #DEFAULT_KILL_UNRESPONSIVE_AFTER}: a plain command's start reads only this, not the
     * schema (whose first use, reflection and lambdas, costs milliseconds on a cached start).
     */
    public static int defaultKillUnresponsiveAfter() {
        return DEFAULT_KILL_UNRESPONSIVE_AFTER;
    }

    /** The keys of a !Supervise, read only when YAML is. */
    static final class Keys {
        private Keys() {}

        static final Schema<SuperviseSpec> SUPERVISE = Schema.of(SuperviseSpec.class, ConfigReader.ACCEPTED_EVERYWHERE,
                Schema.choice("mode", SuperviseMode.class, SuperviseMode.STOP_ON_FAILURE),
                Schema.key("children", Readings.CHILDREN),
                Schema.integer("kill-unresponsive-after", DEFAULT_KILL_UNRESPONSIVE_AFTER, 1, 86400),
                Schema.string("description", null),
                Schema.string("options", null),
                Schema.strings("prerequisites"),
                Schema.bool("isolate-network", false),
                Schema.string("epilog", null),
                Schema.strings("aliases"),
                Schema.string("group", null),
                // vagga's validator takes them on every command kind (command_fields); its
                // SuperviseInfo has no field for them, so a supervise's own are ignored there too
                Schema.strings("tags").accepted(),
                Schema.string("pass-tcp-socket", null).accepted());
    }
}
