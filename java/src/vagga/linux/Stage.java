// The reactor thread's private mount namespace with the !HostRoot skeleton built once (shim --stage).
package vagga.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every child used to begin by making its copy of the mount namespace private, mounting a scratch
 * tmpfs, pivoting into it and building the !HostRoot skeleton (a tmpfs, a dozen directories and
 * binds): per child, and serialised by the kernel's mount lock. As root, the reactor thread does
 * that once instead: it moves into a private copy of the mount namespace and builds the skeleton on
 * {@code stage}, an empty directory beside the shim that nothing refers to. Children are cloned from
 * that namespace and assemble their container on the stage directory (PROTOCOL.md, --stage).
 *
 * <p>Only the reactor thread is moved; the namespace dies with the process, so nothing of it is left
 * on the host even after kill -9. Unprivileged supervisors (a user namespace per child) cannot do
 * this and keep the per-child way, as does a supervisor whose stage directory is missing.
 */
final class Stage {
    // No static initialiser: JNI_OnLoad registers prepare0 with FindClass, which initialises the
    // class; the library is loaded by the reactor before any of this runs.
    private Stage() {}

    /** The stage directory, or null and why children set everything up themselves. */
    record Prepared(Path dir, String problem) {}

    /** NULL, or what failed. Moves the calling thread into a private mount namespace. */
    private static native String prepare0(String dir);

    /** Prepares the stage on the calling thread (the reactor's, which spawns every child). */
    static Prepared prepare(Path shim) {
        Path dir = shim.resolveSibling("stage");
        try {
            // the launcher's lib dir is "/usr/bin/../lib/vagga": the shim gets (and shows) the real path
            dir = dir.toRealPath();
        } catch (IOException | SecurityException e) {
            return new Prepared(null, "no stage directory " + dir);
        }
        if (!Files.isDirectory(dir)) {
            return new Prepared(null, "no stage directory " + dir);
        }
        String failed = prepare0(dir.toString());
        if (failed != null) {
            return new Prepared(null, "cannot prepare the stage " + dir + ": " + failed);
        }
        return new Prepared(dir, null);
    }
}
