// The keys of one YAML mapping read against a fixed key set; typed getters record wrong shapes.
package vagga.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keys are compared with "_" read as "-" (vagga accepts both spellings); keys starting with "_" are
 * ignored (anchor holders like {@code _defaults}). Getters take the default in their call, so each
 * default is written once, where the key is read.
 */
final class Fields {
    /** What an unknown key may look like to be shown in its message (compiled for the first such key only). */
    private static final class ShownKey {
        static final java.util.regex.Pattern PATTERN = java.util.regex.Pattern.compile("[\\w.@/-]{1,64}");
    }

    private final Position position;
    private final Map<String, YNode> values = new HashMap<>();
    private final Problems problems;

    private Fields(Position position, Problems problems) {
        this.position = position;
        this.problems = problems;
    }

    /** Reads {@code node} (a mapping, or null/nothing meaning all defaults) allowing {@code keys}. */
    static Fields of(YNode node, String what, List<String> keys, Problems problems) {
        Fields f = new Fields(node == null ? Position.UNKNOWN : node.position(), problems);
        if (YNode.isNull(node)) {
            return f;
        }
        if (!(node instanceof YNode.Mapping map)) {
            problems.add(node.position(), what + " must be a mapping, found " + node.kind());
            return f;
        }
        for (YNode.Entry e : map.entries()) {
            String raw = e.key().text();
            if (raw.startsWith("_")) {
                continue;
            }
            String key = normalize(raw);
            if (!keys.contains(key)) {
                List<String> sorted = new ArrayList<>(keys);
                Collections.sort(sorted);
                String hint = Spelling.didYouMean(raw, keys);
                // a file that is not a config (a mixin naming a secret) is not echoed line by line
                String shown = ShownKey.PATTERN.matcher(raw).matches() ? "\"" + raw + "\""
                        : "(" + raw.length() + " characters, not a key name)";
                problems.add(e.key().position(), "unknown key " + shown + (hint == null ? "" : ", " + hint)
                        + " (expected one of: " + String.join(", ", sorted) + ")");
            } else if (f.values.putIfAbsent(key, e.value()) != null) {
                problems.add(e.key().position(), "duplicate key \"" + raw + "\" (\"-\" and \"_\" are the same)");
            }
        }
        return f;
    }

    static String normalize(String key) {
        return key.replace('_', '-');
    }

    Position position() {
        return position;
    }

    /** Where readers of nested values record what is wrong. */
    Problems problems() {
        return problems;
    }

    boolean has(String key) {
        return !YNode.isNull(values.get(key));
    }

    /** Written, as {@code key: null} or {@code key: ~} (not left out). */
    boolean isExplicitNull(String key) {
        return values.containsKey(key) && YNode.isNull(values.get(key));
    }

    /** The raw value, or null when absent. */
    YNode get(String key) {
        return values.get(key);
    }

    /** A required value: records "missing required key" and returns null when absent. */
    YNode required(String key) {
        YNode v = values.get(key);
        if (YNode.isNull(v)) {
            problems.add(v == null ? position : v.position(), "missing required key \"" + key + "\"");
            return null;
        }
        return v;
    }

    String string(String key, String dflt) {
        YNode v = values.get(key);
        return YNode.isNull(v) ? dflt : text(v, key, problems);
    }

    String requiredString(String key) {
        YNode v = required(key);
        return v == null ? null : text(v, key, problems);
    }

    boolean bool(String key, boolean dflt) {
        YNode v = values.get(key);
        return YNode.isNull(v) ? dflt : bool(v, key, problems);
    }

    long number(String key, long dflt, long min, long max) {
        YNode v = values.get(key);
        return YNode.isNull(v) ? dflt : number(v, key, min, max, problems);
    }

    /** A permission mode: numbers as everywhere (so 0o755 is octal, a plain 755 decimal), 0..max. */
    int mode(String key, int dflt, int max) {
        YNode v = values.get(key);
        if (YNode.isNull(v)) {
            return dflt;
        }
        String t = text(v, key, problems);
        Long n = t == null ? null : parseNumber(t);
        if (n == null || n < 0 || n > max) {
            if (t != null) {
                problems.add(v.position(), key + " must be from 0o0 to 0o" + Integer.toOctalString(max)
                        + ", found \"" + t + "\"");
            }
            return dflt;
        }
        return n.intValue();
    }

    Integer optionalInt(String key, long min, long max) {
        YNode v = values.get(key);
        return YNode.isNull(v) ? null : (int) number(v, key, min, max, problems);
    }

    List<String> strings(String key) {
        YNode v = values.get(key);
        return YNode.isNull(v) ? List.of() : strings(v, key, problems);
    }

    /** Mapping name -> string, order kept; values "1" / "true" keep their text; null is "". */
    Map<String, String> stringMap(String key) {
        YNode v = values.get(key);
        return YNode.isNull(v) ? Map.of() : stringMap(v, key, problems);
    }

