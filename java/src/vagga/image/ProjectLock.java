// Serialises building and cleaning between vagga processes of one project (.vagga/.lock) and threads of this one.
package vagga.image;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The project lock is held while containers are built (one build at a time in a project), while
 * a run checks a container (version, link, lease) and while `_clean` removes. A run that finds it
 * held decides through {@link WhenHeld} whether to wait or, as vagga with build-lock-wait: false,
 * to give up because the holder builds the very container it needs ({@link ContainerBuildLock}).
 * A file lock belongs to the whole JVM and throws OverlappingFileLockException when taken twice,
 * so threads (and nested builds of !Container bases) first take one JVM-wide reentrant lock and
 * only the outermost holder takes the file lock.
 */
final class ProjectLock implements AutoCloseable {
    private static final ReentrantLock THREADS = new ReentrantLock();
    private static FileChannel channel;
    private static FileLock fileLock;

    private final boolean outermost;

    private ProjectLock(boolean outermost) {
        this.outermost = outermost;
    }

    /** True when this is the outermost holder: stale temporary files may be removed now. */
    boolean outermost() {
        return outermost;
    }

    /** The lock, waiting for it (saying so through {@code progress}) while another process holds it. */
    static ProjectLock acquire(Path vaggaDir, BuildProgress progress) throws IOException {
        try {
            return acquire(vaggaDir, () -> progress.waitingForLock(vaggaDir.resolve(".lock")));
        } catch (BuildException e) {
            throw new IllegalStateException(e); // waitingForLock does not throw
        }
    }

    /** What to do when another process holds the lock: say that this one waits, or throw to give up. */
    @FunctionalInterface
    interface WhenHeld {
        void held() throws BuildException;
    }

    /** The lock; when another process holds it, {@code whenHeld} runs first, then this one waits (unless it threw). */
    static ProjectLock acquire(Path vaggaDir, WhenHeld whenHeld) throws IOException, BuildException {
        THREADS.lock();
        if (THREADS.getHoldCount() > 1) {
            return new ProjectLock(false);
        }
        boolean locked = false;
        try {
            ProjectPaths.ensureDir(vaggaDir.getParent(), vaggaDir.getFileName().toString());
            // never through a link a container planted (.vagga/.lock -> /etc/x would create x)
            FileChannel ch = FileChannel.open(vaggaDir.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            try {
                FileLock lock = ch.tryLock();
                if (lock == null) {
                    whenHeld.held();
                    lock = ch.lock();
                }
                channel = ch;
                fileLock = lock;
                locked = true;
            } finally {
                if (!locked) {
                    ch.close();
                }
            }
            return new ProjectLock(true);
        } finally {
            if (!locked) {
                THREADS.unlock();
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (outermost) {
                try {
                    fileLock.release();
                } finally {
                    channel.close();
                    fileLock = null;
                    channel = null;
                }
            }
        } finally {
            THREADS.unlock();
        }
    }
}
