// Which built roots a vagga process uses: a shared lock on NAME.HASH/in-use, held until the process exits.
package vagga.image;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import vagga.linux.LinuxException;
import vagga.linux.Syscalls;

/**
 * A forced rebuild (`_build --force`) must not delete a root that a running child uses (vagga keeps
 * the old root until nothing uses it). Every process that gets a root from the builder holds a
 * shared fcntl lock on its {@code in-use} file for the rest of its life (kill -9 included: the kernel
 * drops it); a replaced root is moved to {@code .roots/.old.NAME.HASH.RANDOM} and removed only when
 * an exclusive lock on it can be taken: at once, by the next build, or by {@code _clean --old}.
 * Builds and removals both run under the project lock, so a root cannot be removed between being
 * found and being leased.
 */
final class RootLease {
    /** Prefix of a replaced root's directory name in .vagga/.roots. */
    static final String OLD_PREFIX = ".old.";

    private static final String FILE = "in-use";
    /** Touched at every use, as vagga does: `_clean --unused --at-least` reads its time. */
    static final String LAST_USE = "last_use";
    /** Descriptors never closed: closing any descriptor of a file drops every lock this JVM holds on it (fcntl locks). */
    private static final Map<Path, Integer> HELD = new HashMap<>();

    private RootLease() {}

    /** Marks the root directory {@code dir} (NAME.HASH) as used by this process until it exits. */
    static synchronized void take(Path dir) throws IOException {
        Path file = dir.toAbsolutePath().normalize().resolve(FILE);
        if (HELD.containsKey(file)) {
            return;
        }
        try {
            HELD.put(file, Syscalls.leaseRoot(file.getParent()));
        } catch (LinuxException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Removes a replaced root unless some process (this one included) still uses it; returns whether it did. */
    static synchronized boolean removeUnused(Path dir) throws IOException {
        if (!unused(dir)) {
            return false;
        }
        FileTrees.delete(dir);
        return !Files.exists(dir, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Whether no process (this one included) uses the root directory {@code dir} now; under the
     * project lock, no process can start using it before the caller is done with it.
     */
    static synchronized boolean unused(Path dir) throws IOException {
        // this process's own lease: a root it moved aside after using it (the lease moved with it)
        for (Map.Entry<Path, Integer> e : HELD.entrySet()) {
            if (Files.exists(e.getKey()) && Files.exists(dir.resolve(FILE))
                    && Files.isSameFile(e.getKey(), dir.resolve(FILE))) {
                return false;
            }
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(dir.resolve(FILE), StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return true; // never leased
        }
        try (ch) {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                return false;
            }
            if (lock == null) {
                return false;
            }
            lock.release();
            return true;
        }
    }
}
