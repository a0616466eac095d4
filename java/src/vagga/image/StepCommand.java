// A command a build step runs inside the container being built.
package vagga.image;

import java.util.List;
import java.util.Map;

/**
 * @param argv           the command (argv[0] searched in the build PATH)
 * @param workDir        working directory inside the container
 * @param env            variables added to the build environment for this command only
 * @param uid            user id (vagga's RunAs user-id; 0 otherwise)
 * @param gid            group id
 * @param groups         supplementary group ids
 * @param isolateNetwork run in a new network namespace with only loopback
 * @param externalUid    vagga's external-user-id (!RunAs): the id {@code uid} is mapped to in a user
 *                       namespace of the command's own, or null
 */
record StepCommand(List<String> argv, String workDir, Map<String, String> env, int uid, int gid,
                   List<Integer> groups, boolean isolateNetwork, Integer externalUid) {
    static StepCommand of(List<String> argv, String workDir) {
        return new StepCommand(argv, workDir, Map.of(), 0, 0, List.of(), false, null);
    }

    static StepCommand shell(String script, String workDir) {
        return of(List.of("/bin/sh", "-exc", script), workDir);
    }

    StepCommand withEnv(Map<String, String> more) {
        return new StepCommand(argv, workDir, more, uid, gid, groups, isolateNetwork, externalUid);
    }
}
