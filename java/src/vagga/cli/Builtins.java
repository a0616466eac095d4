// The built-in commands that build and inspect containers: _build, _run, _clean, _version_hash.
package vagga.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import vagga.config.Config;
import vagga.image.BuildException;
import vagga.image.BuildMode;
import vagga.image.ContainerBuilder;
import vagga.linux.EarlySignals;
import vagga.linux.ExitStatus;
import vagga.linux.LinuxException;
import vagga.plan.ExitCodes;
import vagga.runtime.ContainerRun;
import vagga.runtime.VolumeException;
import vagga.launch.SetupException;

final class Builtins {
    static final Set<String> NAMES = Set.of("_build", "_run", "_clean", "_version_hash", "_hardlink", "_verify", "_dump_config",
            "_init_storage_dir", "_build_shell", "_create_netns", "_destroy_netns", "_run_in_netns", "_network");

    private Builtins() {}

    static boolean handles(String name) {
        return NAMES.contains(name);
    }

    static int run(Invocation inv, Config config, String name, List<String> args) {
        // they build, clean or run under the default dispositions (README "Signals")
        EarlySignals.release();
        switch (name) {
            case "_build": {
                boolean force = false;
                BuildMode mode = inv.options().buildMode();
                String container = null;
                for (String a : args) {
                    if (a.equals("--force")) {
                        force = true;
                    } else if (a.equals("--no-image-download") || a.equals("--no-image")) {
                        mode = BuildMode.NO_IMAGE_DOWNLOAD;
                    } else if (a.equals("-h") || a.equals("--help")) {
                        inv.out().println("Usage: vagga _build [--force] [--no-image-download] CONTAINER\n\n"
                                + "Builds a container (again with --force).");
                        return ExitCodes.OK;
                    } else if (a.startsWith("-") || container != null) {
                        return usage(inv, "_build [--force] CONTAINER", "unexpected argument \"" + a + "\"");
                    } else {
                        container = a;
                    }
                }
                if (container == null) {
                    return usage(inv, "_build [--force] CONTAINER", "a container name is required");
                }
                return build(inv, config, container, force, mode);
            }
            case "_version_hash":
                return VersionHashCommand.run(inv, config, args);
            case "_clean":
                return CleanCommand.run(inv, config, args);
            case "_hardlink":
                return HardlinkCommand.run(inv, config, args);
            case "_verify":
                return VerifyCommand.run(inv, config, args);
            case "_dump_config":
                return DumpConfigCommand.run(inv, config, args);
            case "_init_storage_dir":
                return InitStorageDirCommand.run(inv, config, args);
            case "_build_shell":
                return BuildShellCommand.run(inv, config, args);
            case "_create_netns":
                return NetworkCommands.create(inv, args);
            case "_destroy_netns":
                return NetworkCommands.destroy(inv, args);
            case "_run_in_netns":
                return NetworkCommands.runIn(inv, config, args);
            case "_network":
                return NetworkCommands.network(inv, config, args);
            case "_run": {
                // vagga's _run options come before the container: -W (a writable transient copy) and
                // --isolate-network (a network namespace with only lo), as the global flag does
                boolean writable = false;
                boolean isolate = inv.options().isolateNetwork;
                BuildMode mode = inv.options().buildMode();
                int i = 0;
                for (; i < args.size() && args.get(i).startsWith("-"); i++) {
                    switch (args.get(i)) {
                        case "-W", "--writable", "--writeable" -> writable = true;
                        case "--isolate-network", "--no-network", "--no-net" -> isolate = true;
                        case "--no-image-download", "--no-image" -> mode = BuildMode.NO_IMAGE_DOWNLOAD;
                        case "--no-build" -> mode = BuildMode.NO_BUILD;
                        case "--no-version-check" -> mode = BuildMode.NO_VERSION_CHECK;
                        default -> {
                            return usage(inv, RUN_USAGE, "unexpected option \"" + args.get(i) + "\"");
                        }
                    }
                }
                if (args.size() - i < 2) {
                    return usage(inv, RUN_USAGE, "a container and a command are required");
                }
                return runIn(inv, config, args.get(i), args.subList(i + 1, args.size()), writable, isolate, mode);
            }
            default:
                throw new IllegalArgumentException(name);
        }
    }

    /** `vagga _build [--force] NAME`: 0, or 121 (build failed, unknown container). */
    private static int build(Invocation inv, Config config, String name, boolean force, BuildMode mode) {
        try (ContainerBuilder builder = new ContainerBuilder(null, Runs.caller(inv, config)).mode(mode)) {
            builder.ensureBuilt(config, name, force, new ProgressLines(inv.err()));
            return ExitCodes.OK;
        } catch (BuildException e) {
            inv.err().println(e.getMessage());
            return e.exitCode();
        }
    }

    /** `vagga _run CONTAINER CMD ARGS...`: the command's exit code (128+N for a signal), 121 for build/volume errors. */
    private static final String RUN_USAGE = "_run [-W] [--isolate-network] [--no-build|--no-version-check] CONTAINER COMMAND [ARGS...]";

    private static int runIn(Invocation inv, Config config, String container, List<String> argv,
                             boolean writable, boolean isolateNetwork, BuildMode mode) {
        return containerRun(inv, () -> ContainerRun.run(config, inv.cwd(), container, argv, Runs.caller(inv, config),
                new ProgressLines(inv.err()), writable, isolateNetwork, mode));
    }

    /** A run of one command in a container, as `_run` and `_build_shell` start it. */
    @FunctionalInterface
    interface ContainerCall {
        ExitStatus call() throws BuildException, VolumeException, SetupException, LinuxException, InterruptedException;
    }

    /**
     * The way out of a container run, shared by `_run` and `_build_shell` (vagga runs both through its
     * wrapper): the command's code; a build failure with the build's own code (121, 29 for --no-build,
     * 126 for a config problem found building); a volume problem with its own (124 when found setting the
     * container up, else 121); a setup failure 124, as vagga's wrapper; anything else 121.
     */
    static int containerRun(Invocation inv, ContainerCall call) {
        try {
            return call.call().code();
        } catch (BuildException e) {
            inv.err().println(e.getMessage());
            return e.exitCode();
        } catch (VolumeException e) {
            inv.err().println(e.getMessage());
            return e.exitCode();
        } catch (SetupException e) {
            inv.err().println(e.getMessage());
            return ExitCodes.SETUP_FAILED;
        } catch (LinuxException e) {
            inv.err().println("vagga: " + e.getMessage());
            return ExitCodes.RUNTIME_ERROR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.RUNTIME_ERROR;
        }
    }

    private static int usage(Invocation inv, String usage, String message) {
        inv.err().println("Usage: vagga " + usage);
        inv.err().println("vagga " + usage.split(" ")[0] + ": " + message);
        return ExitCodes.BAD_ARGUMENTS;
    }
}
