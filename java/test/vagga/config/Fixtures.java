// Locates the vagga.yaml fixtures under java/test-resources/config and loads them.
package vagga.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

final class Fixtures {
    private Fixtures() {}

    static Path dir(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/config/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Loads the fixture directory the way `vagga` does from inside it. */
    static Config load(String name) throws ConfigException {
        return ConfigLoader.load(dir(name));
    }

    /** The problem lines of an invalid fixture file errors/NAME.yaml (project root: errors/). */
    static List<String> errors(String file) {
        Path p = dir("errors/" + file);
        return assertThrows(ConfigException.class, () -> ConfigLoader.loadFile(p, p.getParent())).problems();
    }

    static List<String> errorsOfDir(String name) {
        return assertThrows(ConfigException.class, () -> load(name)).problems();
    }
}
