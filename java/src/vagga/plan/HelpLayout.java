// Text layout of vagga's argparse help: words wrapped at 79 columns, option help in a column at 24.
package vagga.plan;

final class HelpLayout {
    private HelpLayout() {}

    static final int OPTION_WIDTH = 24;
    static final int TOTAL_WIDTH = 79;

    /** Words (any whitespace separates them) joined by single spaces, a new indented line when one would pass width. */
    static String wrap(String text, int width, int indent) {
        StringBuilder out = new StringBuilder();
        int off = indent;
        boolean first = true;
        for (String word : text.trim().split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            if (first) {
                first = false;
            } else if (off + word.length() + 1 > width) {
                out.append('\n').append(" ".repeat(indent));
                off = indent;
            } else {
                out.append(' ');
                off++;
            }
            out.append(word);
            off += word.length();
        }
        return out.toString();
    }

    /** "  names   help": help on the same line when names fit in the column, else on the next line. */
    static String option(String names, String help) {
        StringBuilder out = new StringBuilder("  ").append(names);
        int used = 2 + names.length();
        if (used >= OPTION_WIDTH) {
            out.append('\n').append(" ".repeat(OPTION_WIDTH));
        } else {
            out.append(" ".repeat(OPTION_WIDTH - used));
        }
        return out.append(wrap(help, TOTAL_WIDTH, OPTION_WIDTH)).append('\n').toString();
    }
}
