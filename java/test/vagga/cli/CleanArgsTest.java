// _clean's --at-least durations (humantime's spelling) and _hardlink's sizes, without a project.
package vagga.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import vagga.image.ImageIndex;

class CleanArgsTest {
    @Test
    void durationsAsHumantimeSpellsThem() {
        assertEquals(Duration.ofDays(2), CleanCommand.duration("2d"));
        assertEquals(Duration.ofHours(12).plusMinutes(30), CleanCommand.duration("12h 30min"));
        assertEquals(Duration.ofDays(14), CleanCommand.duration("2weeks"));
        assertEquals(Duration.ofSeconds(90), CleanCommand.duration("1m30s"));
        assertNull(CleanCommand.duration("soon"));
        assertNull(CleanCommand.duration("3"));
        assertNull(CleanCommand.duration(""));
        assertNull(CleanCommand.duration("2d-"));
    }

    @Test
    void sizesAsTheLinkedLinePrintsThem() {
        assertEquals("0B", ImageIndex.humanSize(0));
        assertEquals("12B", ImageIndex.humanSize(12));
        assertEquals("1023B", ImageIndex.humanSize(1023));
        assertEquals("1.5KiB", ImageIndex.humanSize(1536));
        assertEquals("12KiB", ImageIndex.humanSize(12 * 1024));
        assertEquals("3.2MiB", ImageIndex.humanSize(3355443));
    }
}
