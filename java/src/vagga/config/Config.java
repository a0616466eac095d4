// A loaded vagga.yaml: where it was found, its containers and commands in file order, and warnings.
package vagga.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * @param file        the config file that was read
 * @param projectRoot the project root (mounted at /work in every container)
 * @param containers  containers by name, in file order (mixins' after the file's own)
 * @param commands    commands by name, in file order (mixins' after the file's own)
 * @param warnings    lines for stderr that do not stop the run (a `vagga.yml` typo, a skipped
 *                    mixin); the caller prints each as {@code vagga: warning: <line>}
 */
public record Config(Path file, Path projectRoot, Map<String, Container> containers,
                     Map<String, CommandDef> commands, List<String> warnings) {
    public Config {
        containers = Collections.unmodifiableMap(new LinkedHashMap<>(containers));
        commands = Collections.unmodifiableMap(new LinkedHashMap<>(commands));
        warnings = List.copyOf(warnings);
    }

    /** A config without warnings (what tests and other packages build by hand). */
    public Config(Path file, Path projectRoot, Map<String, Container> containers,
                  Map<String, CommandDef> commands) {
        this(file, projectRoot, containers, commands, List.of());
    }

    /**
     * vagga's {@code Container "X" not found}, ours with where it is named ({@code where}, or null
     * when it came from the command line), a "did you mean" and a hint line listing the containers.
     */
    public String containerNotFound(String name, Position where) {
        String hint = Spelling.didYouMean(name, containers.keySet());
        return (where == null ? "" : where + ": ") + "Container \"" + name + "\" not found"
                + (hint == null ? "" : " (" + hint + ")")
                + "\nhint: containers: " + (containers.isEmpty() ? "(none)"
                        : String.join(", ", new java.util.TreeSet<>(containers.keySet())));
    }
}
