// An exclusive lock on one package cache, shared by every build of every project that uses the cache dir.
package vagga.image.distro;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import vagga.image.BuildContext;
import vagga.image.StepFailure;

/**
 * flock(2) on {@code <cache>/<name>.lock}: two builds at once (two projects, two terminals) take turns
 * on apt's lists and archives instead of corrupting them. The lock dies with the process, so a build
 * killed with -9 never leaves it held. Builds in one JVM are serialised by the builder already.
 */
final class CacheLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private CacheLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static CacheLock take(BuildContext ctx, String name) throws StepFailure, IOException {
        Path cacheDir = ctx.sharedCacheDir();
        Path file = cacheDir.resolve(name + ".lock");
        try {
            Files.createDirectories(cacheDir);
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                FileLock l = ch.tryLock();
                if (l == null) {
                    ctx.note("another build is using the package cache " + file.getParent() + " (" + name
                            + "), waiting for it...");
                    l = ch.lock();
                }
                return new CacheLock(ch, l);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (IOException e) {
            throw new StepFailure("cannot lock the package cache " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // closing the channel releases the lock in any case
        }
    }
}
