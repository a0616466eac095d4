// The supervisor with real shims: the code of the child that ended the run, the epilog, stopping the rest.
package vagga.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import vagga.config.SuperviseMode;
import vagga.linux.LinuxException;
import vagga.linux.ShimInvocation;

class SupervisorTest {
    private static final List<String> ENV = List.of("PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C");

    @TempDir
    Path project;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Supervisor.Child child(String name, String script) {
        return new Supervisor.Child(name, new ShimInvocation(null, false, project, "/work",
                List.of("/bin/sh", "-c", script), ENV, 0, 0, List.of(), List.of(), null, null, -1, -1));
    }

    private int run(SuperviseMode mode, String epilog, Supervisor.Child... children) throws LinuxException {
        Supervisor supervisor = new Supervisor(new Supervisor.Settings(mode, 5, epilog, true),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return supervisor.run(List.of(children));
    }

    @Test
    void theFirstChildToExitEndsTheRunWithItsCodeAndTheOthersAreStopped() throws LinuxException {
        // b waits for a TERM (its trap says so); a exits 3 once b is up
        int code = run(SuperviseMode.STOP_ON_FAILURE, "never printed\n",
                child("a", "until [ -e /work/b-up ]; do sleep 0.01; done; exit 3"),
                child("b", "trap 'touch /work/b-got-term; exit 0' TERM; touch /work/b-up; while :; do sleep 0.05; done"));
        assertEquals(3, code);
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.matches("(?s).*Process a:[0-9]+ exited with code 3.*"), text);
        assertTrue(Files.exists(project.resolve("b-got-term")), "b was not stopped with SIGTERM");
        assertFalse(text.contains("never printed"), text);
    }

    @Test
    void waitAllSuccessfulEndsWith0AndPrintsTheEpilog() throws LinuxException {
        int code = run(SuperviseMode.WAIT_ALL_SUCCESSFUL, "all done\n",
                child("a", "exit 0"), child("b", "exit 0"));
        assertEquals(0, code);
        assertTrue(out.toString(StandardCharsets.UTF_8).endsWith("all done\n"), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void withoutATerminalReclaimDoesNothing() {
        // Surefire's stdin is not a terminal: nothing was held, nothing is taken back, no error
        Terminal terminal = Terminal.capture();
        terminal.reclaim();
    }
}
