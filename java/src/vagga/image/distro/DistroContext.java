// What the distribution steps need from the build in progress: its root, commands run inside it, caches.
package vagga.image.distro;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import vagga.config.Settings;
import vagga.linux.MountSpec;

/**
 * Implemented by the builder for one container's build. Package managers (apt, apk) run through
 * {@link #run}: inside the container being built, in its own namespaces, never the host's tools
 * on a chroot; only the bootstrap tool (mmdebstrap) and tar run on the host.
 */
public interface DistroContext {
    /** The container's name, for messages. */
    String container();

    /** The root being built (host path). */
    Path root();

    /** Beside the root: files kept with the finished build (package lists, the distribution). */
    Path metaDir();

    /** The user's settings (mirrors). */
    Settings settings();

    /** The package caches' directory: the cache-dir setting, or the project's .vagga/.cache. */
    Path cacheDir();

    /** Progress lines (the builder's stream). */
    PrintStream progress();

    /** The build environment (!Env and the distribution's variables); distributions add to it. */
    Map<String, String> env();

    /** Runs argv inside the container being built with {@link #env()} and these extra mounts. */
    void run(List<String> argv, List<MountSpec> mounts) throws DistroException, InterruptedException;

    /** Runs a tool on the host (tar, mmdebstrap); {@code what} names it in the error. */
    void host(List<String> argv, String what) throws DistroException, InterruptedException;

    /** The file behind an http(s) url, downloaded once into {@code cacheDir} and checked against sha256. */
    Path download(String url, Path cacheDir, String sha256) throws DistroException, InterruptedException;

    /** The body of a small http(s) resource (an index, a checksum list, a key), not cached;
     *  null for HTTP 404 when {@code optional}. */
    byte[] fetch(String url, boolean optional) throws DistroException, InterruptedException;
}
