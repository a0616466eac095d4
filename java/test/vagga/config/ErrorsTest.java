// Every config error a user can meet, with its exact file:line:col, all of a file at once, sorted.
package vagga.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErrorsTest {
    private static final String COMMAND_KEYS = "accepts-arguments, aliases, banner, banner-delay, container, "
            + "description, environ, epilog, expect-inotify-limit, external-user-id, group, group-id, "
            + "isolate-network, link-as, linked-path-translation, options, pass-tcp-socket, pid1mode, prerequisites, "
            + "run, supplementary-gids, symlink-name, tags, user-id, volumes, work-dir, write-mode";
    private static final String VOLUME_KINDS = "!Tmpfs, !BindRW, !BindRO, !Empty, !VaggaBin, !Snapshot, "
            + "!Container, !Persistent, !CacheDir";

    @Test
    void unknownKeyNamesTheExpectedOnes() {
        assertEquals(List.of(
                "unknown-key.yaml:5:6: missing required key \"container\"",
                "unknown-key.yaml:6:5: unknown key \"contaner\", did you mean \"container\"? (expected one of: " + COMMAND_KEYS + ")"),
                Fixtures.errors("unknown-key.yaml"));
    }

    @Test
    void invalidYamlWithItsPosition() {
        assertEquals(List.of("invalid.yaml:4:4: invalid YAML: expected ',' or ']', but got :"),
                Fixtures.errors("invalid.yaml"));
    }

    @Test
    void anEscapeCutShortByTheEndOfTheFileIsInvalidYamlNotAnInternalError() {
        // snakeyaml's scanner throws NumberFormatException here (found by the config fuzzer)
        assertEquals(List.of("cut-escape.yaml:4:29: invalid YAML: the input ends inside an escape sequence"),
                Fixtures.errors("cut-escape.yaml"));
    }

    @Test
    void aMisindentedKeyBecomesARelativeVolume() {
        assertEquals(List.of(
                "misindented.yaml:5:6: missing required key \"run\"",
                "misindented.yaml:9:7: volume path \"run\" must be absolute",
                "misindented.yaml:9:12: a volume must be tagged (one of: " + VOLUME_KINDS + "), found a list"),
                Fixtures.errors("misindented.yaml"));
    }

    @Test
    void tagsOfTheWrongShape() {
        assertEquals(List.of(
                "wrong-shape.yaml:5:7: !Install takes a list, found a string",
                "wrong-shape.yaml:6:7: !UbuntuUniverse takes no value, found a string",
                "wrong-shape.yaml:7:7: !Sh takes a string, found a list",
                "wrong-shape.yaml:9:14: !Persistent takes a name or a mapping, found a list",
                "wrong-shape.yaml:10:13: !BindRW takes a string, found nothing",
                "wrong-shape.yaml:11:11: !Empty takes no value, found a string"),
                Fixtures.errors("wrong-shape.yaml"));
    }

    @Test
    void distributionStepsWithoutWhatTheyNeed() {
        assertEquals(List.of(
                "distro-steps.yaml:4:7: !UbuntuRelease needs one of codename (preferred), version or url",
                "distro-steps.yaml:5:52: unknown key \"component\", did you mean \"components\"? "
                        + "(expected one of: components, suite, trusted, url)",
                "distro-steps.yaml:6:18: unknown key \"keyz\", did you mean \"keys\"? (expected one of: keys, server, url)",
                "distro-steps.yaml:10:7: missing required key \"repo\""),
                Fixtures.errors("distro-steps.yaml"));
    }

    @Test
    void manyErrorsReportedTogetherAndSorted() {
        assertEquals(List.of(
                "multiple.yaml:4:7: !HostRoot must be the only setup step of container \"app\"",
                "multiple.yaml:6:7: unknown build step !Frobnicate",
                "multiple.yaml:9:5: a command must be tagged (expected one of: !Command, !Supervise, "
                        + "!CapsuleCommand), found a mapping",
                "multiple.yaml:12:11: unknown mode \"restart\" (expected one of: stop-on-failure, wait-all-successful)",
                "multiple.yaml:13:30: kill-unresponsive-after must be between 1 and 86400, found 0",
                "multiple.yaml:18:21: unknown write-mode \"rw\" (expected one of: read-only, transient-hard-link-copy)",
                "multiple.yaml:19:10: a child must be a !Command, found !Supervise",
                "multiple.yaml:20:37: run must not be an empty list",
                "multiple.yaml:20:50: user-id must be between 0 and 1073741824, found -1"),
                Fixtures.errors("multiple.yaml"));
    }

    @Test
    void valuesOfTheWrongType() {
        assertEquals(List.of(
                "values.yaml:4:21: uids items are ids or ranges like 0-65535, found \"lots\"",
                "values.yaml:6:25: size must be a number, found \"big\"",
                "values.yaml:6:36: mode must be from 0o0 to 0o1777, found \"0o7777\"",
                "values.yaml:7:11: unknown volume type !Frobnicate (expected one of: " + VOLUME_KINDS + ")",
                "values.yaml:12:18: the value of \"A\" must be a string, found a list",
                "values.yaml:13:24: accepts-arguments must be true or false, found \"maybe\"",
                "values.yaml:14:6: missing required key \"run\""),
                Fixtures.errors("values.yaml"));
    }

    @Test
    void containerDependenciesCheckedAtLoadLikeVagga() {
        assertEquals(List.of(
                // vagga's check stops at the first container (by name) in a cycle: that one, last
                "deps.yaml:10:7: Container \"nope\" referenced from \"c\" is not found",
                "deps.yaml:7:7: !Container \"a\" in container \"b\" makes a cycle\nContainer \"a\" has cyclic dependency"),
                Fixtures.errors("deps.yaml"));
    }

    @Test
    void aCommandNamingAMissingContainerLoads(@TempDir Path dir) throws Exception {
        // vagga reports `Container "x" not found` when the command runs, not at load.
        assertEquals("nope", ((CommandSpec) load(dir, "commands:\n  c: !Command {container: nope, run: x}\n")
                .commands().get("c")).container());
    }

    private static Config load(Path dir, String text) throws Exception {
        Files.writeString(dir.resolve("vagga.yaml"), text);
        return ConfigLoader.loadFile(dir.resolve("vagga.yaml"), dir);
    }

    private static List<String> errors(Path dir, String text) throws Exception {
        Files.writeString(dir.resolve("vagga.yaml"), text);
        return assertThrows(ConfigException.class, () -> ConfigLoader.loadFile(dir.resolve("vagga.yaml"), dir))
                .problems();
    }

    @Test
    void yamlLevelProblems(@TempDir Path dir) throws Exception {
        assertEquals(List.of("vagga.yaml:2:1: duplicate key \"containers\""),
                errors(dir, "containers: {}\ncontainers: {}\n"));
        assertEquals(List.of("vagga.yaml:3:1: duplicate key \"minimum_vagga\" (\"-\" and \"_\" are the same)"),
                errors(dir, "minimum-vagga: v0.1\ncontainers: {}\nminimum_vagga: v0.2\n"));
        assertEquals(List.of("vagga.yaml:1:13: unknown anchor *nothing (an alias must follow its anchor)"),
                errors(dir, "containers: *nothing\n"));
        assertEquals(List.of("vagga.yaml:2:1: a config file holds one YAML document, found more"),
                errors(dir, "containers: {}\n---\ncommands: {}\n"));
        assertEquals(List.of("vagga.yaml:1:11: !*Include takes a relative path without \"..\", found \"../x.yaml\""),
                errors(dir, "commands: !*Include ../x.yaml\n"));
        assertEquals(List.of("vagga.yaml:1:1: unknown key \"contaners\", did you mean \"containers\"? (expected one of: commands, containers, "
                + "minimum-vagga, mixins)"), errors(dir, "contaners: {}\n"));
        assertEquals(List.of("vagga.yaml:1:12: unexpected tag !Sh on the key \"b\""),
                errors(dir, "_x: {a: 1, !Sh b: 2}\n"));
        assertEquals(List.of("vagga.yaml:1:5: a merge key (<<) takes a mapping or a list of mappings, found a string"),
                errors(dir, "_x: &x 1\n_y: {<<: *x}\n"));
    }

    @Test
    void notUtf8(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("vagga.yaml"), new byte[] {'a', ':', ' ', (byte) 0xff, '\n'});
        assertEquals(List.of("vagga.yaml:1:1: the file is not valid UTF-8"),
                assertThrows(ConfigException.class, () -> ConfigLoader.loadFile(dir.resolve("vagga.yaml"), dir))
                        .problems());
    }

    @Test
    void errorsInsideAnIncludedFileNameThatFile() {
        assertEquals(List.of(
                "parts/commands.yaml:4:6: missing required key \"run\"",
                "parts/commands.yaml:6:3: unknown key \"rn\", did you mean \"run\"? (expected one of: " + COMMAND_KEYS + ")"),
                Fixtures.errorsOfDir("include-error"));
    }

    @Test
    void declaredStepsCheckTheirKeysAndTypes() {
        assertEquals(List.of(
                "declared-steps.yaml:4:25: unknown key \"fil\", did you mean \"file\"? (expected one of: bundled, dev, file, optional, "
                        + "package, peer)",
                "declared-steps.yaml:5:24: !RunAs user-id must be a number, found \"x\"",
                "declared-steps.yaml:6:7: missing required key \"url\"",
                "declared-steps.yaml:7:27: !SubConfig source takes !Directory, !Container NAME or !Git {url: ...}, "
                        + "found !Container",
                "declared-steps.yaml:8:19: !CacheDirs path \"relative/path\" must be absolute",
                "declared-steps.yaml:9:7: !Py3Install takes a list of strings, found a string",
                "declared-steps.yaml:10:32: path \"relative\" must be absolute"),
                Fixtures.errors("declared-steps.yaml"));
    }

    @Test
    void aMixinWithErrorsIsAnErrorNotDropped() {
        assertEquals(List.of(
                "vagga.yaml:3:3: mixin \"vagga/trunk.yaml\" has errors",
                "vagga/trunk.yaml:5:7: unknown build step !NoSuchStep",
                "vagga/trunk.yaml:6:7: a setup step must be tagged (like !Sh or !Install), found a list"),
                Fixtures.errorsOfDir("mixin-error"));
    }

    @Test
    void aMissingInclude() {
        assertEquals(List.of("vagga.yaml:4:11: cannot include \"nope.yaml\": no such file nope.yaml"),
                Fixtures.errorsOfDir("include-missing"));
    }

    @Test
    void anIncludeCycle() {
        assertEquals(List.of(
                "b.yaml:1:1: a command must be tagged (expected one of: !Command, !Supervise, !CapsuleCommand), "
                        + "found a mapping",
                "b.yaml:1:4: include cycle: vagga.yaml -> a.yaml -> b.yaml -> a.yaml"),
                Fixtures.errorsOfDir("include-cycle"));
    }
}
