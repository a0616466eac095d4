// Which container a vagga process is building now: an exclusive lock on .vagga/.build.NAME.lock while its steps run.
package vagga.image;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Builds already run one at a time under the {@link ProjectLock}, so this lock is never waited for:
 * it only tells another process that finds the project lock taken whether the holder is building
 * this very container (vagga's build lock, {@code build-lock-wait}) or doing something else
 * (checking versions, building another container, cleaning). The kernel drops it when the builder
 * dies, kill -9 included.
 */
final class ContainerBuildLock implements AutoCloseable {
    private final FileChannel channel;

    private ContainerBuildLock(FileChannel channel) {
        this.channel = channel;
    }

    private static Path file(Path vaggaDir, String container) {
        return vaggaDir.resolve(".build." + container + ".lock");
    }

    /** Marks {@code container} as being built by this process (the caller holds the project lock). */
    static ContainerBuildLock hold(Path vaggaDir, String container) throws IOException {
        FileChannel ch = FileChannel.open(file(vaggaDir, container), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        try {
            if (ch.tryLock() == null) {
                throw new IOException("another process holds " + file(vaggaDir, container));
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return new ContainerBuildLock(ch);
    }

    /** Whether another process is building {@code container} now (false when unsure: the caller then waits). */
    static boolean heldElsewhere(Path vaggaDir, String container) {
        try (FileChannel ch = FileChannel.open(file(vaggaDir, container), StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (NoSuchFileException | OverlappingFileLockException e) {
            return false; // never built here, or this process's own build
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
