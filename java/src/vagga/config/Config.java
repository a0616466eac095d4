// A loaded vagga.yaml: where it was found and its containers and commands, in file order.
package vagga.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * @param file        the config file that was read
 * @param projectRoot the project root (mounted at /work in every container)
 * @param containers  containers by name, in file order
 * @param commands    commands by name, in file order
 */
public record Config(Path file, Path projectRoot, Map<String, Container> containers,
                     Map<String, CommandDef> commands) {
    public Config {
        containers = Collections.unmodifiableMap(new LinkedHashMap<>(containers));
        commands = Collections.unmodifiableMap(new LinkedHashMap<>(commands));
    }
}
