// The open files a supervise run needs, and RLIMIT_NOFILE raised to them before anything is started.
package vagga.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A running child holds three fds in the supervisor (its pidfd, the status pipe, the control pipe),
 * two more with prefixed output (a pty or pipe, and the prefixer's copy). Thousands of children run
 * out of the usual limits part way through the start (EMFILE), so the need is checked first.
 * HotSpot already raised the soft limit to the hard one (-XX:+MaxFDLimit); a process with
 * CAP_SYS_RESOURCE (root) may raise the hard limit too, up to fs.nr_open.
 */
public final class OpenFiles {
    static final int PER_CHILD = 3, PER_PREFIXED_CHILD = 2;
    /** A spawn's pipes in flight, the control socket, the JVM's own later opens. */
    static final int SPARE = 64;
    /** Above this many free, the fds open now are not even counted. */
    private static final int AMPLE = 4096;

    /** The limit (the hard one) is lower than what the run needs. */
    public record Shortfall(long need, long limit) {}

    private OpenFiles() {}

    /**
     * Raises the limit when {@code children} need more; null when they fit now, else what is missing
     * (the caller says so and starts nothing).
     */
    public static Shortfall ensure(int children, boolean prefixed) throws LinuxException {
        long forChildren = (long) children * (PER_CHILD + (prefixed ? PER_PREFIXED_CHILD : 0)) + SPARE;
        long[] limit = Syscalls.openFilesLimit();
        if (limit[0] >= forChildren + AMPLE) {
            return null;
        }
        long need = openNow() + forChildren;
        if (limit[0] >= need) {
            return null;
        }
        if (limit[1] >= need) {
            Syscalls.setOpenFilesLimit(need, limit[1]);
            return null;
        }
        try {
            Syscalls.setOpenFilesLimit(need, need);
            return null;
        } catch (LinuxException e) {
            // EPERM: above the hard limit without CAP_SYS_RESOURCE; EINVAL: above fs.nr_open
            return new Shortfall(need, limit[1]);
        }
    }

    private static long openNow() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException | UncheckedIOException e) {
            return 1024; // no /proc: assume the usual soft limit is taken
        }
    }
}
