// The name vagga was called by: vagga's check_export (run-symlinks-as-commands).
package vagga.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class SymlinksTest {
    @Test
    void vaggaByItsOwnNamesIsNoCommand() {
        assertNull(Symlinks.commandName(null));
        assertNull(Symlinks.commandName("vagga"));
        assertNull(Symlinks.commandName("/usr/bin/vagga"));
        assertNull(Symlinks.commandName("/opt/vagga_0.8.1"));
        assertNull(Symlinks.commandName("/proc/self/exe"));
    }

    @Test
    void anyOtherNameIsTheCommandsSymlinkName() {
        assertEquals("flake8", Symlinks.commandName("/home/u/.vagga/cmd/flake8"));
        assertEquals("flake8", Symlinks.commandName("flake8"));
        // as vagga: the vagga_ prefix counts only after a slash
        assertEquals("vagga_x", Symlinks.commandName("vagga_x"));
        assertEquals("vagga-dev", Symlinks.commandName("./vagga-dev"));
    }
}
