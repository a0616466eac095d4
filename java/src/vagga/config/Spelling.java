// "Did you mean ...?": the closest known name to a mistyped one (commands, children, containers, keys).
package vagga.config;

import java.util.Collection;
import java.util.Locale;
import java.util.TreeSet;

public final class Spelling {
    private Spelling() {}

    /**
     * The known name nearest to {@code word} (optimal string alignment distance, ignoring case and
     * treating "-" and "_" alike, as vagga does for keys), or null when none is close: at most one
     * edit for short words, a third of the word's length for longer ones. Ties go to the first in
     * sorted order, so the suggestion does not depend on a map's iteration order.
     */
    public static String closest(String word, Collection<String> names) {
        String w = fold(word);
        int limit = Math.max(1, w.length() / 3);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : new TreeSet<>(names)) {
            int d = distance(w, fold(name));
            if (d > 0 && d <= limit && d < bestDistance) {
                best = name;
                bestDistance = d;
            }
        }
        return best;
    }

    /** {@code did you mean "x"?}, or null when no name is close. */
    public static String didYouMean(String word, Collection<String> names) {
        String c = closest(word, names);
        return c == null ? null : "did you mean \"" + c + "\"?";
    }

    private static String fold(String s) {
        return s.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Levenshtein distance where swapping two neighbours counts as one edit ("hots" -> "host"). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[a.length()][b.length()];
    }
}
