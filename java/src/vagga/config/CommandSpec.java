// A !Command: one process in one container; also a !Supervise child.
package vagga.config;

import java.util.List;
import java.util.Map;

/** Every component but the position is a YAML key, declared once in {@link Keys} (spelling, type, default). */
public record CommandSpec(Position position, String container, Run run,
                          Map<String, String> environ, String workDir, Map<String, Volume> volumes,
                          int userId, int groupId, List<Integer> supplementaryGids,
                          Integer externalUserId, WriteMode writeMode, List<String> tags,
                          String passTcpSocket, String description, List<String> prerequisites,
                          String options, boolean acceptsArguments, List<String> aliases,
                          String group, Network network, String epilog, boolean isolateNetwork,
                          Readiness ready, List<String> after, RestartPolicy restart,
                          long expectInotifyLimit, String symlinkName) implements CommandDef {
    /** Without isolate-network, ready and after (what tests and other packages build by hand). */
    public CommandSpec(Position position, String container, Run run, Map<String, String> environ, String workDir,
                       Map<String, Volume> volumes, int userId, int groupId, List<Integer> supplementaryGids,
                       Integer externalUserId, WriteMode writeMode, List<String> tags, String passTcpSocket,
                       String description, List<String> prerequisites, String options, boolean acceptsArguments,
                       List<String> aliases, String group, Network network, String epilog) {
        this(position, container, run, environ, workDir, volumes, userId, groupId, supplementaryGids, externalUserId,
                writeMode, tags, passTcpSocket, description, prerequisites, options, acceptsArguments, aliases, group,
                network, epilog, false, null, List.of(), RestartPolicy.NEVER, 0, null);
    }

    /** This spec with another network: a !BridgeCommand's is {@link Network#BRIDGE}. */
    public CommandSpec withNetwork(Network n) {
        return new CommandSpec(position, container, run, environ, workDir, volumes, userId, groupId, supplementaryGids,
                externalUserId, writeMode, tags, passTcpSocket, description, prerequisites, options, acceptsArguments,
                aliases, group, n, epilog, isolateNetwork, ready, after, restart, expectInotifyLimit, symlinkName);
    }

    /** The keys of a !Command (top-level, or a !Supervise child), read only when YAML is. */
    static final class Keys {
        private Keys() {}

        private static final Schema<CommandSpec> ALL = Schema.of(CommandSpec.class, ConfigReader.ACCEPTED_EVERYWHERE,
                Schema.requiredString("container"),
                Schema.key("run", Readings.RUN).required(),
                Schema.stringMap("environ"),
                // null: the caller's directory
                Schema.key("work-dir", Readings.WORK_DIR),
                Schema.key("volumes", Readings.VOLUMES),
                Schema.integer("user-id", 0, 0, ConfigReader.MAX_ID),
                Schema.integer("group-id", 0, 0, ConfigReader.MAX_ID),
                Schema.key("supplementary-gids", Readings.IDS),
                Schema.optionalInt("external-user-id", 0, ConfigReader.MAX_ID),
                Schema.choice("write-mode", WriteMode.class, WriteMode.READ_ONLY),
                Schema.strings("tags"),
                Schema.string("pass-tcp-socket", null),
                Schema.string("description", null),
                Schema.strings("prerequisites"),
                Schema.string("options", null),
                Schema.key("accepts-arguments", Readings.ACCEPTS_ARGUMENTS),
                Schema.strings("aliases"),
                Schema.string("group", null),
                // a bridged child's ip and ports (README "Network testing"); !BridgeCommand sets its own
                Schema.key("network", Readings.NETWORK),
                // printed after a successful run of a top-level command; ignored for a supervise child
                Schema.string("epilog", null),
                // ours (SPEC 7): readiness and start order of a supervise child
                Schema.key("ready", Readings.READY),
                Schema.strings("after"),
                Schema.choice("restart", RestartPolicy.class, RestartPolicy.NEVER),
                // a plain command's own network namespace with only lo (a child's is its supervise's)
                Schema.bool("isolate-network", false),
                Schema.choice("pid1mode", java.util.List.of("exec", "wait", "wait-all-children")).accepted());

        /** A top-level !Command: no `network`. */
        static final Schema<CommandSpec> COMMAND = ALL.without("network", "ready", "after", "restart");

        /** A !Supervise child: no `options`. */
        static final Schema<CommandSpec> CHILD = ALL.without("options");
    }
}
