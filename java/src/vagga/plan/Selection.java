// Which children of a supervise command run, given --only / --exclude (SPEC 2.2).
package vagga.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import vagga.config.CommandSpec;
import vagga.config.Spelling;

public final class Selection {
    private Selection() {}

    /** stderr text when nothing is selected (exit {@link ExitCodes#NOTHING_TO_RUN}), as vagga words it. */
    public static final String NO_CHILDREN_MESSAGE = "This supervise command has no children matching "
            + "conditions. Either your `children` is empty, or your `--only` arguments don't match "
            + "anything, or your `--exclude` arguments do exclude all the processes.";

    /**
     * The children to run, in name order (the start order). With --only, a child stays when any
     * word matches it; with --exclude, it goes when any word matches it. Ours: both apply together
     * (vagga ignores --exclude when --only is given). Words matching nothing are refused before
     * (see {@link #unknownWords}).
     * An empty result means: print {@link #NO_CHILDREN_MESSAGE}, exit 127.
     */
    public static SortedMap<String, CommandSpec> select(Map<String, CommandSpec> children, ChildFilter filter) {
        SortedMap<String, CommandSpec> out = new TreeMap<>();
        for (Map.Entry<String, CommandSpec> e : children.entrySet()) { // loops, not lambdas: a supervise's start path
            String name = e.getKey();
            CommandSpec child = e.getValue();
            boolean kept = filter.only().isEmpty() || matchesAny(name, child, filter.only());
            boolean dropped = matchesAny(name, child, filter.exclude());
            if (kept && !dropped) {
                out.put(name, child);
            }
        }
        return Collections.unmodifiableSortedMap(out);
    }

    /** A child matches a word that is its name or one of its tags. */
    public static boolean matches(String name, CommandSpec child, String word) {
        return name.equals(word) || (child.tags() != null && child.tags().contains(word));
    }

    private static boolean matchesAny(String name, CommandSpec child, List<String> words) {
        for (String w : words) {
            if (matches(name, child, w)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Ours: the lines saying which --only/--exclude words are neither a child nor a tag (vagga ignores
     * them), each with a "did you mean", then a hint listing the children and tags; empty when all match.
     */
    public static List<String> unknownWords(String commandName, Map<String, CommandSpec> children,
                                            ChildFilter filter) {
        SortedSet<String> names = new TreeSet<>(children.keySet());
        SortedSet<String> tags = new TreeSet<>();
        for (CommandSpec c : children.values()) {
            if (c.tags() != null) {
                tags.addAll(c.tags());
            }
        }
        SortedSet<String> known = new TreeSet<>(names);
        known.addAll(tags);
        List<String> lines = new ArrayList<>();
        unknown(commandName, "--only", filter.only(), known, lines);
        unknown(commandName, "--exclude", filter.exclude(), known, lines);
        if (!lines.isEmpty()) {
            lines.add("hint: children: " + (names.isEmpty() ? "(none)" : String.join(", ", names))
                    + "; tags: " + (tags.isEmpty() ? "(none)" : String.join(", ", tags)));
        }
        return lines;
    }

    private static void unknown(String commandName, String flag, List<String> words, SortedSet<String> known,
                                List<String> lines) {
        for (String w : new java.util.LinkedHashSet<>(words)) {
            if (!known.contains(w)) {
                String hint = Spelling.didYouMean(w, known);
                lines.add("vagga " + commandName + ": " + flag + " \"" + w + "\" is neither a child nor a tag"
                        + (hint == null ? "" : " (" + hint + ")"));
            }
        }
    }
}
