// Finds vagga.yaml (SPEC 1.1) and loads it into the immutable model. Only user of snakeyaml.
package vagga.config;

import java.nio.file.Path;

public final class ConfigLoader {
    private ConfigLoader() {}

    /**
     * Looks up the config from {@code cwd} upwards and loads it.
     * @throws ConfigException "Config not found in path ..." or every problem of the file
     */
    public static Config load(Path cwd) throws ConfigException {
        throw new ConfigException(java.util.List.of("not implemented yet"));
    }

    /** Loads one given file whose directory is the project root. */
    public static Config loadFile(Path file, Path projectRoot) throws ConfigException {
        throw new ConfigException(java.util.List.of("not implemented yet"));
    }
}
