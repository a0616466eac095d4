// The exact lines printed about children and signals.
package vagga.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

class StatusTextTest {

    @Test
    void statuses() {
        assertEquals("exited with code 0", StatusText.exited(0));
        assertEquals("exited with code 200", StatusText.exited(200));
        assertEquals("exited with code 255", StatusText.exited(-1));
        assertEquals("killed by signal SIGKILL[9]", StatusText.killedBySignal("SIGKILL", 9, false));
        assertEquals("killed by signal SIGSEGV[11] (core dumped)", StatusText.killedBySignal("SIGSEGV", 11, true));
    }

    @Test
    void lines() {
        assertEquals("---------- Process web:1234 exited with code 3. Shutting down -----------",
                StatusText.processEnded("web", 1234, StatusText.exited(3)));
        assertEquals("---------- Process db could not be run: No such file or directory (os error 2). "
                + "Shutting down -----------", StatusText.couldNotRun("db", "No such file or directory (os error 2)"));
        assertEquals("---------- Processes [\"a\", \"b\\\"c\"] are still alive. Killing ... -----------\n"
                + "To prevent killing of the processes set ``kill-unresponsive-after`` to some larger value",
                StatusText.stillAlive(List.of("a", "b\"c")));
    }

    @Test
    void signals() {
        assertEquals("Received SIGINT signal. Waiting the processes to stop...", StatusText.signalReceived("SIGINT"));
        assertEquals("Received SIGQUIT signal. Waiting the processes to stop...", StatusText.signalReceived("SIGQUIT"));
        assertEquals("Received SIGTERM signal.  Waiting the processes to stop...", StatusText.signalReceived("SIGTERM"));
        assertEquals("Received SIGTSTP signal. Stopping children and self ..", StatusText.signalReceived("SIGTSTP"));
        assertEquals("Received SIGTTIN signal. Stopping children and self ..", StatusText.signalReceived("SIGTTIN"));
        assertEquals("Received SIGCONT signal. Propagating ..", StatusText.signalReceived("SIGCONT"));
        assertNull(StatusText.signalReceived("SIGHUP"));
    }

    @Test
    void hintLine() {
        assertEquals("hint: run make deps", StatusText.hint("run make deps"));
    }
}
