// A !CapsuleCommand: a command run in the capsule (no container of its own), with vagga's keys.
package vagga.config;

import java.util.List;
import java.util.Map;

/** vagga's CapsuleInfo: every component but the position is a YAML key, declared once in {@link Keys}. */
public record CapsuleCommandSpec(Position position, String description, String epilog, String passTcpSocket,
                                 List<String> prerequisites, String options, long expectInotifyLimit,
                                 String symlinkName, List<String> uids, List<String> gids, String workDir,
                                 Run run, Map<String, String> environ, boolean acceptsArguments,
                                 List<String> aliases, String group) implements CommandDef {
    /** The keys of a !CapsuleCommand, read only when YAML is. */
    static final class Keys {
        private Keys() {}

        static final Schema<CapsuleCommandSpec> CAPSULE = Schema.of(CapsuleCommandSpec.class,
                ConfigReader.ACCEPTED_EVERYWHERE,
                Schema.string("description", null),
                Schema.string("epilog", null),
                Schema.string("pass-tcp-socket", null),
                Schema.strings("prerequisites"),
                Schema.string("options", null),
                Schema.strings("tags").accepted(),
                Schema.key("uids", Readings.ID_RANGES),
                Schema.key("gids", Readings.ID_RANGES),
                Schema.key("work-dir", Readings.WORK_DIR),
                Schema.key("run", Readings.RUN).required(),
                Schema.stringMap("environ"),
                Schema.key("accepts-arguments", Readings.ACCEPTS_ARGUMENTS),
                Schema.strings("aliases"),
                Schema.string("group", null));
    }
}
