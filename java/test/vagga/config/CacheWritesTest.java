// Deferred cache writes run once each, in order, at the next flush; one that fails stops none of the others.
package vagga.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class CacheWritesTest {
    @Test
    void aFlushRunsEachPendingWriteOnceInOrderAndSurvivesAFailingOne() {
        CacheWrites.flush(); // what other tests of this JVM left
        List<String> done = new ArrayList<>();
        CacheWrites.later(() -> done.add("config entry"));
        CacheWrites.later(() -> {
            throw new IllegalStateException("disk full");
        });
        CacheWrites.later(() -> {
            done.add("versions");
            CacheWrites.later(() -> done.add("added while flushing"));
        });
        assertEquals(List.of(), done, "nothing runs before the flush");
        CacheWrites.flush();
        assertEquals(List.of("config entry", "versions", "added while flushing"), done);
        CacheWrites.flush();
        assertEquals(3, done.size(), "a write runs once");
    }
}
