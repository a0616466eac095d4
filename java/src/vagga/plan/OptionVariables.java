// VAGGAOPT_* / VAGGACLI_* variables from a docopt match, as vagga's src/launcher/options.rs makes them.
package vagga.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

public final class OptionVariables {
    private OptionVariables() {}

    /**
     * Two variables per docopt key K: {@code VAGGAOPT_K} (the value) and {@code VAGGACLI_K} (the
     * option written back as on a command line, values shell-quoted). K is the key without leading
     * dashes and angle brackets, {@code -} turned into {@code _}, upper-cased.
     */
    public static SortedMap<String, String> of(Map<String, DocoptValue> values) {
        SortedMap<String, String> env = new TreeMap<>();
        values.forEach((key, value) -> {
            String name = variableName(key);
            String[] pair = render(key, value);
            env.put("VAGGAOPT_" + name, pair[0]);
            env.put("VAGGACLI_" + name, pair[1]);
        });
        return env;
    }

    static String variableName(String key) {
        String k = key;
        int i = 0;
        while (i < k.length() && k.charAt(i) == '-') {
            i++;
        }
        k = k.substring(i);
        i = 0;
        while (i < k.length() && k.charAt(i) == '<') {
            i++;
        }
        k = k.substring(i);
        int j = k.length();
        while (j > 0 && k.charAt(j - 1) == '>') {
            j--;
        }
        return k.substring(0, j).replace('-', '_').toUpperCase(Locale.ROOT);
    }

    private static String[] render(String key, DocoptValue value) {
        boolean flag = key.startsWith("-");
        if (value instanceof DocoptValue.Switch s) {
            return s.on() ? new String[] {"true", key} : new String[] {"", ""};
        }
        if (value instanceof DocoptValue.Counted c) {
            int n = c.count();
            if (n == 0) {
                return new String[] {"", ""};
            }
            String cli;
            if (key.startsWith("--")) {
                cli = String.join(" ", Collections.nCopies(n, key));
            } else {
                cli = "-" + key.substring(1, 2).repeat(n);
            }
            return new String[] {Integer.toString(n), cli};
        }
        if (value instanceof DocoptValue.Plain p) {
            if (p.value() == null) {
                return new String[] {"", ""};
            }
            return new String[] {p.value(), flag ? key + " " + shellQuote(p.value()) : shellQuote(p.value())};
        }
        List<String> list = ((DocoptValue.Listed) value).values();
        if (list.isEmpty()) {
            return new String[] {"", ""};
        }
        // vagga writes " value" for each item, so a positional list starts with a space; kept as is.
        StringBuilder cli = new StringBuilder(flag ? key : "");
        List<String> quoted = new ArrayList<>();
        for (String v : list) {
            cli.append(' ').append(shellQuote(v));
            quoted.add(v);
        }
        return new String[] {String.join(" ", quoted), cli.toString()};
    }

    /** vagga's quoting: {@code ''} for empty, bare when only safe characters, else single-quoted. */
    public static String shellQuote(String s) {
        if (s.isEmpty()) {
            return "''";
        }
        boolean safe = s.codePoints().allMatch(c -> isAlphanumeric(c) || "@%+=:,./-".indexOf(c) >= 0);
        if (safe) {
            return s;
        }
        return "'" + s.replace("'", "'\"'\"'") + "'";
    }

    /** Rust's char::is_alphanumeric: alphabetic or numeric in the Unicode sense. */
    private static boolean isAlphanumeric(int c) {
        int type = Character.getType(c);
        return Character.isAlphabetic(c) || type == Character.DECIMAL_DIGIT_NUMBER
                || type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
    }
}
