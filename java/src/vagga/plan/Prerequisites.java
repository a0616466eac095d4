// The one order in which commands and their prerequisites run (vagga's launcher/prerequisites.rs).
package vagga.plan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

public final class Prerequisites {
    private Prerequisites() {}

    /**
     * The commands given (in their order, repeats kept), each preceded by those of its
     * prerequisites (transitively, depth first) not yet in the list; a prerequisite runs once in
     * the whole list, and a command given on the command line never runs as someone's
     * prerequisite. A cycle is not an error: the command already being visited is skipped, so
     * the one named on the command line runs last (as vagga).
     */
    public static List<String> order(List<String> commands, Function<String, List<String>> prerequisites) {
        Set<String> listed = new HashSet<>(commands);
        Set<String> visiting = new HashSet<>(commands);
        List<String> result = new ArrayList<>();
        for (String command : commands) {
            visiting.add(command);
            visit(command, prerequisites, listed, visiting, result);
            visiting.remove(command);
            result.add(command);
        }
        return result;
    }

    private static void visit(String name, Function<String, List<String>> prerequisites, Set<String> listed,
                              Set<String> visiting, List<String> result) {
        List<String> pres = prerequisites.apply(name);
        for (String pre : pres == null ? List.<String>of() : pres) {
            if (!visiting.add(pre)) {
                continue;
            }
            visit(pre, prerequisites, listed, visiting, result);
            visiting.remove(pre);
            if (listed.add(pre)) {
                result.add(pre);
            }
        }
    }
}
