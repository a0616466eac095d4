// `minimum-vagga:` of vagga.yaml and mixins: vagga's version comparison against the vagga we implement.
package vagga.config;

import java.util.ArrayList;
import java.util.List;

/**
 * We implement vagga 0.8.1 (SPEC), so a file asking for a newer vagga gets vagga's own
 * {@code Please upgrade vagga to at least "X"}, before the errors its newer syntax causes.
 * Versions compare as vagga's {@code config/version.rs} does: a leading "v" is dropped, the rest is
 * split into runs of digits and runs of letters (anything else separates); numbers compare as
 * numbers, a number is newer than a word; a missing part is older than a number, newer than a
 * pre-release word (a, b, c, rc, pre, dev, dirty) and older than any other word; a trailing
 * pre-release word or a git revision (g...) makes a version older than the one without it.
 */
public final class MinimumVagga {
    /** The vagga release whose behaviour this implementation matches. */
    public static final String IMPLEMENTED = "0.8.1";

    private static final List<String> PRE = List.of("a", "b", "c", "rc", "pre", "dev", "dirty");

    private MinimumVagga() {}

    /** vagga's message for a file that needs a newer vagga than {@link #IMPLEMENTED}, or null. */
    public static String check(String minimum) {
        return compare(minimum, IMPLEMENTED) > 0 ? "Minimum Vagga Error: Please upgrade vagga to at least \"" + minimum + "\"" : null;
    }

    /** Negative, zero or positive as {@code a} is older than, as old as, or newer than {@code b}. */
    static int compare(String a, String b) {
        List<Object> x = parts(a);
        List<Object> y = parts(b);
        for (int i = 0; ; i++) {
            Object p = i < x.size() ? x.get(i) : null;
            Object q = i < y.size() ? y.get(i) : null;
            int c;
            if (p == null && q == null) {
                return 0;
            } else if (p instanceof Long m && q instanceof Long n) {
                c = Long.compare(m, n);
            } else if (p instanceof Long) {
                c = 1;
            } else if (q instanceof Long) {
                c = -1;
            } else if (p == null) {
                c = PRE.contains((String) q) ? 1 : -1;
            } else if (q == null) {
                String w = (String) p;
                c = PRE.contains(w) || w.startsWith("g") ? -1 : 1;
            } else {
                c = ((String) p).compareTo((String) q);
            }
            if (c != 0) {
                return c;
            }
        }
    }

    private static List<Object> parts(String version) {
        String v = version.startsWith("v") ? version.substring(1) : version;
        List<Object> out = new ArrayList<>();
        int i = 0;
        while (i < v.length()) {
            char ch = v.charAt(i);
            if (!Character.isLetterOrDigit(ch)) {
                i++;
                continue;
            }
            int start = i;
            boolean digits = Character.isDigit(ch);
            while (i < v.length() && (digits ? Character.isDigit(v.charAt(i)) : Character.isLetterOrDigit(v.charAt(i)))) {
                i++;
            }
            String run = v.substring(start, i);
            if (digits) {
                try {
                    out.add(Long.parseLong(run));
                } catch (NumberFormatException e) {
                    out.add(run);
                }
            } else {
                out.add(run);
            }
        }
        return out;
    }
}
