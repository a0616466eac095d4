// A !Command: one process in one container; also a !Supervise child.
package vagga.config;

import java.util.List;
import java.util.Map;

/**
 * Defaults (declared once, in the loader): environ {}, workDir null (caller's dir), volumes {},
 * userId 0, groupId 0, supplementaryGids [], externalUserId null, writeMode READ_ONLY, tags [],
 * passTcpSocket null, prerequisites [], aliases [], epilog null (printed after a successful run of
 * a top-level command; ignored for a supervise child).
 */
public record CommandSpec(Position position, String container, Run run,
                          Map<String, String> environ, String workDir, Map<String, Volume> volumes,
                          int userId, int groupId, List<Integer> supplementaryGids,
                          Integer externalUserId, WriteMode writeMode, List<String> tags,
                          String passTcpSocket, String description, List<String> prerequisites,
                          String options, boolean acceptsArguments, List<String> aliases,
                          String group, String network, String epilog) implements CommandDef {
}
