// The caller's environment behind the launcher's UTF-8 locale (launcher.sh, Main.callerEnv).
package vagga.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;

import org.junit.jupiter.api.Test;

class CallerEnvTest {
    @Test
    void theCallersOwnLcAllComesBack() {
        assertEquals(Map.of("LC_ALL", "POSIX", "HOME", "/h"),
                Main.callerEnv(Map.of("LC_ALL", "C.UTF-8", "_VAGGA_LC_ALL", "set:POSIX", "HOME", "/h")));
        // set, but empty
        assertEquals(Map.of("LC_ALL", ""), Main.callerEnv(Map.of("LC_ALL", "C.UTF-8", "_VAGGA_LC_ALL", "set:")));
    }

    @Test
    void noLcAllOfTheCallersNoneAfter() {
        assertEquals(Map.of("LANG", "C"), Main.callerEnv(Map.of("LC_ALL", "C.UTF-8", "_VAGGA_LC_ALL", "", "LANG", "C")));
    }

    @Test
    void aUtf8CallerIsLeftAsItIs() {
        Map<String, String> env = Map.of("LANG", "en_US.UTF-8");
        assertSame(env, Main.callerEnv(env));
    }
}
