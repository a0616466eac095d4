// Runs one command in a container and waits for its end: what !Sh/!Cmd and `vagga _run` need.
package vagga.image;

import vagga.linux.ExitStatus;
import vagga.linux.LinuxException;
import vagga.linux.ShimInvocation;

@FunctionalInterface
public interface CommandRunner {
    /** Spawns the shim, waits for it, returns the command's status (124 etc. for shim failures). */
    ExitStatus run(ShimInvocation invocation) throws LinuxException, InterruptedException;

    /**
     * The commands from now on start in the mount namespace of thread {@code tid} of this process
     * (the builder's, holding an overlay mount: LayeredRoot); false when this runner cannot.
     */
    default boolean joinMountNamespace(int tid) {
        return false;
    }
}
