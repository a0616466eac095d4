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

    static ProjectLock acquire(Path vaggaDir, BuildProgress progress) throws IOException {
        THREADS.lock();
        if (THREADS.getHoldCount() > 1) {
            return new ProjectLock(false);
        }
        try {
            ProjectPaths.ensureDir(vaggaDir.getParent(), vaggaDir.getFileName().toString());
            // never through a link a container planted (.vagga/.lock -> /etc/x would create x)
            FileChannel ch = FileChannel.open(vaggaDir.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            try {
                FileLock lock = ch.tryLock();
                if (lock == null) {
                    progress.waitingForLock(vaggaDir.resolve(".lock"));
                    lock = ch.lock();
                }
                channel = ch;
                fileLock = lock;
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            return new ProjectLock(true);
        } catch (IOException | RuntimeException e) {
            THREADS.unlock();
            throw e;
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
