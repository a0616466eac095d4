// The "did you mean" choice: close names only, swaps count once, ties in name order.
package vagga.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

class SpellingTest {
    @Test
    void nearNamesAreSuggested() {
        assertEquals("worker", Spelling.closest("wrker", List.of("web", "worker")));
        assertEquals("host", Spelling.closest("hots", List.of("python", "host")));
        assertEquals("container", Spelling.closest("contaner", List.of("run", "container", "environ")));
        assertEquals("work-dir", Spelling.closest("work_dri", List.of("work-dir")));
        assertEquals("did you mean \"run\"?", Spelling.didYouMean("rn", List.of("run")));
    }

    @Test
    void farOrEqualNamesAreNot() {
        assertNull(Spelling.closest("zzzzzz", List.of("web", "worker")));
        assertNull(Spelling.closest("web", List.of("web")));
        assertNull(Spelling.closest("ab", List.of("xy")));
        assertNull(Spelling.didYouMean("x", List.of()));
    }

    @Test
    void tiesGoToTheFirstName() {
        assertEquals("bat", Spelling.closest("cat", List.of("rat", "bat")));
    }
}
