// Writes a tree of maps, lists and scalars as YAML (and JSON) text: deterministic, every string quoted.
package vagga.export;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The tree is built from {@link Map} (written in its iteration order), {@link List}, {@link String},
 * {@link Number} and {@link Boolean}. Strings are written in JSON's double-quoted form, which YAML
 * reads unchanged: no value is ever taken for a number, a boolean or null by a reader. Empty maps
 * and lists are written inline ({@code {}}, {@code []}).
 */
public final class YamlText {
    private YamlText() {}

    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

    /** The tree as a YAML document (no leading {@code ---}), ending in a newline. */
    public static String yaml(Object tree) {
        StringBuilder b = new StringBuilder();
        if (tree instanceof Map<?, ?> m && !m.isEmpty()) {
            mapBody(b, m, 0);
        } else if (tree instanceof List<?> l && !l.isEmpty()) {
            listBody(b, l, 0);
        } else {
            b.append(scalar(tree)).append('\n');
        }
        return b.toString();
    }

    /** The tree as compact JSON (one line). */
    public static String json(Object tree) {
        StringBuilder b = new StringBuilder();
        json(b, tree);
        return b.toString();
    }

    private static void json(StringBuilder b, Object v) {
        if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(first ? "" : ",").append(quote(e.getKey().toString())).append(':');
                json(b, e.getValue());
                first = false;
            }
            b.append('}');
        } else if (v instanceof List<?> l) {
            b.append('[');
            for (int i = 0; i < l.size(); i++) {
                b.append(i == 0 ? "" : ",");
                json(b, l.get(i));
            }
            b.append(']');
        } else {
            b.append(scalar(v));
        }
    }

    private static void mapBody(StringBuilder b, Map<?, ?> m, int indent) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
            pad(b, indent).append(key(e.getKey().toString())).append(':');
            value(b, e.getValue(), indent);
        }
    }

    private static void listBody(StringBuilder b, List<?> l, int indent) {
        for (Object item : l) {
            pad(b, indent).append('-');
            if (item instanceof Map<?, ?> m && !m.isEmpty()) {
                // the first key on the dash's line, the rest under it
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (first) {
                        b.append(' ');
                    } else {
                        pad(b, indent + 2);
                    }
                    b.append(key(e.getKey().toString())).append(':');
                    value(b, e.getValue(), indent + 2);
                    first = false;
                }
            } else if (item instanceof List<?> sub && !sub.isEmpty()) {
                b.append('\n');
                listBody(b, sub, indent + 2);
            } else {
                b.append(' ').append(scalar(item)).append('\n');
            }
        }
    }

    private static void value(StringBuilder b, Object v, int indent) {
        if (v instanceof Map<?, ?> m && !m.isEmpty()) {
            b.append('\n');
            mapBody(b, m, indent + 2);
        } else if (v instanceof List<?> l && !l.isEmpty()) {
            b.append('\n');
            listBody(b, l, indent + 2);
        } else {
            b.append(' ').append(scalar(v)).append('\n');
        }
    }

    private static StringBuilder pad(StringBuilder b, int indent) {
        return b.append(" ".repeat(indent));
    }

    private static String key(String k) {
        return PLAIN_KEY.matcher(k).matches() && !List.of("y", "n", "yes", "no", "on", "off", "true", "false", "null")
                .contains(k.toLowerCase()) ? k : quote(k);
    }

    private static String scalar(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Map<?, ?>) {
            return "{}";
        }
        if (v instanceof List<?>) {
            return "[]";
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        return quote(v.toString());
    }

    /** JSON's string form: valid YAML too. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
