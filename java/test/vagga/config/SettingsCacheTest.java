// The settings cache: an entry gives back every kind of value, and only for the very texts, place and build it was read with.
package vagga.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsCacheTest {
    @TempDir
    Path tmp;

    private static final String TEXT = String.join("\n",
            "storage-dir: /srv/storage",
            "external-volumes: {a: /srv/a, b: /srv/b}",
            "environ: {X: '1', Y: two}",
            "propagate-environ: [CI_*, HOME]",
            "build-lock-wait: true",
            "saved-steps: 5",
            "storage-dri: typo");

    @Test
    void anEntryGivesBackWhatTheTextsGave() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Settings read = Settings.load(Map.of("VAGGA_SETTINGS", TEXT), home, null);
        List<SettingsCache.Source> sources = List.of(new SettingsCache.Source("VAGGA_SETTINGS", TEXT, true));
        SettingsCache cache = new SettingsCache(tmp.resolve("entry"), "build-1", home, null);
        assertNull(cache.read(sources));
        cache.write(sources, values(read), read.warnings());
        var entry = cache.read(sources);
        assertNotNull(entry);
        assertEquals(values(read), entry.getKey());
        assertEquals(read.warnings(), entry.getValue());
        assertEquals(Path.of("/srv/a"), ((Map<?, ?>) entry.getKey().get("external-volumes")).get("a"));
        assertEquals(Path.of("/srv/storage"), entry.getKey().get("storage-dir"));
        assertEquals(1, entry.getValue().size());
    }

    @Test
    void otherTextsPlacesOrBuildsAreNoEntry() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Settings read = Settings.load(Map.of("VAGGA_SETTINGS", TEXT), home, null);
        List<SettingsCache.Source> sources = List.of(new SettingsCache.Source("VAGGA_SETTINGS", TEXT, true));
        new SettingsCache(tmp.resolve("entry"), "build-1", home, null).write(sources, values(read), read.warnings());
        assertNotNull(new SettingsCache(tmp.resolve("entry"), "build-1", home, null).read(sources));
        assertNull(new SettingsCache(tmp.resolve("entry"), "build-2", home, null).read(sources));
        assertNull(new SettingsCache(tmp.resolve("entry"), "build-1", tmp, null).read(sources));
        assertNull(new SettingsCache(tmp.resolve("entry"), "build-1", home, tmp).read(sources));
        assertNull(new SettingsCache(tmp.resolve("entry"), "build-1", home, null).read(
                List.of(new SettingsCache.Source("VAGGA_SETTINGS", TEXT.replace("/srv/a", "/srv/c"), true))));
        assertNull(new SettingsCache(tmp.resolve("entry"), "build-1", home, null).read(
                List.of(new SettingsCache.Source("VAGGA_SETTINGS", TEXT, false))));
        assertNull(new SettingsCache(tmp.resolve("entry"), "build-1", home, null).read(List.of()));
        Files.write(tmp.resolve("entry"), new byte[] {1, 2, 3});
        assertNull(new SettingsCache(tmp.resolve("entry"), "build-1", home, null).read(sources));
    }

    private static Map<String, Object> values(Settings s) throws Exception {
        var f = Settings.class.getDeclaredField("values");
        f.setAccessible(true);
        @SuppressWarnings("unchecked")
        Map<String, Object> v = (Map<String, Object>) f.get(s);
        return v;
    }
}
