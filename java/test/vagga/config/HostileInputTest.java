// Hostile configs (issue 12): each is refused quickly with 126-style problems and a position, never a crash.
package vagga.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
