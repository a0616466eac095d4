// A !Supervise: several children, each in its own container, watched together.
package vagga.config;

import java.util.List;
import java.util.SortedMap;

/**
 * Defaults: mode STOP_ON_FAILURE, children {}, killUnresponsiveAfter 2, isolateNetwork false.
 * Children are sorted by name: that is the start order.
 */
public record SuperviseSpec(Position position, SuperviseMode mode,
                            SortedMap<String, CommandSpec> children, int killUnresponsiveAfter,
                            String description, String options, List<String> prerequisites,
                            boolean isolateNetwork, String epilog, List<String> aliases,
                            String group) implements CommandDef {
}
