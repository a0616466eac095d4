// Hostile configs (issue 12): each is refused quickly with 126-style problems and a position, never a crash.
package vagga.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostileInputTest {
    @TempDir
    Path dir;

    private List<String> errors(String yaml) throws IOException {
        Path file = dir.resolve("vagga.yaml");
        Files.writeString(file, yaml);
        return assertThrows(ConfigException.class, () -> ConfigLoader.loadFile(file, dir)).problems();
    }

    private static final String HOST = "containers: {host: {setup: [!HostRoot]}}\ncommands:\n";

    @Test
    void aWorkDirLeadingOutOfTheProjectIsAnError() throws IOException {
        assertEquals(List.of("vagga.yaml:3:54: work-dir \"../../etc\" leads out of the project: it must stay under /work",
                        "vagga.yaml:4:54: work-dir \"a/../../x\" leads out of the project: it must stay under /work"),
                errors(HOST
                        + "  a: !Command {container: host, run: [ls], work-dir: ../../etc}\n"
                        + "  b: !Command {container: host, run: [ls], work-dir: a/../../x}\n"
                        + "  c: !Command {container: host, run: [ls], work-dir: a/../b/./c}\n"
                        + "  d: !Command {container: host, run: [ls], work-dir: bad, pid1mode: 7}\n").subList(0, 2));
    }

    /** Bounded (the old reader needed 46 s and 470 MB for this, or overflowed its stack). */
    private List<String> errorsWithin30s(String yaml) {
        return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> errors(yaml));
    }

    @Test
    void deepNestingIsRefusedWithItsPosition() {
        assertEquals(List.of("vagga.yaml:3:103: nested deeper than 100 levels"),
                errorsWithin30s(HOST + "x: " + "[".repeat(3000) + "]".repeat(3000) + "\n"));
        assertEquals(List.of("vagga.yaml:3:397: nested deeper than 100 levels"),
                errorsWithin30s(HOST + "x: " + "{a: ".repeat(3000) + "b" + "}".repeat(3000) + "\n").subList(0, 1));
    }

    @Test
    void hugeScalarsAndFilesAreRefusedWithTheirPlace() {
        assertEquals(List.of("vagga.yaml:3:1: line longer than 65536 characters"),
                errorsWithin30s(HOST + "  a: !Command {container: host, run: \"" + "x".repeat(2_000_000) + "\"}\n"));
        assertEquals(List.of("vagga.yaml:1:1: the file is larger than 3 MiB"),
                errorsWithin30s(HOST + "  a: !Command {container: host, run: \"" + ("x".repeat(100) + "\n").repeat(100_000)
                        + "\"}\n"));
    }

    @Test
    void mixinsAreRegularFilesInsideTheProjectAndNeverEchoed() throws IOException {
        Files.writeString(dir.resolve("secret"), "root:*:19000:0:99999:7:::\n");
        Files.createDirectory(dir.resolve("adir"));
        Files.createSymbolicLink(dir.resolve("zero"), Path.of("/dev/zero"));
        List<String> errors = errorsWithin30s(HOST.replace("commands:\n", "")
                + "mixins: [/etc/passwd, ../../etc/passwd, zero, adir, secret]\n");
        assertEquals(List.of(
                "adir:1:1: is a directory, not a file",
                "secret:1:1: unknown key (24 characters, not a key name) (expected one of: commands, containers, "
                        + "minimum-vagga, mixins)",
                "vagga.yaml:2:10: mixin \"/etc/passwd\": only relative paths without \"..\" can be mixed in (as in vagga)",
                "vagga.yaml:2:23: mixin \"../../etc/passwd\": only relative paths without \"..\" can be mixed in (as in vagga)",
                "vagga.yaml:2:41: mixin \"zero\" has errors",
                "vagga.yaml:2:47: mixin \"adir\" has errors",
                "vagga.yaml:2:53: mixin \"secret\" has errors",
                "zero:1:1: is not a regular file"), errors);
    }

    @Test
    void aVaggaYamlThatIsADirectoryOrALinkLoopSaysSo() throws IOException {
        Path d = Files.createDirectories(dir.resolve("d"));
        Files.createDirectory(d.resolve("vagga.yaml"));
        assertEquals(List.of("vagga.yaml:1:1: is a directory, not a file"),
                assertThrows(ConfigException.class, () -> ConfigLoader.load(d)).problems());
        Path l = Files.createDirectories(dir.resolve("l"));
        Files.createSymbolicLink(l.resolve("vagga.yaml"), Path.of("vagga.yaml"));
        List<String> loop = assertThrows(ConfigException.class, () -> ConfigLoader.load(l)).problems();
        assertEquals(1, loop.size(), loop.toString());
        assertTrue(loop.get(0).startsWith("vagga.yaml:1:1: cannot read the file: ") && loop.get(0).contains("symbolic links"),
                loop.get(0));
    }

    @Test
    void aListAliasInsideRunIsReportedAsAListNotAsAnEmptyRun() throws IOException {
        List<String> problems = errors(HOST + "  a: !Command {container: host, run: &list [echo, hi]}\n"
                + "  b: !Command {container: host, run: [*list]}\n");
        assertEquals(List.of("vagga.yaml:3:38: an item of run must be a string, found a list"), problems);
    }

    @Test
    void aMixinThatIncludesItselfIsReadOnceWithAWarningSayingSo() throws Exception {
        Files.writeString(dir.resolve("vagga.yaml"), "mixins: [m.yaml]\n" + HOST
                + "  a: !Command {container: host, run: [echo]}\n");
        Files.writeString(dir.resolve("m.yaml"), "mixins: [m.yaml]\ncommands:\n"
                + "  b: !Command {container: host, run: [echo, b]}\n");
        Config c = ConfigLoader.load(dir);
        assertTrue(c.commands().containsKey("b"));
        assertEquals(List.of("m.yaml:1:10: mixin \"m.yaml\" includes itself (m.yaml -> m.yaml): read once"),
                c.warnings());
    }
}
