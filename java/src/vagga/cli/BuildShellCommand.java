// `vagga _build_shell`: an interactive shell where this vagga's builds run their host-side tools.
package vagga.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import vagga.config.BuildStep;
import vagga.config.Config;
import vagga.config.Container;
import vagga.config.Position;
import vagga.plan.ExitCodes;
import vagga.runtime.ContainerRun;

/**
 * vagga's build shell is its builder's own namespace (vagga's busybox, the project at /work); ours
 * builds with the host's tools, so the shell is /bin/sh in a container showing the host's system
 * read-only (as !HostRoot) with the project, .vagga included, at /work. The shell's exit code.
 */
final class BuildShellCommand {
    private static final String NAME = "_build_shell";

    private BuildShellCommand() {}

    static int run(Invocation inv, Config config, List<String> args) {
        if (!args.isEmpty()) {
            if (args.size() == 1 && (args.get(0).equals("-h") || args.get(0).equals("--help"))) {
                inv.out().println("Usage:\n    vagga _build_shell\n\nRuns /bin/sh where builds run their host-side tools "
                        + "(the host's system read-only, the project at /work)");
                return ExitCodes.OK;
            }
            inv.err().println("Usage:\n    vagga _build_shell");
            inv.err().println("vagga _build_shell: takes no arguments");
            return ExitCodes.BAD_ARGUMENTS;
        }
        Map<String, Container> containers = new LinkedHashMap<>(config.containers());
        containers.put(NAME, new Container(NAME, Position.UNKNOWN, List.of(new BuildStep.HostRoot(Position.UNKNOWN)),
                Map.of(), Map.of(), Container.DEFAULT_SHELL, List.of("0-65535"), List.of("0-65535"),
                "/etc/resolv.conf", "/etc/hosts"));
        Config withShell = new Config(config.file(), config.projectRoot(), containers, config.commands(), config.warnings());
        return BuildExits.containerRun(inv, () -> ContainerRun.run(withShell, inv.cwd(), NAME, List.of("/bin/sh"),
                Runs.caller(inv, config), new ProgressLines(inv.err())));
    }
}
