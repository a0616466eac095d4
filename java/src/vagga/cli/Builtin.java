// The one table of vagga's built-in commands (_build, _run, _list, ...): each one's handler and where it is shown.
package vagga.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import vagga.config.Config;
import vagga.linux.EarlySignals;
import vagga.plan.ExitCodes;

/**
 * Dispatch, the completion of {@code _compgen}, {@code _list --builtin} and the hint of an unknown
 * command all read this table, so a built-in is added in one place. Its order is vagga's completion
 * order (its {@code launcher/completion.rs}); the built-ins vagga does not complete follow. An enum
 * with one switch for the handlers, not a map of method references: resolving those would load
 * every command's class (and spin a lambda class each) at every start of a built-in.
 */
enum Builtin {
    BUILD("_build", Signals.DEFAULT, true, List.of(flag("--force")), 1, "Build a container"),
    BUILD_SHELL("_build_shell", Signals.DEFAULT, Shown.COMPLETION, false, List.of()),
    CLEAN("_clean", Signals.DEFAULT, false, List.of(flag("--tmp", "--tmp-folders"), flag("--old", "--old-containers"),
            flag("--unused"), flag("--transient"), flag("--global"), flag("-n", "--dry-run")),
            3, "Clean containers and build artifacts"),
    CREATE_NETNS("_create_netns", Signals.DEFAULT, Shown.COMPLETION, false,
            List.of(flag("--dry-run"), flag("--no-iptables"))),
    DESTROY_NETNS("_destroy_netns", Signals.DEFAULT, Shown.COMPLETION, false,
            List.of(flag("--dry-run"), flag("--no-iptables"))),
    INIT_STORAGE_DIR("_init_storage_dir", Signals.DEFAULT, Shown.COMPLETION, false, List.of()),
    LIST("_list", Signals.EARLY, false, List.of(), 4, "List of built-in commands"),
    PACK_IMAGE("_pack_image", Signals.EARLY, Shown.COMPLETION, true, List.of(valued("-f", "--file"))),
    PUSH_IMAGE("_push_image", Signals.EARLY, Shown.COMPLETION, true, List.of()),
    RUN("_run", Signals.DEFAULT, true, List.of(flag("-W", "--writable")), 2,
            "Run arbitrary command, optionally building container"),
    RUN_IN_NETNS("_run_in_netns", Signals.DEFAULT, Shown.COMPLETION, true, List.of(valued("--pid"))),
    VERSION_HASH("_version_hash", Signals.DEFAULT, Shown.COMPLETION, true, List.of(flag("-s", "--short"), flag("-fd3"))),
    CHECK_OVERLAYFS_SUPPORT("_check_overlayfs_support", Signals.EARLY, Shown.COMPLETION, false, List.of()),
    BASE_DIR("_base_dir", Signals.EARLY, false, List.of(), 5, "Display a directory which contains vagga.yaml"),
    RELATIVE_WORK_DIR("_relative_work_dir", Signals.EARLY, false, List.of(), 6,
            "Display a relative path from the current working directory to the directory containing vagga.yaml"),
    UPDATE_SYMLINKS("_update_symlinks", Signals.EARLY, false, List.of(flag("--local-only"), flag("--user-only")), 7,
            "Updates symlinks to vagga for commands having ``symlink-name`` in this project"),
    // vagga's, not completed by it
    HARDLINK("_hardlink", Signals.DEFAULT, Shown.HINT, false, List.of()),
    VERIFY("_verify", Signals.DEFAULT, Shown.HINT, false, List.of()),
    DUMP_CONFIG("_dump_config", Signals.DEFAULT, Shown.HINT, false, List.of()),
    CAPSULE("_capsule", Signals.EARLY, Shown.HINT, false, List.of()),
    NETWORK("_network", Signals.DEFAULT, Shown.HINT, false, List.of()),
    COMPGEN("_compgen", Signals.EARLY, Shown.HIDDEN, false, List.of()),
    HELP("_help", Signals.EARLY, Shown.HIDDEN, false, List.of()),
    // ours
    STATUS("_status", Signals.EARLY, Shown.HINT, false, List.of()),
    RESTART("_restart", Signals.EARLY, Shown.HINT, false, List.of()),
    EXPORT("_export", Signals.EARLY, Shown.HINT, false, List.of());

    /** Where a built-in is offered; each level includes the ones before it. */
    enum Shown {
        /** Nowhere: run when named, never suggested (vagga's internal _compgen, _help). */
        HIDDEN,
        /** In the "did you mean" hint of an unknown command. */
        HINT,
        /** Also among the completions of {@code vagga _compgen -- _}. */
        COMPLETION,
        /** Also in {@code _list --builtin} (vagga lists only a few). */
        LIST
    }

    /**
     * DEFAULT: the command builds, cleans or runs under the default signal dispositions (README
     * "Signals"), so the early signal block is released before it starts; EARLY: it keeps them.
     */
    private enum Signals { DEFAULT, EARLY }

    /** An option as completion offers it: its spellings, and whether the next word is its value. */
    record Option(List<String> names, boolean takesValue) {}

