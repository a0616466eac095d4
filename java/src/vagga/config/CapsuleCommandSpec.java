// A !CapsuleCommand: parsed so real files load; not runnable here.
package vagga.config;

import java.util.List;

public record CapsuleCommandSpec(Position position, List<String> run, String description,
                                 Object raw) implements CommandDef {
}
