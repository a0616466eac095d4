// vagga's settings: external-volumes from the settings files and VAGGA_SETTINGS, later ones winning.
package vagga.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    @TempDir
    Path home;

    @Test
    void noSettingsMeansNoExternalVolumes() throws Exception {
        assertEquals(Map.of(), Settings.load(Map.of(), home).externalVolumes());
    }

    @Test
    void filesThenTheVariableLaterWins() throws Exception {
        Files.createDirectories(home.resolve(".config/vagga"));
        Files.writeString(home.resolve(".config/vagga/settings.yaml"),
                "external-volumes:\n  a: /srv/a\n  b: /srv/b\nubuntu-mirror: http://x\n");
        Files.writeString(home.resolve(".vagga.yaml"), "external_volumes: {b: /srv/b2}\n");
        Settings s = Settings.load(Map.of("VAGGA_SETTINGS", "external-volumes: {c: /srv/c, a: /srv/a3}"), home);
        assertEquals(Map.of("a", Path.of("/srv/a3"), "b", Path.of("/srv/b2"), "c", Path.of("/srv/c")),
                s.externalVolumes());
    }

    @Test
    void badSettingsNameTheirPlace() throws Exception {
        Files.writeString(home.resolve(".vagga.yaml"), "external-volumes: [a, b]\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> Settings.load(Map.of("VAGGA_SETTINGS", "external-volumes: {x: relative/path}"), home));
        assertTrue(e.problems().get(0).endsWith(".vagga.yaml: external-volumes must be a mapping of names to paths"),
                e.problems().toString());
        assertEquals("VAGGA_SETTINGS: external volume \"x\": path relative/path is not absolute", e.problems().get(1));
        ConfigException yaml = assertThrows(ConfigException.class,
                () -> Settings.load(Map.of("VAGGA_SETTINGS", "a: [unclosed"), null));
        assertTrue(yaml.problems().get(0).startsWith("VAGGA_SETTINGS: invalid YAML: "), yaml.problems().toString());
    }
}
