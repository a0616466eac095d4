// Ours (vagga --prefix): the "NAME | " put before each line of a child's output, padded and coloured.
package vagga.plan;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

public final class LinePrefix {
    private LinePrefix() {}

    /** Cyan, yellow, green, magenta, blue, red: distinct on dark and light backgrounds. */
    private static final int[] COLOURS = {36, 33, 32, 35, 34, 31};

    /**
     * One prefix per name, in name order: the name padded to the longest, then {@code " | "};
     * with {@code colour}, the name and bar in the name's colour (one per child, by name order).
     */
    public static Map<String, byte[]> of(Collection<String> names, boolean colour) {
        int width = 0;
        for (String n : names) {
            width = Math.max(width, n.codePointCount(0, n.length()));
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        int i = 0;
        for (String n : new TreeSet<>(names)) {
            String padded = n + " ".repeat(width - n.codePointCount(0, n.length()));
            String text = colour
                    ? "\033[" + COLOURS[i % COLOURS.length] + "m" + padded + " |\033[0m "
                    : padded + " | ";
            out.put(n, text.getBytes(StandardCharsets.UTF_8));
            i++;
        }
        return out;
    }

    /** The columns a prefix takes on the screen (for the child's window size). */
    public static int columns(Collection<String> names) {
        int width = 0;
        for (String n : names) {
            width = Math.max(width, n.codePointCount(0, n.length()));
        }
        return width + 3;
    }

    /**
     * Whether output is prefixed: {@code --prefix}, {@code VAGGA_PREFIX=1} (any value but empty or
     * 0), or the setting {@code prefix-output: true}.
     */
    public static boolean wanted(boolean flag, String envValue, boolean setting) {
        return flag || (envValue != null && !envValue.isEmpty() && !envValue.equals("0")) || setting;
    }

    /** Colours only on a terminal, and never with NO_COLOR set (to anything, see no-color.org). */
    public static boolean coloured(boolean stdoutIsTerminal, String noColor) {
        return stdoutIsTerminal && noColor == null;
    }
}
