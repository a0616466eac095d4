// Everything the supervisor needs to know about one run, decided before anything starts.
package vagga.plan;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

import vagga.config.CommandSpec;
import vagga.config.SuperviseMode;
import vagga.config.SuperviseSpec;

/**
 * @param superviseName        the command's name (VAGGA_COMMAND)
 * @param children             the selected children, in name order = start order
 * @param optionVariables      VAGGAOPT_* / VAGGACLI_* for every child (empty without options:)
 * @param epilog               printed after the run when the exit code is 0, or null
 */
public record RunPlan(String superviseName, SuperviseMode mode, int killUnresponsiveAfter,
                      SortedMap<String, CommandSpec> children, SortedMap<String, String> optionVariables,
                      String epilog, boolean isolateNetwork, List<String> prerequisites) {

    public RunPlan {
        children = Collections.unmodifiableSortedMap(new TreeMap<>(children));
        optionVariables = Collections.unmodifiableSortedMap(new TreeMap<>(optionVariables));
        prerequisites = prerequisites == null ? List.of() : List.copyOf(prerequisites);
    }

    /** The plan or, when nothing matches, why not. */
    public sealed interface Result permits Planned, NothingSelected, UnknownNames {}

    public record Planned(RunPlan plan) implements Result {}

    /** Print {@link #message} to stderr and exit {@link #exitCode}; nothing is started. */
    public record NothingSelected(String message, int exitCode) implements Result {}

    /** Ours: an --only/--exclude word names no child and no tag; print {@link #lines}, exit 122. */
    public record UnknownNames(List<String> lines, int exitCode) implements Result {}

    /** Applies parsed arguments to a supervise command. */
    public static Result of(String superviseName, SuperviseSpec spec, SuperviseArgs.Parsed args) {
        List<String> unknown = Selection.unknownWords(superviseName, spec.children(), args.filter());
        if (!unknown.isEmpty()) {
            return new UnknownNames(unknown, ExitCodes.BAD_ARGUMENTS);
        }
        SortedMap<String, CommandSpec> selected = Selection.select(spec.children(), args.filter());
        if (selected.isEmpty()) {
            return new NothingSelected(Selection.NO_CHILDREN_MESSAGE, ExitCodes.NOTHING_TO_RUN);
        }
        return new Planned(new RunPlan(superviseName, spec.mode(), spec.killUnresponsiveAfter(), selected,
                args.optionVariables(), spec.epilog(), spec.isolateNetwork(), spec.prerequisites()));
    }
}
