// vagga's settings: every key, the global files, VAGGA_SETTINGS, site-settings and the project's files, in order.
package vagga.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    @TempDir
    Path home;
    @TempDir
    Path project;

    @Test
    void nothingSetMeansVaggasDefaults() throws Exception {
        Settings s = Settings.load(Map.of(), home, project);
        assertEquals(Map.of(), s.externalVolumes());
        assertTrue(s.versionCheck());
        assertTrue(s.proxyEnvVars());
        assertTrue(s.runSymlinksAsCommands());
        assertFalse(s.buildLockWait());
        assertFalse(s.sharedCache());
        assertNull(s.storageDir());
        assertEquals(List.of("localhost"), s.dockerInsecureRegistries());
        assertEquals(List.of(), s.warnings());
    }

    @Test
    void filesThenTheVariableLaterWins() throws Exception {
        Files.createDirectories(home.resolve(".config/vagga"));
        Files.writeString(home.resolve(".config/vagga/settings.yaml"),
                "external-volumes:\n  a: /srv/a\n  b: /srv/b\nubuntu-mirror: http://x\nbuild-lock-wait: true\n");
        Files.writeString(home.resolve(".vagga.yaml"), "external_volumes: {b: /srv/b2}\nubuntu_mirror: http://y\n");
        Settings s = Settings.load(Map.of("VAGGA_SETTINGS", "external-volumes: {c: /srv/c, a: /srv/a3}"), home);
        assertEquals(Map.of("a", Path.of("/srv/a3"), "b", Path.of("/srv/b2"), "c", Path.of("/srv/c")),
                s.externalVolumes());
        assertEquals("http://y", s.ubuntuMirror());
        assertTrue(s.buildLockWait());
    }

    @Test
    void projectFilesComeLastAndSiteSettingsApplyOnlyToTheirProject() throws Exception {
        Files.writeString(home.resolve(".vagga.yaml"), String.join("\n",
                "alpine-mirror: http://global",
                "environ: {A: global, B: global}",
                "storage-dir: ~/storage",
                "site-settings:",
                "  " + project + ":",
                "    cache-dir: /var/cache/p",
                "    environ: {B: site}",
                "  /some/other/project:",
                "    alpine-mirror: http://other",
                ""));
        Files.writeString(project.resolve(".vagga.settings.yaml"), "alpine-mirror: http://local\n");
        Files.createDirectories(project.resolve(".vagga"));
        Files.writeString(project.resolve(".vagga/settings.yaml"), "environ: {C: local}\nprefix-output: true\n");
        Settings s = Settings.load(Map.of(), home, project);
        assertEquals("http://local", s.alpineMirror());
        assertEquals(Map.of("A", "global", "B", "site", "C", "local"), s.environ());
        assertEquals(home.resolve("storage"), s.storageDir());
        assertEquals(Path.of("/var/cache/p"), s.cacheDir());
        assertTrue(s.sharedCache(), "a cache-dir is shared, as in vagga");
        assertTrue(s.prefixOutput());
        assertEquals(List.of(), s.warnings());
    }

    @Test
    void aTypoOrAGlobalSettingInAProjectFileIsAWarningWithItsPlace() throws Exception {
        Files.writeString(home.resolve(".vagga.yaml"), "storage-dri: /x\n");
        Files.writeString(project.resolve(".vagga.settings.yaml"), "version-check: false\nexternal-volumes: {a: /a}\n");
        Settings s = Settings.load(Map.of(), home, project);
        assertEquals(2, s.warnings().size(), s.warnings().toString());
        assertTrue(s.warnings().get(0).startsWith(home.resolve(".vagga.yaml") + ":1:1: unknown setting \"storage-dri\""
                + ", ignored (expected one of: alpine-mirror, "), s.warnings().get(0));
        assertTrue(s.warnings().get(0).contains("storage-dir"));
        assertTrue(s.warnings().get(1).startsWith(".vagga.settings.yaml:2:1: setting \"external-volumes\" is read"
                + " only from the global settings"), s.warnings().get(1));
        assertEquals(Map.of(), s.externalVolumes());
        assertFalse(s.versionCheck());
    }

    @Test
    void theDockerSettingsAddToVaggasDefaults() throws Exception {
        Settings s = Settings.load(Map.of("VAGGA_SETTINGS", "docker-insecure-registries: [r.example]\n"
                + "docker-registry-aliases: {hub: 127.0.0.1:5000}"), home);
        assertEquals(List.of("localhost", "r.example"), s.dockerInsecureRegistries());
        assertEquals(Map.of("docker.io", "registry-1.docker.io", "hub", "127.0.0.1:5000"), s.dockerRegistryAliases());
        assertEquals(List.of(), s.warnings());
    }

    @Test
    void badSettingsNameTheirPlace() throws Exception {
        Files.writeString(home.resolve(".vagga.yaml"), "external-volumes: [a, b]\nbuild-lock-wait: maybe\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> Settings.load(Map.of("VAGGA_SETTINGS", "external-volumes: {x: relative/path}"), home));
        assertEquals(List.of(
                home.resolve(".vagga.yaml") + ":1:19: setting \"external-volumes\" must be a mapping, found a list",
                home.resolve(".vagga.yaml") + ":2:18: setting \"build-lock-wait\" must be true or false, found \"maybe\"",
                "VAGGA_SETTINGS:1:23: external volume \"x\": path relative/path is not absolute"), e.problems());
        ConfigException yaml = assertThrows(ConfigException.class,
                () -> Settings.load(Map.of("VAGGA_SETTINGS", "a: [unclosed"), null));
        assertTrue(yaml.problems().get(0).startsWith("VAGGA_SETTINGS: invalid YAML: "), yaml.problems().toString());
        ConfigException tilde = assertThrows(ConfigException.class,
                () -> Settings.load(Map.of("VAGGA_SETTINGS", "cache-dir: ~/c"), null));
        assertEquals(List.of("VAGGA_SETTINGS:1:12: Can't expand tilde `~` in cache-dir: no HOME found"),
                tilde.problems());
    }

    @Test
    void propagateEnvironMatchesNamesAndStarPatterns() throws Exception {
        Settings s = Settings.load(Map.of("VAGGA_SETTINGS", "propagate-environ: [GIT_BRANCH, 'CI_*', '*_TOKEN']"), home);
        assertTrue(s.propagates("GIT_BRANCH"));
        assertTrue(s.propagates("CI_JOB_ID"));
        assertTrue(s.propagates("CI_"));
        assertTrue(s.propagates("NPM_TOKEN"));
        assertFalse(s.propagates("GIT_BRANCHES"));
        assertFalse(s.propagates("XCI_A"));
    }

    @Test
    void theSameRunReadsItsSettingsOnce() throws Exception {
        Map<String, String> env = Map.of("HOME", home.toString());
        Settings first = Settings.forRun(env, project);
        assertSame(first, Settings.forRun(env, project));
        Settings other = Settings.forRun(Map.of("HOME", home.toString(), "VAGGA_SETTINGS", "version-check: false"),
                project);
        assertFalse(other.versionCheck());
    }
}
