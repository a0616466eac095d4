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

    /** Rank, file, line, column, message (a class, not Comparator's combinators: their lambdas are JDK
     *  classes', which the class-data-sharing archive cannot hold, and are spun at every start). */
    private static final Comparator<Problem> ORDER = new Comparator<>() {
        @Override
        public int compare(Problem a, Problem b) {
            int c = Integer.compare(a.rank(), b.rank());
            if (c == 0) {
                c = a.position().file().compareTo(b.position().file());
            }
            if (c == 0) {
                c = Integer.compare(a.position().line(), b.position().line());
            }
            if (c == 0) {
                c = Integer.compare(a.position().column(), b.position().column());
            }
            return c != 0 ? c : a.message().compareTo(b.message());
        }
    };

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
