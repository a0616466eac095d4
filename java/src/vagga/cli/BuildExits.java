// How the built-ins that build a container leave: the line each failure prints and its exit code.
package vagga.cli;

import vagga.export.ExportException;
import vagga.image.BuildException;
import vagga.launch.SetupException;
import vagga.linux.ExitStatus;
import vagga.linux.LinuxException;
import vagga.plan.ExitCodes;
import vagga.runtime.VolumeException;

final class BuildExits {
    private BuildExits() {}

    /** A built-in's work once its arguments are read: build a container, then do something with its root. */
    @FunctionalInterface
    interface BuildCall {
        int call() throws BuildException, ExportException;
    }

    /**
     * The way out of `_build`, `_pack_image` and `_push_image`: the call's own code; a build failure
     * with the build's code (121, 29 for --no-build, 126 for a config problem found building); an
     * export failure (tar, compression, the image archive) 121 with its lines.
     */
    static int build(Invocation inv, BuildCall call) {
        try {
            return call.call();
        } catch (BuildException e) {
            inv.err().println(e.getMessage());
            return e.exitCode();
        } catch (ExportException e) {
            e.lines().forEach(inv.err()::println);
            return ExitCodes.RUNTIME_ERROR;
        }
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

    /** A built-in's usage line and `vagga NAME: message`, 122. */
    static int usage(Invocation inv, String usage, String message) {
        inv.err().println("Usage: vagga " + usage);
        inv.err().println("vagga " + usage.split(" ")[0] + ": " + message);
        return ExitCodes.BAD_ARGUMENTS;
    }
}
