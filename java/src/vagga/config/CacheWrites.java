// Cache files whose writing can wait until vagga next waits for a child, or exits.
package vagga.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A rebuild after an edit of vagga.yaml writes two caches before its first step: the config
 * cache's entry (~3 ms in a cold JVM) and the version cache. Nothing reads either until the next
 * start, so they are written while vagga waits for the step's command ({@code BlockingReactor}),
 * when the containers of a run are ready, and at the latest when vagga returns from its command.
 * Each write is whole or absent (a temporary file renamed into place), so a vagga killed before
 * the write leaves the cache as it was: the next start parses or digests again, nothing worse.
 * Not a second thread: starting one costs a cold JVM ~3 ms, more than it saves.
 */
public final class CacheWrites {
    private static final List<Runnable> PENDING = new ArrayList<>();

    private CacheWrites() {}

    /** Runs {@code write} at the next {@link #flush}; a write must not throw (a cache's failure is a later miss). */
    public static synchronized void later(Runnable write) {
        PENDING.add(write);
    }

    /** Runs the pending writes, in the order they were added. */
    public static void flush() {
        while (true) {
            Runnable next;
            synchronized (CacheWrites.class) {
                if (PENDING.isEmpty()) {
                    return;
                }
                next = PENDING.remove(0);
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                // only a cache: the next start does the work again
            }
        }
    }
}
