// Which files of a !Copy or !Depends source count: vagga's regular expressions, or its glob rules.
package vagga.image;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * As vagga's {@code create_path_filter} (builder/commands/copy.rs), with paths relative to the
 * source ({@code a/b.txt}, no leading slash):
 * <ul>
 * <li>Regex mode (no {@code rules}): an entry matching {@code ignore-regex} (default: VCS
 *     directories, {@code .vagga}, editor backups) is left out with everything below it; with an
 *     {@code include-regex} only matching entries count (directories are still searched).</li>
 * <li>Rules mode: vagga's defaults ({@code !.git/ !.hg/ !.svn/ !.vagga/ !*.bak !*.orig !*~ !#*# !.#*},
 *     unless {@code no-default-rules}) then the given rules; a rule starting with {@code /} is
 *     anchored at the source and also covers everything below what it names, a rule without is
 *     matched against each name on the path; a trailing {@code /} matches directories only;
 *     {@code *} stays within a name, {@code **} crosses names; {@code !} excludes. The last rule
 *     that matches decides; nothing matching means left out. A directory a rule excludes is not
 *     searched.</li>
 * </ul>
 * Directories that hold a counted entry count too (vagga copies and hashes the parents of what
 * matched).
 */
public final class PathFilter {
    /** vagga's default ignore-regex of !Copy and !Depends. */
    public static final String DEFAULT_IGNORE_REGEX = "(^|/)\\.(git|hg|svn|vagga)($|/)|~$|\\.bak$|\\.orig$|^#.*#$";

    private static final List<String> DEFAULT_RULES = List.of(
            "!.git/", "!.hg/", "!.svn/", "!.vagga/", "!*.bak", "!*.orig", "!*~", "!#*#", "!.#*");

    /** What to do with one entry. */
    public enum Decision {
        /** counted */
        INCLUDE,
        /** not counted, but a directory is searched */
        SKIP,
        /** not counted, and a directory is not searched */
        EXCLUDE_TREE
    }

    /** A glob rule; its regex is compiled when first matched (a glob always compiles: globRegex quotes). */
    private static final class Rule {
        final boolean exclude;
        final boolean anchored;
        final boolean dirOnly;
        final boolean everything;
        private final String regex;
        private Pattern glob;

        Rule(boolean exclude, boolean anchored, boolean dirOnly, String regex, boolean everything) {
            this.exclude = exclude;
            this.anchored = anchored;
            this.dirOnly = dirOnly;
            this.regex = regex;
            this.everything = everything;
        }

        Pattern glob() {
            if (glob == null) {
                glob = Pattern.compile(regex);
            }
            return glob;
        }
    }

    /**
     * The regexes are compiled when a path is first decided, not when the filter is made: a start
     * whose inputs are unchanged decides none (InputTrees compares stat data), and the first regex
     * costs a cold JVM ~10 ms of CPU. A regex a user gave is compiled once when the filter is made
     * too, so that a bad one is refused there, with vagga's message.
     */
    private final String ignoreRegex;
    private final String includeRegex;
    private volatile Pattern ignore; // set last: when it is there, include is too
    private volatile Pattern include;
    private final List<Rule> rules;
    private final String key;

    private PathFilter(String ignoreRegex, String includeRegex, List<Rule> rules, String key) {
        this.ignoreRegex = ignoreRegex;
        this.includeRegex = includeRegex;
        this.rules = rules;
        this.key = key;
    }

    /** What the filter was made of: equal keys decide every path alike (the input-tree cache's key). */
    public String key() {
        return key;
    }

    /** Everything but vagga's default ignores. */
    public static PathFilter defaults() {
        return new PathFilter(DEFAULT_IGNORE_REGEX, null, null, "regex\0" + DEFAULT_IGNORE_REGEX + "\0");
    }

