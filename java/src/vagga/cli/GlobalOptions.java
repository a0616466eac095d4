// The global flags of `vagga` (SPEC 2.1), parsed by picocli up to the first positional.
package vagga.cli;

import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "vagga", sortOptions = false,
        description = {
            "Runs the commands of a project's vagga.yaml, each process in its own container.",
            "Without COMMAND: lists the project's commands (on stderr, exit 127)."},
        footer = {"",
            "Built-in commands: _list, _build, _run, _clean, _version_hash, _base_dir,",
            "_relative_work_dir, _pack_image, _push_image, _update_symlinks, _capsule,",
            "_check_overlayfs_support, _hardlink, _verify, _dump_config, _build_shell,",
            "_init_storage_dir, _help. A supervise command takes --only/--exclude NAME_OR_TAG...",
            "Run `vagga COMMAND --help` for a command's own options."})
final class GlobalOptions {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "Print the version and exit.")
    boolean version;

    @Option(names = {"-E", "--env", "--environ"}, paramLabel = "NAME=VALUE",
            description = "Set an environment variable in the containers (repeatable).")
    List<String> environ = new ArrayList<>();

    @Option(names = {"-e", "--use-env"}, paramLabel = "NAME",
            description = "Pass a variable of this environment into the containers (repeatable).")
    List<String> useEnv = new ArrayList<>();

    @Option(names = "--ignore-owner-check",
            description = "Run as root even in a project directory that belongs to another user.")
    boolean ignoreOwnerCheck;

    @Option(names = "--no-prerequisites", description = "Don't run the prerequisites of the command.")
    boolean noPrerequisites;

    @Option(names = "--containers-only", description = "Build the command's containers, then exit.")
    boolean containersOnly;

    @Option(names = {"--no-image-download", "--no-image"},
            description = "Do not download a container's image (image-cache-url): build it locally.")
    boolean noImageDownload;

    @Option(names = "--no-build",
            description = "Do not build containers, even out of date ones; exit 29 when one is not built.")
    boolean noBuild;

    @Option(names = "--no-version-check",
            description = "Use whatever .vagga/CONTAINER links to, without versioning (implies --no-build).")
    boolean noVersionCheck;

    @Option(names = {"--isolate-network", "--no-network", "--no-net"},
            description = "Run the processes in a network namespace with only a loopback.")
    boolean isolateNetwork;

    @Option(names = {"-m", "--run-multi"},
            description = "Run several commands (the positionals) in turn; the first failure stops.")
    boolean runMulti;

    @Option(names = "--prefix",
            description = "Ours: prefix each line of a supervise's children with the child's name "
                    + "(also VAGGA_PREFIX=1 or the setting prefix-output: true).")
    boolean prefix;

    @Option(names = "--summary", description = "Ours: after a supervise run, how each child ended, on stderr "
            + "(the default when stderr is a terminal).")
    boolean summaryOn;

    @Option(names = "--no-summary", description = "Ours: no summary after a supervise run.")
    boolean summaryOff;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Ours: write how the supervise run went (children, pids, times, statuses) to FILE as JSON.")
    String report;

    @Option(names = "--debug", description = "Debug logging and stack traces (also VAGGA_DEBUG=1).")
    boolean debug;

    @Parameters(paramLabel = "COMMAND", arity = "0..*",
            description = "The command to run, then its arguments.")
    List<String> command = new ArrayList<>();

    /**
     * Set when vagga was called through a symlink named like a command (vagga's check_export):
     * that name, and every argument is the command's (nothing above is parsed).
     */
    String symlinkCommand;
    String[] symlinkArgs;

    /** The build mode the flags ask for; the strongest one wins when several are given. */
    vagga.image.BuildMode buildMode() {
        return noVersionCheck ? vagga.image.BuildMode.NO_VERSION_CHECK
                : noBuild ? vagga.image.BuildMode.NO_BUILD
                : noImageDownload ? vagga.image.BuildMode.NO_IMAGE_DOWNLOAD
                : vagga.image.BuildMode.NORMAL;
    }

    /** Sets the flag of {@code mode} as picocli would for its option (see {@link vagga.image.BuildMode#ofOption}). */
    void buildModeFlag(vagga.image.BuildMode mode) {
        switch (mode) {
            case NO_IMAGE_DOWNLOAD -> noImageDownload = true;
            case NO_BUILD -> noBuild = true;
            case NO_VERSION_CHECK -> noVersionCheck = true;
            case NORMAL -> { }
        }
    }

    /** --no-summary wins over --summary; null when neither is given (on when stderr is a terminal). */
    Boolean summary() {
        return summaryOff ? Boolean.FALSE : summaryOn ? Boolean.TRUE : null;
    }
}
