// The post-mortem's wording and its JSON.
package vagga.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class PostMortemTest {
    private static PostMortem.Child child(String name, PostMortem.Ending ending, long stopAfter, boolean killed,
                                          boolean endedRun, int restarts, List<String> last) {
        return new PostMortem.Child(name, 42, 1_000, 2_000, ending, stopAfter, killed, endedRun, restarts, 0, last);
    }

    @Test
    void endingsInAFewWords() {
        assertEquals("exited 1", PostMortem.ending(child("a", new PostMortem.Exited(1), -1, false, true, 0, List.of())));
        assertEquals("killed by SIGKILL", PostMortem.ending(
                child("a", new PostMortem.Killed("SIGKILL", 9, false), -1, false, false, 0, List.of())));
        assertEquals("stopped by vagga after 0.4 s (exited 0)", PostMortem.ending(
                child("a", new PostMortem.Exited(0), 400, false, false, 0, List.of())));
        assertEquals("killed by vagga with SIGKILL after 2.0 s (did not stop in time)", PostMortem.ending(
                child("a", new PostMortem.Killed("SIGKILL", 9, false), 2000, true, false, 0, List.of())));
        assertEquals("never started: Permission denied", PostMortem.ending(
                child("a", new PostMortem.NeverStarted("Permission denied"), -1, false, false, 0, List.of())));
        assertEquals("exited 0, restarted 3 times", PostMortem.ending(
                child("a", new PostMortem.Exited(0), -1, false, false, 3, List.of())));
    }

    @Test
    void summaryNamesWhoEndedTheRunWithItsLastLines() {
        PostMortem.Run run = new PostMortem.Run("dev", 1, "worker", List.of(
                child("web", new PostMortem.Exited(0), 300, false, false, 0, List.of("GET /")),
                child("worker", new PostMortem.Exited(1), -1, false, true, 0, List.of("job 3", "out of memory"))));
        assertEquals(List.of(
                "---------- Summary of dev: exit code 1, ended by worker -----------",
                "  web     stopped by vagga after 0.3 s (exited 0)",
                "  worker  exited 1  <- ended the run",
                "  last lines of worker:",
                "    | job 3",
                "    | out of memory"), PostMortem.summary(run));
    }

    @Test
    void jsonEscapesAndUsesUtcTimes() {
        PostMortem.Run run = new PostMortem.Run("dev", 143, "SIGTERM to vagga", List.of(
                child("w\"b", new PostMortem.Killed("SIGTERM", 15, false), 10, false, false, 0, List.of("a\tb"))));
        String json = PostMortem.json(run);
        assertTrue(json.contains("\"name\": \"w\\\"b\""), json);
        assertTrue(json.contains("\"started\": \"1970-01-01T00:00:01Z\""), json);
        assertTrue(json.contains("\"signal\": \"SIGTERM\""), json);
        assertTrue(json.contains("\"last_lines\": [\"a\\tb\"]"), json);
        assertTrue(json.contains("\"ended_by\": \"SIGTERM to vagga\""), json);
    }
}