    /**
     * @throws IllegalArgumentException vagga's messages: both rules and regular expressions, a
     *         relative include rule, or a pattern that does not compile
     */
    public static PathFilter of(List<String> rules, Boolean noDefaultRules, String ignoreRegex, String includeRegex) {
        boolean useRules = rules != null && !rules.isEmpty();
        if ((useRules || noDefaultRules != null) && (ignoreRegex != null || includeRegex != null)) {
            throw new IllegalArgumentException("You must specify either rules or regular expressions but not both");
        }
        try {
            if (!useRules) {
                String ig = ignoreRegex == null ? DEFAULT_IGNORE_REGEX : ignoreRegex;
                PathFilter f = new PathFilter(ig, includeRegex, null,
                        "regex\0" + ig + "\0" + (includeRegex == null ? "" : "+" + includeRegex));
                if (ignoreRegex != null || includeRegex != null) {
                    f.compile(); // a bad regex of the user's is refused now
                }
                return f;
            }
            List<Rule> all = new ArrayList<>();
            if (!Boolean.TRUE.equals(noDefaultRules)) {
                for (String r : DEFAULT_RULES) {
                    all.add(rule(r));
                }
            }
            for (String r : rules) {
                if (!r.startsWith("!") && !r.startsWith("/")) {
                    throw new IllegalArgumentException("Relative paths are allowed only for excluding rules");
                }
                all.add(rule(r));
            }
            return new PathFilter(null, null, List.copyOf(all),
                    "rules\0" + Boolean.TRUE.equals(noDefaultRules) + "\0" + String.join("\0", rules));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("Can't compile copy filter: " + e.getDescription());
        }
    }

    /** True for rules that include nothing (vagga warns: no files will be matched). */
    public static boolean lacksIncludeRules(List<String> rules) {
        if (rules == null || rules.isEmpty()) {
            return false;
        }
        for (String r : rules) {
            if (!r.startsWith("!")) {
                return false;
            }
        }
        return true;
    }

    private static Rule rule(String text) {
        boolean exclude = text.startsWith("!");
        String p = exclude ? text.substring(1) : text;
        boolean anchored = p.startsWith("/");
        if (anchored) {
            p = p.substring(1);
        }
        boolean dirOnly = p.endsWith("/");
        if (dirOnly) {
            p = p.substring(0, p.length() - 1);
        }
        return new Rule(exclude, anchored, dirOnly, globRegex(p), anchored && p.isEmpty());
    }

    private static String globRegex(String glob) {
        StringBuilder rx = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                rx.append(".*");
                i++;
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
                    rx.append("/?"); // "**/" may also stand for no directory at all
                    i++;
                }
            } else if (c == '*') {
                rx.append("[^/]*");
            } else if (c == '?') {
                rx.append("[^/]");
            } else {
                rx.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return rx.toString();
    }

    private void compile() {
        Pattern ig = Pattern.compile(ignoreRegex);
        include = includeRegex == null ? null : Pattern.compile(includeRegex);
        ignore = ig;
    }

    /** The decision for {@code rel} (relative to the source, not empty); {@code dir}: it is a directory. */
    public Decision decide(String rel, boolean dir) {
        if (rules == null) {
            if (ignore == null) {
                compile();
            }
            if (ignore.matcher(rel).find()) {
                return Decision.EXCLUDE_TREE;
            }
            return include == null || include.matcher(rel).find() ? Decision.INCLUDE : Decision.SKIP;
        }
        // A rule naming the entry itself decides before one naming a directory above it, so
        // `!*.pyc` (or vagga's default `!.git/`) holds inside an included `/src`.
        Rule direct = null;
        Rule inherited = null;
        for (Rule r : rules) {
            int m = match(r, rel, dir);
            if (m == SELF) {
                direct = r;
            } else if (m == ABOVE) {
                inherited = r;
            }
        }
        Rule last = direct != null ? direct : inherited;
        if (last == null) {
            return Decision.SKIP;
        }
        return last.exclude ? (dir ? Decision.EXCLUDE_TREE : Decision.SKIP) : Decision.INCLUDE;
    }

    private static final int NONE = 0;
    private static final int SELF = 1;
    private static final int ABOVE = 2;

    /** SELF: the rule names the entry; ABOVE: it names a directory above it; NONE. */
    private static int match(Rule r, String rel, boolean dir) {
        if (r.everything) {
            return ABOVE;
        }
        String[] names = rel.split("/");
        int found = NONE;
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            if (i > 0) {
                prefix.append('/');
            }
            prefix.append(names[i]);
            boolean last = i == names.length - 1;
            boolean isDir = !last || dir;
            String subject = r.anchored ? prefix.toString() : names[i];
            if ((!r.dirOnly || isDir) && r.glob().matcher(subject).matches()) {
                found = last ? SELF : ABOVE;
            }
        }
        return found;
    }
}
