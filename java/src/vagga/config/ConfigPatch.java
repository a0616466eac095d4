// A stale config cache entry brought up to date without YAML: an edit inside one literal script.
package vagga.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The edit a user makes most between two rebuilds is a line or two of a {@code !Sh |} script (and
 * between two runs, of a command's {@code run: |}).
 * Parsing the whole file again costs a cold JVM ~7 ms (snakeyaml's classes, the JVM's first
 * lambda, the schema); this finds the new script from the two texts instead, and the cache entry's
 * model gets it in place of the old one (ModelCodec's string indexes).
 * <p>
 * It applies only when the result is what a parse gives, provably from YAML's rules for a literal
 * block scalar (no indentation indicator): the old and new texts have the same lines but for some
 * inside one such block, between its first and its last content line; every changed line is either
 * blank (spaces only) or keeps at least the block's indentation, the first and last content lines
 * stay content lines at that indentation (so the block starts and ends where it did, and its
 * chomping has the same line breaks to act on), and no changed line holds what YAML refuses or
 * reads as a line break. The scalar must be a {@code !Sh} or {@code run:} script and nothing else
 * (not anchored, no other use in the model: see {@link ModelCodec.Encoder#watch}), so no other value was derived
 * from it; same line count keeps every position in the model right. Anything else: no plan, and
 * the config is parsed as usual.
 */
final class ConfigPatch {
    private ConfigPatch() {}

    /** What a full parse leaves for the cache: the main file's text and its literal block scalars (value instance → header line, 0-based). */
    record Source(String text, Map<String, Integer> literals) {}

    /** A patchable scalar of a cache entry: its header line (0-based) and the model's string indexes holding its value. */
    record Point(int header, List<Integer> strings) {}

    /**
     * At {@code strings}, the value is {@code oldHead} and then only line feeds (what chomping kept
     * of the breaks after the last content line): it becomes {@code newHead} and the same line feeds.
     */
    record Edit(List<Integer> strings, String oldHead, String newHead) {
        /** The new value for an old one, or null when the old value is not what the plan read from the old text. */
        String apply(String old) {
            if (!old.startsWith(oldHead)) {
                return null;
            }
            for (int i = oldHead.length(); i < old.length(); i++) {
                if (old.charAt(i) != '\n') {
                    return null;
                }
            }
            return newHead + old.substring(oldHead.length());
        }
    }

    /** The edit that turns the model of {@code oldText} into that of {@code newText}, or null (parse instead). */
    static Edit plan(String oldText, String newText, List<Point> points) {
        if (oldText == null || newText == null || points.isEmpty() || breaksOtherThanLineFeed(oldText)
                || breaksOtherThanLineFeed(newText)) {
            return null;
        }
        List<String> before = lines(oldText);
        List<String> after = lines(newText);
        if (before.size() != after.size()) {
            return null;
        }
        int lo = -1, hi = -1;
        for (int i = 0; i < before.size(); i++) {
            if (!before.get(i).equals(after.get(i))) {
                if (lo < 0) {
                    lo = i;
                }
                hi = i;
            }
        }
        if (lo < 0) {
            return null;
        }
        for (int i = lo; i <= hi; i++) {
            String line = after.get(i);
            if (!line.equals(before.get(i)) && (line.length() > YamlReader.MAX_LINE_CHARS || !printable(line))) {
                return null;
            }
        }
        for (Point p : points) {
            int h = p.header();
            if (h < 0 || h >= lo) {
                continue;
            }
            Block old = Block.of(before, h);
            if (old == null || hi > old.last || lo < old.first) {
                continue;
            }
            Block now = Block.of(after, h);
            if (now == null || now.first != old.first || now.last != old.last || now.indent != old.indent) {
                return null;
            }
            return new Edit(p.strings(), old.head(before), now.head(after));
        }
        return null;
    }

    /**
     * The content lines of a literal block scalar whose header is on line {@code header}: from its
     * first line with more than spaces (whose spaces are the indentation, auto-detected) to its last
     * such line before one that is less indented. Null when there is none, or no indentation.
     */
    private record Block(int header, int first, int last, int indent) {
        static Block of(List<String> lines, int header) {
            int first = header + 1;
            while (first < lines.size() && blank(lines.get(first))) {
                first++;
            }
            if (first >= lines.size()) {
                return null;
            }
            int indent = spaces(lines.get(first));
            if (indent == 0) {
                return null;
            }
            int last = first;
            for (int i = first + 1; i < lines.size(); i++) {
                String line = lines.get(i);
                if (blank(line)) {
                    continue;
                }
                if (spaces(line) < indent) {
                    break;
                }
                last = i;
            }
            return new Block(header, first, last, indent);
        }

        /**
         * The value up to its last content line, as YAML reads a literal block: each line from the
         * one after the header without the indentation (a blank line no longer than it: empty),
         * joined by line feeds.
         */
        String head(List<String> lines) {
            StringBuilder sb = new StringBuilder();
            for (int i = header + 1; i <= last; i++) {
                if (i > header + 1) {
                    sb.append('\n');
                }
                String line = lines.get(i);
                if (line.length() > indent) {
                    sb.append(line, indent, line.length());
                }
            }
            return sb.toString();
        }
    }

    private static boolean blank(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) != ' ') {
                return false;
            }
        }
        return true;
    }

    private static int spaces(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    /** The text's lines between line feeds (the last one after the final line feed, maybe empty). */
    private static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
            out.add(text.substring(start, nl));
            start = nl + 1;
        }
        out.add(text.substring(start));
        return out;
    }

    /** What snakeyaml also reads as a line break (CR, NEL, LS, PS): the lines would not be the same as ours. */
    private static boolean breaksOtherThanLineFeed(String text) {
        return text.indexOf('\r') >= 0 || text.indexOf('\u0085') >= 0 || text.indexOf('\u2028') >= 0
                || text.indexOf('\u2029') >= 0;
    }

    /** YAML's printable characters (snakeyaml refuses the others), tab included; no BOM and no lone surrogate. */
    private static boolean printable(String line) {
        for (int i = 0; i < line.length(); ) {
            int c = line.codePointAt(i);
            boolean ok = c == '\t' || c >= 0x20 && c <= 0x7E || c >= 0xA0 && c <= 0xD7FF
                    || c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF || c >= 0x10000 && c <= 0x10FFFF;
            if (!ok) {
                return false;
            }
            i += Character.charCount(c);
        }
        return true;
    }
}
