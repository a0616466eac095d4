// The config cache gives back exactly the loaded model, and only while no file it came from changed.
package vagga.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigCacheTest {
    @TempDir
    Path tmp;

    /** Writes the entry for a freshly loaded config the way ConfigLoader does, with its files' stamps. */
    private ConfigCache cacheOf(Config config, List<Path> files) {
        ConfigCache cache = new ConfigCache(tmp.resolve("cache-entry"), "build-1");
        Map<Path, String> stamps = new LinkedHashMap<>();
        for (Path f : files) {
            stamps.put(f, ConfigCache.stamp(f));
        }
        cache.write(config, stamps, config.warnings());
        return cache;
    }

    @ParameterizedTest
    @ValueSource(strings = {"alias-child", "anchors", "bare-tags", "hidden-keys", "include", "merge", "mixins",
        "multi-shape", "names", "scalars", "steps", "supervise", "tag-alias", "tagged-compact", "unpack"})
    void givesBackTheSameModel(String fixture) throws Exception {
        Config loaded = Fixtures.load(fixture);
        ConfigCache cache = cacheOf(loaded, List.of(loaded.file()));
        Config cached = cache.read(loaded.file(), loaded.projectRoot(), List.of());
        assertNotNull(cached, fixture);
        assertEquals(loaded, cached, fixture);
    }

    /** Readiness carries doubles (timeout, interval): such a config was never cached before. */
    @Test
    void readinessProbesAreCachedToo() throws Exception {
        Path dir = java.nio.file.Files.createDirectories(tmp.resolve("ready"));
        Path file = dir.resolve("vagga.yaml");
        java.nio.file.Files.writeString(file, "containers: {host: {setup: [!HostRoot]}}\n"
                + "commands:\n  dev: !Supervise\n    children:\n"
                + "      db: !Command {container: host, run: x, ready: {command: 'redis-cli ping', timeout: 2.5, interval: 0.1}}\n"
                + "      web: !Command {container: host, run: x, after: [db], restart: on-failure}\n");
        Config loaded = ConfigLoader.loadFile(file, dir);
        ConfigCache cache = cacheOf(loaded, List.of(file));
        Config cached = cache.read(file, dir, List.of());
        assertNotNull(cached);
        assertEquals(loaded, cached);
    }

    @Test
    void lookupWarningsComeFirstAndLoadWarningsAreKept() throws Exception {
        Path file = tmp.resolve("vagga.yaml");
        Files.writeString(file, "commands: {}\n");
        Config loaded = new Config(file, tmp, Map.of(), Map.of(), List.of("skipping mixin"));
        ConfigCache cache = cacheOf(loaded, List.of(file));
        Config cached = cache.read(file, tmp, List.of("typo warning"));
        assertEquals(List.of("typo warning", "skipping mixin"), cached.warnings());
    }

    @Test
    void aChangedFileAnIncludeOrANewMixinInvalidates() throws Exception {
        Path file = tmp.resolve("vagga.yaml");
        Path include = tmp.resolve("part.yaml");
        Path mixin = tmp.resolve("mixin.yaml");
        Files.writeString(file, "commands: {}\n");
        Files.writeString(include, "x: 1\n");
        Config loaded = new Config(file, tmp, Map.of(), Map.of(), List.of());
        List<Path> deps = new ArrayList<>(List.of(file, include, mixin));

        assertNotNull(cacheOf(loaded, deps).read(file, tmp, List.of()));

        assertNull(readAfter(loaded, deps, () -> Files.writeString(file, "commands: {} # edited\n")));
        // same length, written at once: the content is compared, not the time
        assertNull(readAfter(loaded, deps, () -> Files.writeString(include, "x: 2\n")));
        assertNull(readAfter(loaded, deps, () -> Files.writeString(mixin, "commands: {}\n")));
        assertNull(readAfter(loaded, deps, () -> Files.delete(include)));
    }

    interface Change {
        void run() throws Exception;
    }

    /** Writes a fresh entry, makes the change, reads the entry back. */
    private Config readAfter(Config loaded, List<Path> deps, Change change) throws Exception {
        ConfigCache cache = cacheOf(loaded, deps);
        assertNotNull(cache.read(loaded.file(), loaded.projectRoot(), List.of()), "fresh entry");
        change.run();
        return cache.read(loaded.file(), loaded.projectRoot(), List.of());
    }

    @Test
    void anotherBuildOrACorruptEntryIsIgnored() throws Exception {
        Path file = tmp.resolve("vagga.yaml");
        Files.writeString(file, "commands: {}\n");
        Config loaded = new Config(file, tmp, Map.of(), Map.of(), List.of());
        cacheOf(loaded, List.of(file));
        assertNull(new ConfigCache(tmp.resolve("cache-entry"), "build-2").read(file, tmp, List.of()));
        byte[] bytes = Files.readAllBytes(tmp.resolve("cache-entry"));
        Files.write(tmp.resolve("cache-entry"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertNull(new ConfigCache(tmp.resolve("cache-entry"), "build-1").read(file, tmp, List.of()));
        assertNull(new ConfigCache(tmp.resolve("no-such-entry"), "build-1").read(file, tmp, List.of()));
    }

    @Test
    void anotherProjectRootIsIgnored() throws Exception {
        Path file = tmp.resolve("vagga.yaml");
        Files.writeString(file, "commands: {}\n");
        Config loaded = new Config(file, tmp, Map.of(), Map.of(), List.of());
        ConfigCache cache = cacheOf(loaded, List.of(file));
        assertNull(cache.read(file, tmp.resolve("elsewhere"), List.of()));
    }
}
