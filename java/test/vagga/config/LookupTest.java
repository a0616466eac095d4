// Config lookup (SPEC 1.1): .vagga/vagga.yaml then vagga.yaml, from the cwd up to /; vagga.yml warning.
package vagga.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LookupTest {
    private static final String ONE_COMMAND = "commands:\n  %s: !Command {container: app, run: x}\n";

    @Test
    void foundFromASubdirectoryTheProjectRootIsItsDirectory(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("vagga.yaml"), ONE_COMMAND.formatted("top"));
        Path sub = Files.createDirectories(root.resolve("a/b"));
        Config c = ConfigLoader.load(sub);
        assertEquals(root.toRealPath(), c.projectRoot().toRealPath());
        assertEquals(root.resolve("vagga.yaml").toRealPath(), c.file().toRealPath());
        assertEquals(List.of("top"), List.copyOf(c.commands().keySet()));
        assertEquals(new Position("vagga.yaml", 2, 8), c.commands().get("top").position());
    }

    @Test
    void dotVaggaWinsOverVaggaYamlInTheSameDirectory(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("vagga.yaml"), ONE_COMMAND.formatted("plain"));
        Files.createDirectories(root.resolve(".vagga"));
        Files.writeString(root.resolve(".vagga/vagga.yaml"), ONE_COMMAND.formatted("hidden"));
        Config c = ConfigLoader.load(root);
        assertEquals(List.of("hidden"), List.copyOf(c.commands().keySet()));
        assertEquals(new Position(".vagga/vagga.yaml", 2, 11), c.commands().get("hidden").position());
        assertEquals(root.toRealPath(), c.projectRoot().toRealPath());
    }

    @Test
    void theNearestDirectoryWins(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("vagga.yaml"), ONE_COMMAND.formatted("outer"));
        Path inner = Files.createDirectories(root.resolve("inner"));
        Files.writeString(inner.resolve("vagga.yaml"), ONE_COMMAND.formatted("inner"));
        assertEquals(List.of("inner"), List.copyOf(ConfigLoader.load(inner).commands().keySet()));
    }

    @Test
    void notFoundNamesTheDirectoryAndGivesAHint(@TempDir Path root) throws Exception {
        Path cwd = Files.createDirectories(root.resolve("empty"));
        List<String> lines = assertThrows(ConfigException.class, () -> ConfigLoader.load(cwd)).problems();
        assertEquals(2, lines.size());
        assertEquals("Config not found in path \"" + cwd.toAbsolutePath().normalize() + "\"", lines.get(0));
        assertEquals("hint: vagga looks for .vagga/vagga.yaml, then vagga.yaml, in \"" + cwd.toAbsolutePath()
                .normalize() + "\" and every directory above it; create vagga.yaml in the project root", lines.get(1));
    }

    @Test
    void aVaggaYmlBesideGetsATypoWarning(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("vagga.yaml"), ONE_COMMAND.formatted("c"));
        Files.writeString(root.resolve("vagga.yml"), "");
        Config c = ConfigLoader.load(root);
        assertEquals(List.of("There is vagga.yml file in the \"" + root.toAbsolutePath().normalize()
                + "\", possibly it is a typo. Correct configuration file name is vagga.yaml"), c.warnings());
    }

    @Test
    void aConfigWithoutTyposHasNoWarnings(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("vagga.yaml"), ONE_COMMAND.formatted("c"));
        assertEquals(List.of(), ConfigLoader.load(root).warnings());
    }
}