    private final String command;
    private final Signals signals;
    private final Shown shown;
    private final boolean takesContainer;
    private final List<Option> options;
    private final int listRank;
    private final String description;

    Builtin(String command, Signals signals, Shown shown, boolean takesContainer, List<Option> options) {
        this(command, signals, shown, takesContainer, options, 0, null);
    }

    /** One of {@code _list --builtin}: its place there (vagga's order) and vagga's description. */
    Builtin(String command, Signals signals, boolean takesContainer, List<Option> options, int listRank,
            String description) {
        this(command, signals, Shown.LIST, takesContainer, options, listRank, description);
    }

    Builtin(String command, Signals signals, Shown shown, boolean takesContainer, List<Option> options, int listRank,
            String description) {
        this.command = command;
        this.signals = signals;
        this.shown = shown;
        this.takesContainer = takesContainer;
        this.options = options;
        this.listRank = listRank;
        this.description = description;
    }

    private static Option flag(String... names) {
        return new Option(List.of(names), false);
    }

    private static Option valued(String... names) {
        return new Option(List.of(names), true);
    }

    /** Its name on the command line ("_build"). */
    String command() {
        return command;
    }

    /** Completion offers the container names after it. */
    boolean takesContainer() {
        return takesContainer;
    }

    /** Its options, as completion offers them. */
    List<Option> options() {
        return options;
    }

    /** vagga's line in {@code _list --builtin}; null for one it does not list. */
    String description() {
        return description;
    }

    boolean shownIn(Shown where) {
        return shown.compareTo(where) >= 0;
    }

    /** The built-in named {@code command}, or null. */
    static Builtin find(String command) {
        for (Builtin b : values()) {
            if (b.command.equals(command)) {
                return b;
            }
        }
        return null;
    }

    /** The built-ins offered in {@code where}, in the table's order. */
    static List<Builtin> shownIn(Shown where, List<Builtin> into) {
        for (Builtin b : values()) {
            if (b.shownIn(where)) {
                into.add(b);
            }
        }
        return into;
    }

    /** The built-ins of {@code _list --builtin}, in vagga's order. */
    static List<Builtin> listed() {
        List<Builtin> listed = shownIn(Shown.LIST, new ArrayList<>());
        listed.sort(Comparator.comparingInt(b -> b.listRank));
        return listed;
    }

    /** Runs this built-in: its exit code. */
    int run(Invocation inv, Config config, List<String> args) {
        if (signals == Signals.DEFAULT) {
            EarlySignals.release();
        }
        return switch (this) {
            case BUILD -> BuildCommand.run(inv, config, args);
            case BUILD_SHELL -> BuildShellCommand.run(inv, config, args);
            case CLEAN -> CleanCommand.run(inv, config, args);
            case CREATE_NETNS -> NetworkCommands.create(inv, args);
            case DESTROY_NETNS -> NetworkCommands.destroy(inv, args);
            case INIT_STORAGE_DIR -> InitStorageDirCommand.run(inv, config, args);
            case LIST -> CommandList.list(config, args, inv.out(), inv.err());
            case PACK_IMAGE -> PackImageCommand.run(inv, config, args);
            case PUSH_IMAGE -> PushImageCommand.run(inv, config, args);
            case RUN -> RunCommand.run(inv, config, args);
            case RUN_IN_NETNS -> NetworkCommands.runIn(inv, config, args);
            case VERSION_HASH -> VersionHashCommand.run(inv, config, args);
            case CHECK_OVERLAYFS_SUPPORT -> OverlayfsCheck.run(inv, args);
            case BASE_DIR -> printed(inv, config.projectRoot().toString());
            case RELATIVE_WORK_DIR -> printed(inv, Dispatch.relativeWorkDir(inv, config));
            case UPDATE_SYMLINKS -> Symlinks.update(inv, config, args);
            case HARDLINK -> HardlinkCommand.run(inv, config, args);
            case VERIFY -> VerifyCommand.run(inv, config, args);
            case DUMP_CONFIG -> DumpConfigCommand.run(inv, config, args);
            case CAPSULE -> Capsule.run(inv, config, args);
            case NETWORK -> NetworkCommands.network(inv, config, args);
            case COMPGEN -> Completion.run(config, args, inv.out());
            case HELP -> help(inv, config, args);
            case STATUS -> Control.status(inv, config, args);
            case RESTART -> Control.restart(inv, config, args);
            case EXPORT -> ExportCommand.run(inv, config, args);
        };
    }

    private static int printed(Invocation inv, String line) {
        inv.out().println(line);
        return ExitCodes.OK;
    }

    /** vagga's `_help CMD`: the command's own help. */
    private static int help(Invocation inv, Config config, List<String> args) {
        if (args.size() != 1) {
            inv.err().println("Usage: vagga _help COMMAND");
            return ExitCodes.BAD_ARGUMENTS;
        }
        if (Commands.find(config, args.get(0)) == null) {
            inv.err().println(Commands.notFound(config, args.get(0)));
            return ExitCodes.RUNTIME_ERROR;
        }
        return Runs.runAll(inv, config, List.of(args.get(0)), List.of("--help"));
    }
}
