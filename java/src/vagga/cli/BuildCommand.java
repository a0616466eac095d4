// vagga _build [--force] [--no-image-download] CONTAINER: builds a container without running anything.
package vagga.cli;

import java.util.List;

import vagga.config.Config;
import vagga.image.BuildException;
import vagga.image.BuildMode;
import vagga.image.ContainerBuilder;
import vagga.plan.ExitCodes;

final class BuildCommand {
    private BuildCommand() {}

    private static final String USAGE = "_build [--force] CONTAINER";

    /** 0, or the build's code (121: build failed, unknown container; 122: bad arguments). */
    static int run(Invocation inv, Config config, List<String> args) {
        boolean force = false;
        BuildMode mode = inv.options().buildMode();
        String container = null;
        for (String a : args) {
            if (a.equals("--force")) {
                force = true;
            } else if (BuildMode.ofOption(a) == BuildMode.NO_IMAGE_DOWNLOAD) {
                // of the build modes, _build takes only this one (as vagga's)
                mode = BuildMode.NO_IMAGE_DOWNLOAD;
            } else if (a.equals("-h") || a.equals("--help")) {
                inv.out().println("Usage: vagga _build [--force] [--no-image-download] CONTAINER\n\n"
                        + "Builds a container (again with --force).");
                return ExitCodes.OK;
            } else if (a.startsWith("-") || container != null) {
                return BuildExits.usage(inv, USAGE, "unexpected argument \"" + a + "\"");
            } else {
                container = a;
            }
        }
        if (container == null) {
            return BuildExits.usage(inv, USAGE, "a container name is required");
        }
        String name = container;
        boolean again = force;
        BuildMode asked = mode;
        return BuildExits.build(inv, new BuildExits.BuildCall() { // not a lambda: ~1 ms to link in a cold JVM
            @Override
            public int call() throws BuildException {
                try (ContainerBuilder builder = new ContainerBuilder(null, Runs.caller(inv, config)).mode(asked)) {
                    builder.ensureBuilt(config, name, again, new ProgressLines(inv.err()));
                    return ExitCodes.OK;
                }
            }
        });
    }
}
