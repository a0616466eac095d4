// vagga _run [-W] [--isolate-network] [build mode] CONTAINER COMMAND [ARGS...]: one command in a container.
package vagga.cli;

import java.util.List;

import vagga.config.Config;
import vagga.image.BuildException;
import vagga.launch.SetupException;
import vagga.linux.ExitStatus;
import vagga.linux.LinuxException;
import vagga.runtime.VolumeException;
import vagga.image.BuildMode;
import vagga.plan.ExitCodes;
import vagga.runtime.ContainerRun;

final class RunCommand {
    private RunCommand() {}

    private static final String USAGE = "_run [-W] [--isolate-network] [--no-build|--no-version-check] CONTAINER COMMAND [ARGS...]";

    /** The command's exit code (128+N for a signal); 121 for build/volume errors; 122 for bad arguments. */
    static int run(Invocation inv, Config config, List<String> args) {
        // vagga's _run options come before the container: -W (a writable transient copy) and
        // --isolate-network (a network namespace with only lo), as the global flag does
        boolean writable = false;
        boolean isolate = inv.options().isolateNetwork;
        BuildMode mode = inv.options().buildMode();
        int i = 0;
        for (; i < args.size() && args.get(i).startsWith("-"); i++) {
            String a = args.get(i);
            BuildMode asked = BuildMode.ofOption(a);
            if (asked != null) {
                mode = asked;
                continue;
            }
            switch (a) {
                case "-W", "--writable", "--writeable" -> writable = true;
                case "--isolate-network", "--no-network", "--no-net" -> isolate = true;
                case "-h", "--help" -> {
                    inv.out().println("Usage: vagga " + USAGE + "\n\nRuns a command in the container, building it first if needed.");
                    return ExitCodes.OK;
                }
                default -> {
                    return BuildExits.usage(inv, USAGE, "unexpected option \"" + a + "\"");
                }
            }
        }
        if (args.size() - i < 2) {
            return BuildExits.usage(inv, USAGE, "a container and a command are required");
        }
        String container = args.get(i);
        List<String> argv = args.subList(i + 1, args.size());
        boolean rw = writable;
        boolean isolated = isolate;
        BuildMode asked = mode;
        // an anonymous class, not a lambda: a start that links none is ~10 ms of CPU cheaper
        return BuildExits.containerRun(inv, new BuildExits.ContainerCall() {
            @Override
            public ExitStatus call() throws BuildException, VolumeException, SetupException, LinuxException,
                    InterruptedException {
                return ContainerRun.run(config, inv.cwd(), container, argv, Runs.caller(inv, config),
                        new ProgressLines(inv.err()), rw, isolated, asked);
            }
        });
    }
}
