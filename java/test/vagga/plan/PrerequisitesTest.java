// The order of commands and prerequisites, on the cases vagga's own prerequisites.rs tests.
package vagga.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PrerequisitesTest {
    private static List<String> order(Map<String, List<String>> pre, String... commands) {
        return Prerequisites.order(List.of(commands), name -> pre.getOrDefault(name, List.of()));
    }

    @Test
    void withoutPrerequisitesTheCommandsInTheirOrder() {
        assertEquals(List.of("a", "b"), order(Map.of(), "a", "b"));
    }

    @Test
    void eachCommandAfterItsPrerequisites() {
        Map<String, List<String>> pre = Map.of("a", List.of("pa1", "pa2"), "b", List.of("pb1", "pb2"));
        assertEquals(List.of("pa1", "a"), order(Map.of("a", List.of("pa1")), "a"));
        assertEquals(List.of("pa1", "pa2", "a", "pb1", "pb2", "b"), order(pre, "a", "b"));
    }

    @Test
    void aSharedPrerequisiteRunsOnceAndAGivenCommandNeverAsAPrerequisite() {
        Map<String, List<String>> pre = Map.of("b", List.of("a"), "c", List.of("a"), "d", List.of("b", "c"));
        assertEquals(List.of("a", "b", "c", "d"), order(pre, "d"));
        assertEquals(List.of("a", "b", "c", "d", "d", "d"), order(pre, "d", "d", "d"));
        // vagga -m three two four: one is three's and four's, two is four's, but two is given itself
        Map<String, List<String>> multi = Map.of("three", List.of("one"), "four", List.of("one", "two"));
        assertEquals(List.of("one", "three", "two", "four"), order(multi, "three", "two", "four"));
        assertEquals(List.of("b", "a", "d"), order(Map.of("d", List.of("b", "a", "a", "b")), "d"));
    }

    @Test
    void aCycleIsNotAnErrorTheGivenCommandRunsLast() {
        Map<String, List<String>> pre = Map.of("a", List.of("b"), "b", List.of("a"), "c", List.of("b"));
        assertEquals(List.of("a", "b"), order(pre, "a", "b"));
        assertEquals(List.of("b", "a"), order(pre, "b", "a"));
        assertEquals(List.of("b", "a"), order(pre, "a"));
        assertEquals(List.of("a", "b"), order(pre, "b"));
        assertEquals(List.of("a", "b", "c"), order(pre, "c"));
    }
}
