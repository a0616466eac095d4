// minimum-vagga: vagga's version order, and "Please upgrade vagga" listed before the errors of newer syntax.
package vagga.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MinimumVaggaTest {
    @Test
    void versionsCompareAsInVagga() {
        // vagga's own cases (config/version.rs tests)
        assertTrue(MinimumVagga.compare("v0.4.1-28-gfba00d7", "v0.4.1") > 0);
        assertTrue(MinimumVagga.compare("v0.4.1-28-gfba00d7", "v0.4.1-27-gtest") > 0);
        assertTrue(MinimumVagga.compare("v0.4.1-28-gfba00d7", "v0.4.2") < 0);
        assertEquals(0, MinimumVagga.compare("v0.4.1-172-ge011471", "v0.4.1-172-ge011471"));
        assertTrue(MinimumVagga.compare("0.8.1-rc", "0.8.1") < 0);
        assertTrue(MinimumVagga.compare("0.10.0", "0.9.9") > 0);
        assertEquals(0, MinimumVagga.compare("v0.8.1", "0.8.1"));
    }

    @Test
    void olderOrEqualMinimumsPass() {
        for (String v : List.of("v0.7.0", "0.7.1", "v0.5.0-120-g42de958", "v0.8.1", "0.8.0")) {
            assertNull(MinimumVagga.check(v), v);
        }
        assertEquals("Minimum Vagga Error: Please upgrade vagga to at least \"v0.8.2\"", MinimumVagga.check("v0.8.2"));
    }

    @Test
    void upgradeComesBeforeTheErrorsOfNewerSyntax(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("vagga.yaml"), "containers:\n  test:\n    setup:\n    - !UnknownCommand\n"
                + "minimum-vagga: 9999.0.0\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir));
        assertEquals(List.of("vagga.yaml:5:16: Minimum Vagga Error: Please upgrade vagga to at least \"9999.0.0\"",
                "vagga.yaml:4:7: unknown build step !UnknownCommand"), e.problems().subList(0, 2));
    }

    @Test
    void aMixinForANewerVaggaIsSkippedWithOneWarning(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("vagga.yaml"), "mixins: [mixins.yaml]\ncontainers:\n  test:\n    setup: []\n");
        Files.writeString(dir.resolve("mixins.yaml"), "minimum-vagga: 9999.0.0\ncontainers:\n  broken:\n"
                + "    setup:\n    - !UnknownBuildStep\n");
        Config config = ConfigLoader.load(dir);
        assertEquals(List.of("test"), List.copyOf(config.containers().keySet()));
        assertEquals(List.of("skipping mixin \"mixins.yaml\": mixins.yaml:1:16: Minimum Vagga Error: Please upgrade vagga to at least \"9999.0.0\""),
                config.warnings());
    }
}
