// Collects config problems with their positions; printed sorted, one "file:line:col: message" a line.
package vagga.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

final class Problems {
    /**
     * {@code rank} 0: shown before every other problem (vagga's "Please upgrade vagga"); 2: after every
     * other (vagga's cycle line, which its tests read as the last line); 1: the rest.
     */
    private record Problem(Position position, String message, int rank) {
        boolean first() {
            return rank == 0;
        }
    }

    private static final Comparator<Problem> ORDER = Comparator
            .comparingInt(Problem::rank)
            .thenComparing((Problem p) -> p.position().file())
            .thenComparingInt(p -> p.position().line())
            .thenComparingInt(p -> p.position().column())
            .thenComparing(Problem::message);

    private final List<Problem> problems = new ArrayList<>();

    void add(Position position, String message) {
        problems.add(new Problem(position, message, 1));
    }

    /** A problem vagga would report alone: listed after all the others. */
    void addLast(Position position, String message) {
        problems.add(new Problem(position, message, 2));
    }

    /** A problem that explains the others (a file written for a newer vagga): listed first. */
    void addFirst(Position position, String message) {
        problems.add(new Problem(position, message, 0));
    }

    /** The lines of the problems added with {@link #addFirst}. */
    List<String> firstLines() {
        return problems.stream().filter(Problem::first).sorted(ORDER)
                .map(p -> p.position() + ": " + p.message()).distinct().toList();
    }

    void addAll(Problems other) {
        problems.addAll(other.problems);
    }

    int count() {
        return problems.size();
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    /** Sorted by file, line, column; duplicates (one node reached through two aliases) once. */
    List<String> lines() {
        return problems.stream().sorted(ORDER).map(p -> p.position() + ": " + p.message())
                .distinct().toList();
    }
}
