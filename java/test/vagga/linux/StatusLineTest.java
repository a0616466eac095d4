// The shim's status lines and how each maps to an ExitStatus.
package vagga.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusLineTest {
    @Test
    void exitedCarriesTheCode() {
        assertEquals(Optional.of(new ExitStatus.Exited(0)), StatusLine.parse("exited 0"));
        assertEquals(Optional.of(new ExitStatus.Exited(255)), StatusLine.parse("exited 255\n"));
    }

    @Test
    void signaledWithAndWithoutCore() {
        assertEquals(Optional.of(new ExitStatus.Signalled(15, false)), StatusLine.parse("signaled 15"));
        assertEquals(Optional.of(new ExitStatus.Signalled(11, true)), StatusLine.parse("signaled 11 core"));
        assertEquals(143, StatusLine.parse("signaled 15").orElseThrow().code());
    }

    @Test
    void setupAndExecFailuresUseTheShimsCodes() {
        assertEquals(Optional.of(new ExitStatus.Exited(124)), StatusLine.parse("setup-failed"));
        assertEquals(Optional.of(new ExitStatus.Exited(127)), StatusLine.parse("exec-failed 2"));
        assertEquals(Optional.of(new ExitStatus.Exited(126)), StatusLine.parse("exec-failed 13"));
    }

    @Test
    void malformedLinesAreRejected() {
        for (String bad : new String[] {"", "exited", "exited x", "exited 256", "exited -1",
                "signaled 0", "signaled 9 cores", "signaled 9 core x", "setup-failed 1", "exec-failed",
                "died 3", "exited 1 2"}) {
            assertEquals(Optional.empty(), StatusLine.parse(bad), bad);
        }
    }
}