    // ---- value conversions shared by every reader ----

    /** A scalar's text as written: vagga's values are strings until a field says otherwise. */
    static String text(YNode v, String what, Problems problems) {
        if (v instanceof YNode.Scalar s) {
            return s.isNull() ? "" : s.text();
        }
        problems.add(v.position(), what + " must be a string, found " + v.kind());
        return null;
    }

    static boolean bool(YNode v, String what, Problems problems) {
        String t = text(v, what, problems);
        if (t == null) {
            return false;
        }
        switch (t) {
            case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON":
                return true;
            case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF":
                return false;
            default:
                problems.add(v.position(), what + " must be true or false, found \"" + t + "\"");
                return false;
        }
    }

    static long number(YNode v, String what, long min, long max, Problems problems) {
        String t = text(v, what, problems);
        if (t == null) {
            return min;
        }
        Long n = parseNumber(t);
        if (n == null) {
            problems.add(v.position(), what + " must be a number, found \"" + t + "\"");
            return min;
        }
        if (n < min || n > max) {
            problems.add(v.position(), what + " must be between " + min + " and " + max + ", found " + t);
            return min;
        }
        return n;
    }

    /**
     * quire's numbers: decimal (a leading 0 is still decimal), 0x/0o/0b prefixes, and size suffixes
     * k/M/G/T/P/E (powers of 1000) and Ki/Mi/Gi/Ti/Pi/Ei (powers of 1024). Null when not a number.
     */
    static Long parseNumber(String text) {
        String t = text.trim().replace("_", "");
        boolean negative = t.startsWith("-");
        if (negative || t.startsWith("+")) {
            t = t.substring(1);
        }
        int radix = 10;
        if (t.length() > 2 && t.charAt(0) == '0' && "xXoObB".indexOf(t.charAt(1)) >= 0) {
            char p = Character.toLowerCase(t.charAt(1));
            radix = p == 'x' ? 16 : p == 'o' ? 8 : 2;
            t = t.substring(2);
        }
        long multiplier = 1;
        if (radix == 10) {
            String[] binary = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
            String[] decimal = {"k", "M", "G", "T", "P", "E"};
            for (int i = binary.length - 1; i >= 0 && multiplier == 1; i--) {
                if (t.endsWith(binary[i])) {
                    multiplier = 1L << (10 * (i + 1));
                    t = t.substring(0, t.length() - 2);
                } else if (t.endsWith(decimal[i])) {
                    multiplier = (long) Math.pow(1000, i + 1);
                    t = t.substring(0, t.length() - 1);
                }
            }
        }
        if (t.isEmpty()) {
            return null;
        }
        try {
            long n = Math.multiplyExact(Long.parseLong(t, radix), multiplier);
            return negative ? -n : n;
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    static List<String> strings(YNode v, String what, Problems problems) {
        if (!(v instanceof YNode.Sequence seq)) {
            problems.add(v.position(), what + " must be a list, found " + v.kind());
            return List.of();
        }
        List<String> out = new ArrayList<>(seq.items().size());
        for (YNode item : seq.items()) {
            String t = text(item, "an item of " + what, problems);
            if (t != null) {
                out.add(t);
            }
        }
        return List.copyOf(out);
    }

    static Map<String, String> stringMap(YNode v, String what, Problems problems) {
        if (!(v instanceof YNode.Mapping map)) {
            problems.add(v.position(), what + " must be a mapping, found " + v.kind());
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (YNode.Entry e : map.entries()) {
            String t = text(e.value(), "the value of \"" + e.key().text() + "\"", problems);
            if (t != null) {
                out.put(e.key().text(), t);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** An enum value: "-" and "_" are the same; returns the index in {@code allowed} or -1. */
    static int choice(YNode v, String what, List<String> allowed, Problems problems) {
        String t = text(v, what, problems);
        if (t == null) {
            return -1;
        }
        int i = allowed.indexOf(normalize(t));
        if (i < 0) {
            String hint = Spelling.didYouMean(t, allowed);
            problems.add(v.position(), "unknown " + what + " \"" + t + "\"" + (hint == null ? "" : ", " + hint)
                    + " (expected one of: " + String.join(", ", allowed) + ")");
        }
        return i;
    }

    /** The plain Java value (String, List, Map or null) of a node, for steps kept as Unsupported. */
    static Object plain(YNode v) {
        if (v instanceof YNode.Scalar s) {
            return s.isNull() ? null : s.text();
        }
        if (v instanceof YNode.Sequence seq) {
            List<Object> out = new ArrayList<>();
            for (YNode item : seq.items()) {
                out.add(plain(item));
            }
            return Collections.unmodifiableList(out);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (YNode.Entry e : ((YNode.Mapping) v).entries()) {
            out.put(e.key().text(), plain(e.value()));
        }
        return Collections.unmodifiableMap(out);
    }
}
