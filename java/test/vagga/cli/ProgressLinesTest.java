// Download sizes as the user reads them: bytes, KiB, MiB (issue 12: an 11-byte file was "1 KiB").
package vagga.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ProgressLinesTest {
    private static String line(long bytes) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        new ProgressLines(new PrintStream(buf, true, StandardCharsets.UTF_8)).downloaded("c", bytes, bytes, "http://x/f");
        return buf.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void smallDownloadsAreCountedInBytes() {
        assertEquals("[c] downloaded 11 bytes from http://x/f", line(11));
        assertEquals("[c] downloaded 1 byte from http://x/f", line(1));
        assertEquals("[c] downloaded 2 KiB from http://x/f", line(2048));
        assertEquals("[c] downloaded 1.5 MiB from http://x/f", line(1572864));
    }
}
