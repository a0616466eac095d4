// A small docopt: parses a usage text and matches argv against it the way docopt.rs (vagga's) does.
package vagga.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Features: usage patterns with commands, {@code <arg>} / {@code ARG}, {@code ...}, {@code [...]},
 * {@code (...)}, {@code |}, short and long options with and without values, stacked short options,
 * {@code [options]}, counted repeats, {@code [default: x]} and {@code --}. Like docopt.rs (and
 * unlike Python docopt) long options are never abbreviated; an unknown long option gets a
 * "Did you mean" hint.
 *
 * <p>Matching follows docopt.rs: options are counted out of order, positionals and commands are
 * consumed in order, every alternative is explored and the first full match wins.
 */
public final class Docopt {

    /** One element of a usage pattern or of argv. */
    sealed interface Atom permits Short, Long, Command, Positional {}

    record Short(char name) implements Atom {
        @Override public String toString() { return "-" + name; }
    }

    record Long(String name) implements Atom {
        @Override public String toString() { return "--" + name; }
    }

    record Command(String name) implements Atom {
        @Override public String toString() { return name; }
    }

    record Positional(String name) implements Atom {
        @Override public String toString() {
            return name.chars().allMatch(Character::isUpperCase) ? name : "<" + name + ">";
        }
    }

    /** What is known about an atom: from option descriptions and from the patterns. */
    private static final class Opt {
        boolean repeats;
        boolean hasArg;
        String defaultValue;
        boolean isDesc;

        Opt(boolean hasArg) {
            this.hasArg = hasArg;
        }
    }

    private sealed interface Pat permits Alternates, Sequence, Optional, Repeat, One, OptionsShortcut {}
    private record Alternates(List<Pat> items) implements Pat {}
    private record Sequence(List<Pat> items) implements Pat {}
    private record Optional(List<Pat> items) implements Pat {}
    private record Repeat(Pat item) implements Pat {}
    private record One(Atom atom) implements Pat {}
    /** {@code [options]} until it is replaced by the described options not named in the pattern. */
    private record OptionsShortcut() implements Pat {}

    private static final Pattern USAGE = Pattern.compile("(?i)usage:");
    private static final Pattern SHORT = Pattern.compile("^-[^-]+$");
    private static final Pattern LONG = Pattern.compile("^--\\S+(?:<[^>]+>)?$");
    private static final Pattern LONG_ARGV = Pattern.compile("^--\\S+(=.+)?$", Pattern.DOTALL);
    private static final Pattern ARG = Pattern.compile("^(\\p{Lu}+|<[^>]+>)$");
    private static final Pattern CMD = Pattern.compile("^(-|--|[^-]\\S*)$");
    private static final Pattern OPTIONS_PREFIX = Pattern.compile("^\\s*(?i:options:)\\s*");
    private static final Pattern DESC_START = Pattern.compile("^(-\\S|--\\S)");
    private static final Pattern DESC_FLAGS = Pattern.compile(
            "(?:(--[^ \\t=]+)|(-[^ \\t=]+))(?:(?: |=)([^-]\\S*))?");
    private static final Pattern DEFAULT = Pattern.compile("\\[(?i:default):([^]]*)]");
    private static final Pattern PAT_DELIMS = Pattern.compile("\\.\\.\\.|\\[|]|\\(|\\)|\\|");
    private static final Pattern PAT_WORDS = Pattern.compile("--\\S+?=<[^>]+>|<[^>]+>|\\S+");

    private final String fullDoc;
    private final String usage;
    private final Map<Atom, Opt> descs = new LinkedHashMap<>();
    private final Map<Atom, Atom> synonyms = new LinkedHashMap<>();
    private final List<Pat> usages = new ArrayList<>();
    private Atom lastAtomAdded;

    private Docopt(String doc) throws DocoptException {
        this.fullDoc = doc;
        Matcher m = USAGE.matcher(doc);
        if (!m.find()) {
            throw new DocoptException("Could not find usage patterns in doc string.");
        }
        int progStart = m.end();
        while (progStart < doc.length() && Character.isWhitespace(doc.charAt(progStart))) {
            progStart++;
        }
        int progEnd = progStart;
        while (progEnd < doc.length() && !Character.isWhitespace(doc.charAt(progEnd))) {
            progEnd++;
        }
        if (progEnd == progStart) {
            throw new DocoptException("Could not find program name in doc string.");
        }
        String program = doc.substring(progStart, progEnd);
        // The section ends at a blank line (docopt.rs) or at a line that is not indented (Python
        // docopt), so an "Options:" line right below the patterns is not read as a pattern.
        int end = doc.indexOf('\n', progEnd);
        end = end < 0 ? doc.length() : end;
        while (end < doc.length()) {
            int next = doc.indexOf('\n', end + 1);
            next = next < 0 ? doc.length() : next;
            String line = doc.substring(end + 1, next);
            if (line.isBlank() || !Character.isWhitespace(line.charAt(0))) {
                break;
            }
            end = next;
        }
        this.usage = doc.substring(m.start(), end).trim();
        // Descriptions first: they decide whether `--flag ARG` in a pattern takes an argument.
        for (String line : (doc.substring(0, m.start()) + "\n" + doc.substring(end)).split("\n", -1)) {
            parseDescription(line);
        }
        String pats = doc.substring(progEnd, end);
        Pattern stripProgram = Pattern.compile("^(?:" + Pattern.quote(program) + ")?\\s*(.*?)\\s*$");
        for (String line : pats.split("\n", -1)) {
            Matcher pm = stripProgram.matcher(line.trim());
            String text = pm.matches() ? pm.group(1) : line.trim();
            usages.add(new PatternParser(text).parse());
        }
    }

    /** Reads a docopt text; a malformed one is the config author's error. */
    public static Docopt parse(String doc) throws DocoptException {
        return new Docopt(doc);
    }

    /** The whole text, trimmed: what {@code --help} prints. */
    public String helpText() {
        return fullDoc.trim();
    }

    /** The usage section, trimmed: what follows an error message. */
    public String usage() {
        return usage;
    }

    /** The result of matching argv (without the program name). */
    public sealed interface Outcome permits Matched, Failed {}

    /**
     * Every key of the usage text with its value, keyed as docopt prints them ({@code --flag},
     * {@code -f}, {@code <arg>}, {@code ARG}, {@code command}); a short option that has a long
     * synonym is keyed by the long one and found by either through {@link #get}.
     */
    public record Matched(SortedMap<String, DocoptValue> values, Map<String, String> synonyms)
            implements Outcome {
        public Matched {
            values = Collections.unmodifiableSortedMap(new TreeMap<>(values));
            synonyms = Map.copyOf(synonyms);
        }

        public DocoptValue get(String key) {
            return values.get(synonyms.getOrDefault(key, key));
        }
    }

    /** {@code message} is docopt's ("Invalid arguments.", "Unknown flag: '--x'", ...). */
    public record Failed(String message, String usage) implements Outcome {
        /** What docopt prints: the message, a blank line, the usage section. */
        public String text() {
            return message + "\n\n" + usage;
        }
    }

    public Outcome match(List<String> argv) {
        Argv parsed;
        try {
            parsed = new Argv(argv);
        } catch (DocoptException e) {
            return new Failed(e.getMessage(), usage);
        }
        for (Pat pattern : usages) {
            Map<Atom, DocoptValue> vals = matchOne(parsed, pattern);
            if (vals != null) {
                SortedMap<String, DocoptValue> out = new TreeMap<>();
                vals.forEach((k, v) -> out.put(k.toString(), v));
                Map<String, String> syn = new HashMap<>();
                synonyms.forEach((from, to) -> {
                    if (out.containsKey(to.toString())) {
                        syn.put(from.toString(), to.toString());
                    }
                });
                return new Matched(out, syn);
            }
        }
        return new Failed("Invalid arguments.", usage);
    }

    // ---------------------------------------------------------------- option descriptions

    private void parseDescription(String fullLine) throws DocoptException {
        String desc = OPTIONS_PREFIX.matcher(fullLine.trim()).replaceFirst("");
        if (!DESC_START.matcher(desc).find()) {
            parseDefault(fullLine);
            return;
        }
        // The description proper starts two spaces after the flags.
        int twoSpaces = desc.indexOf("  ");
        if (twoSpaces >= 0) {
            desc = desc.substring(0, twoSpaces);
        }
        desc = desc.replaceFirst("([^-\\s]), -", "$1 -").trim();
        boolean repeats = false;
        if (desc.endsWith("...")) {
            repeats = true;
            desc = desc.substring(0, desc.length() - 3).trim();
        }
        String shortName = "";
        String longName = "";
        boolean hasArg = false;
        int lastEnd = 0;
        Matcher m = DESC_FLAGS.matcher(desc);
        while (m.find()) {
            lastEnd = m.end();
            if (m.group(2) != null) {
                if (!shortName.isEmpty()) {
                    throw new DocoptException("Only one short flag is allowed in an option description, but found '"
                            + shortName + "' and '" + m.group(2) + "'.");
                }
                shortName = m.group(2);
            }
            if (m.group(1) != null) {
                if (!longName.isEmpty()) {
                    throw new DocoptException("Only one long flag is allowed in an option description, but found '"
                            + longName + "' and '" + m.group(1) + "'.");
                }
                longName = m.group(1);
            }
            if (m.group(3) != null) {
                if (!isArg(m.group(3))) {
                    throw new DocoptException("Argument '" + m.group(3) + "' is not of the form ARG or <arg>.");
                }
                hasArg = true;
            }
        }
        if (lastEnd < desc.length()) {
            throw new DocoptException("Extraneous text '" + desc.substring(lastEnd)
                    + "' in option description '" + desc + "'.");
        }
        if (!shortName.isEmpty() && shortName.codePointCount(0, shortName.length()) != 2) {
            // docopt ignores such lines (e.g. "-not-an-option-") instead of failing.
            return;
        }
        Opt opt = new Opt(hasArg);
        opt.isDesc = true;
        opt.repeats = repeats;
        if (!longName.isEmpty()) {
            Atom atom = new Long(longName.substring(2));
            descs.put(atom, opt);
            if (!shortName.isEmpty()) {
                synonyms.put(new Short(shortName.charAt(1)), atom);
            }
            lastAtomAdded = atom;
        } else {
            Atom atom = new Short(shortName.charAt(1));
            descs.put(atom, opt);
            lastAtomAdded = atom;
        }
        parseDefault(fullLine);
    }

    private void parseDefault(String line) throws DocoptException {
        Matcher m = DEFAULT.matcher(line);
        if (!m.find()) {
            return;
        }
        String value = m.group(1).trim();
        if (lastAtomAdded == null) {
            throw new DocoptException("Found default value '" + value + "' in '" + line
                    + "' before first option description.");
        }
        Opt opt = descs.get(lastAtomAdded);
        if (!opt.hasArg) {
            throw new DocoptException("Cannot assign default value '" + value + "' to flag '"
                    + lastAtomAdded + "' that has no arguments.");
        }
        if (opt.defaultValue != null) {
            throw new DocoptException("Flag '" + lastAtomAdded + "' already has a default value of '"
                    + opt.defaultValue + "' (second default value: '" + value + "').");
        }
        opt.defaultValue = value;
    }

    // ---------------------------------------------------------------- atoms

    static boolean isShort(String s) { return SHORT.matcher(s).matches(); }
    static boolean isLong(String s) { return LONG.matcher(s).matches(); }
    static boolean isLongArgv(String s) { return LONG_ARGV.matcher(s).matches(); }
    static boolean isArg(String s) { return ARG.matcher(s).matches(); }
    static boolean isCmd(String s) { return CMD.matcher(s).matches(); }

    static Atom atomOf(String s) {
        if (isShort(s)) {
            return new Short(s.charAt(1));
        }
        if (isLong(s)) {
            return new Long(s.substring(2));
        }
        if (isArg(s)) {
            return s.startsWith("<") && s.endsWith(">")
                    ? new Positional(s.substring(1, s.length() - 1)) : new Positional(s);
        }
        return new Command(s);
    }

    private Atom resolve(Atom atom) {
        return synonyms.getOrDefault(atom, atom);
    }

    private boolean hasArg(Atom atom) {
        Opt opt = descs.get(atom);
        return opt != null && opt.hasArg;
    }

    private void addIfAbsent(Atom atom, boolean hasArg) {
        descs.computeIfAbsent(atom, a -> new Opt(hasArg));
    }

    // ---------------------------------------------------------------- usage patterns

    private final class PatternParser {
        private final List<String> tokens = new ArrayList<>();
        private final List<Character> expecting = new ArrayList<>();
        private int cur;

        PatternParser(String text) {
            String spaced = PAT_DELIMS.matcher(text.trim()).replaceAll(" $0 ");
            Matcher m = PAT_WORDS.matcher(spaced);
            while (m.find()) {
                tokens.add(m.group());
            }
        }

        Pat parse() throws DocoptException {
            Pat p = pattern();
            if (!expecting.isEmpty()) {
                throw new DocoptException("Unclosed group. Expected '" + expecting.remove(expecting.size() - 1) + "'.");
            }
            p = expandOptionsShortcut(p, allAtoms(p));
            tagRepeats(p, false, new HashSet<>());
            return p;
        }

        private Pat pattern() throws DocoptException {
            List<Pat> alts = new ArrayList<>();
            List<Pat> seq = new ArrayList<>();
            while (!eof()) {
                String t = tok();
                switch (t) {
                    case "..." -> throw new DocoptException(
                            "'...' must appear directly after a group, argument, flag or command.");
                    case "-", "--" -> seq.add(command());
                    case "|" -> {
                        if (seq.isEmpty()) {
                            throw new DocoptException("Unexpected '|'. Not in form 'a | b | c'.");
                        }
                        nextNoEof("pattern");
                        alts.add(new Sequence(seq));
                        seq = new ArrayList<>();
                    }
                    case "]", ")" -> {
                        if (seq.isEmpty()) {
                            throw new DocoptException("Unexpected '" + t + "'. Empty groups are not allowed.");
                        }
                        if (expecting.isEmpty()) {
                            throw new DocoptException("Unexpected '" + t + "'. No open bracket found.");
                        }
                        char want = expecting.remove(expecting.size() - 1);
                        if (want != t.charAt(0)) {
                            throw new DocoptException("Expected '" + want + "' but got '" + t + "'.");
                        }
                        next();
                        List<Pat> body = alts.isEmpty() ? seq : withLast(alts, seq);
                        return t.equals("]") ? new Optional(body) : new Sequence(body);
                    }
                    case "[" -> {
                        if (at(1, "options") && at(2, "]")) {
                            next();
                            next();
                            next();
                            seq.add(maybeRepeat(new OptionsShortcut()));
                        } else {
                            expecting.add(']');
                            seq.add(group());
                        }
                    }
                    case "(" -> {
                        expecting.add(')');
                        seq.add(group());
                    }
                    default -> {
                        if (isShort(t)) {
                            seq.addAll(flagShort());
                        } else if (isLong(t)) {
                            seq.add(flagLong());
                        } else if (isArg(t) || isCmd(t)) {
                            seq.add(command());
                        } else {
                            throw new DocoptException("Unknown token type '" + t + "'.");
                        }
                    }
                }
            }
            return alts.isEmpty() ? new Sequence(seq) : new Alternates(withAlternatives(alts, seq));
        }

        private List<Pat> withLast(List<Pat> alts, List<Pat> seq) {
            return List.of(new Alternates(withAlternatives(alts, seq)));
        }

        private List<Pat> withAlternatives(List<Pat> alts, List<Pat> seq) {
            List<Pat> all = new ArrayList<>(alts);
            all.add(new Sequence(seq));
            return all;
        }

        private List<Pat> flagShort() throws DocoptException {
            List<Pat> seq = new ArrayList<>();
            String stacked = tok().substring(1);
            for (int i = 0; i < stacked.length(); i++) {
                Atom atom = resolve(new Short(stacked.charAt(i)));
                seq.add(new One(atom));
                if (!hasArg(atom)) {
                    addIfAbsent(atom, false);
                } else {
                    // Only a description can give a short option an argument: the rest of the
                    // stack, or the next token, is that argument.
                    String rest = stacked.substring(i + 1);
                    if (rest.isEmpty()) {
                        nextFlagArg(atom);
                    } else {
                        requireArg(atom, rest);
                    }
                    break;
                }
            }
            next();
            if (at(0, "...")) {
                next();
                seq.replaceAll(Repeat::new);
            }
            return seq;
        }

        private Pat flagLong() throws DocoptException {
            String t = tok();
            int eq = t.indexOf('=');
            boolean argGiven = eq > 0 && eq < t.length() - 1;
            Atom atom;
            if (argGiven) {
                String arg = t.substring(eq + 1);
                if (!isArg(arg)) {
                    throw new DocoptException("Argument '" + arg + "' for flag '" + t.substring(0, eq)
                            + "' is not in the form ARG or <arg>.");
                }
                atom = resolve(new Long(t.substring(2, eq)));
            } else {
                atom = resolve(new Long(t.substring(2)));
            }
            if (descs.containsKey(atom)) {
                boolean known = hasArg(atom);
                if (argGiven && !known) {
                    throw new DocoptException("Flag '" + atom + "' does not take any arguments.");
                } else if (!argGiven && known) {
                    nextFlagArg(atom);
                }
            }
            addIfAbsent(atom, argGiven);
            next();
            return maybeRepeat(new One(atom));
        }

        private void nextFlagArg(Atom atom) throws DocoptException {
            nextNoEof("argument for flag '" + atom + "'");
            requireArg(atom, tok());
        }

        private void requireArg(Atom atom, String arg) throws DocoptException {
            if (!isArg(arg)) {
                throw new DocoptException("Expected argument for flag '" + atom
                        + "', but found malformed argument '" + arg + "'.");
            }
        }

        private Pat command() {
            Atom atom = atomOf(tok());
            addIfAbsent(atom, false);
            next();
            return maybeRepeat(new One(atom));
        }

        private Pat group() throws DocoptException {
            nextNoEof("pattern");
            return maybeRepeat(pattern());
        }

        private Pat maybeRepeat(Pat p) {
            if (at(0, "...")) {
                next();
                return new Repeat(p);
            }
            return p;
        }

        private boolean eof() { return cur == tokens.size(); }
        private String tok() { return tokens.get(cur); }
        private void next() { if (cur < tokens.size()) { cur++; } }
        private boolean at(int offset, String s) {
            int i = cur + offset;
            return i < tokens.size() && tokens.get(i).equals(s);
        }

        private void nextNoEof(String expected) throws DocoptException {
            next();
            if (eof()) {
                throw new DocoptException("Expected " + expected + " but reached end of usage pattern.");
            }
        }
    }

    private Pat expandOptionsShortcut(Pat p, Set<Atom> named) {
        if (p instanceof OptionsShortcut) {
            List<Pat> items = new ArrayList<>();
            descs.forEach((atom, opt) -> {
                if (opt.isDesc && !named.contains(atom)) {
                    // An option described with "..." may be given many times.
                    items.add(opt.repeats ? new Repeat(new One(atom)) : new One(atom));
                }
            });
            return new Optional(items);
        }
        if (p instanceof Alternates a) {
            return new Alternates(expandAll(a.items(), named));
        }
        if (p instanceof Sequence s) {
            return new Sequence(expandAll(s.items(), named));
        }
        if (p instanceof Optional o) {
            return new Optional(expandAll(o.items(), named));
        }
        if (p instanceof Repeat r) {
            return new Repeat(expandOptionsShortcut(r.item(), named));
        }
        return p;
    }

    private List<Pat> expandAll(List<Pat> items, Set<Atom> named) {
        List<Pat> out = new ArrayList<>();
        for (Pat p : items) {
            out.add(expandOptionsShortcut(p, named));
        }
        return out;
    }

    private static Set<Atom> allAtoms(Pat p) {
        Set<Atom> set = new HashSet<>();
        collectAtoms(p, set);
        return set;
    }

    private static void collectAtoms(Pat p, Set<Atom> set) {
        if (p instanceof Alternates a) {
            a.items().forEach(x -> collectAtoms(x, set));
        } else if (p instanceof Sequence s) {
            s.items().forEach(x -> collectAtoms(x, set));
        } else if (p instanceof Optional o) {
            o.items().forEach(x -> collectAtoms(x, set));
        } else if (p instanceof Repeat r) {
            collectAtoms(r.item(), set);
        } else if (p instanceof One one) {
            set.add(one.atom());
        }
    }

    /** An atom repeats when it is under {@code ...} or appears twice outside mutually exclusive alternatives. */
    private void tagRepeats(Pat p, boolean rep, Set<Atom> seen) {
        if (p instanceof Alternates a) {
            // Mutually exclusive alternatives do not make each other's atoms repeat.
            Set<Atom> fresh = new HashSet<>(seen);
            for (Pat alt : a.items()) {
                Set<Atom> isolated = new HashSet<>(fresh);
                tagRepeats(alt, rep, isolated);
                seen.addAll(isolated);
            }
        } else if (p instanceof Sequence s) {
            s.items().forEach(x -> tagRepeats(x, rep, seen));
        } else if (p instanceof Optional o) {
            o.items().forEach(x -> tagRepeats(x, rep, seen));
        } else if (p instanceof Repeat r) {
            tagRepeats(r.item(), true, seen);
        } else if (p instanceof One one) {
            Opt opt = descs.get(one.atom());
            opt.repeats = opt.repeats || rep || seen.contains(one.atom());
            seen.add(one.atom());
        }
    }

    // ---------------------------------------------------------------- argv

    private record Token(Atom atom, String arg) {}

    private final class Argv {
        final List<Token> positional = new ArrayList<>();
        final List<Token> flags = new ArrayList<>();
        final Map<Atom, Integer> counts = new HashMap<>();

        Argv(List<String> argv) throws DocoptException {
            boolean seenDoubleDash = false;
            for (int i = 0; i < argv.size(); i++) {
                String a = argv.get(i);
                if (!seenDoubleDash && isShort(a)) {
                    String stacked = a.substring(1);
                    for (int j = 0; j < stacked.length(); j++) {
                        Atom atom = resolve(new Short(stacked.charAt(j)));
                        if (!descs.containsKey(atom)) {
                            throw new DocoptException("Unknown flag: '" + atom + "'");
                        }
                        if (!hasArg(atom)) {
                            flags.add(new Token(atom, null));
                            continue;
                        }
                        String rest = stacked.substring(j + 1);
                        if (rest.isEmpty()) {
                            i = requireNext(argv, i, atom);
                            rest = argv.get(i);
                        }
                        flags.add(new Token(atom, rest));
                        break;
                    }
                } else if (!seenDoubleDash && isLongArgv(a)) {
                    int eq = a.indexOf('=');
                    Atom atom = resolve(new Long(eq < 0 ? a.substring(2) : a.substring(2, eq)));
                    String arg = eq < 0 ? null : a.substring(eq + 1);
                    if (!descs.containsKey(atom)) {
                        throw new DocoptException(unknownFlag(atom));
                    }
                    if (arg != null && !hasArg(atom)) {
                        throw new DocoptException("Flag '" + atom + "' cannot have an argument, but found '"
                                + arg + "'.");
                    } else if (arg == null && hasArg(atom)) {
                        i = requireNext(argv, i, atom);
                        arg = argv.get(i);
                    }
                    flags.add(new Token(atom, arg));
                } else if (a.equals("--") && !seenDoubleDash) {
                    seenDoubleDash = true;
                } else {
                    // Commands are told from positionals only while matching.
                    positional.add(new Token(new Positional(a), null));
                }
            }
            for (Token f : flags) {
                counts.merge(f.atom(), 1, Integer::sum);
            }
        }

        private int requireNext(List<String> argv, int i, Atom atom) throws DocoptException {
            if (i + 1 >= argv.size()) {
                throw new DocoptException("Expected argument for flag '" + atom
                        + "' but reached end of arguments.");
            }
            return i + 1;
        }

        private String unknownFlag(Atom atom) {
            String flag = atom.toString();
            String best = "";
            int min = Integer.MAX_VALUE;
            List<Atom> possibles = new ArrayList<>(synonyms.keySet());
            possibles.addAll(descs.keySet());
            for (Atom key : possibles) {
                if (key instanceof Long || key instanceof Command) {
                    int dist = levenshtein(flag, key.toString());
                    if (dist < 3 && dist < min) {
                        min = dist;
                        best = key.toString();
                    }
                }
            }
            return best.isEmpty() ? "Unknown flag: '" + flag + "'"
                    : "Unknown flag: '" + flag + "'. Did you mean '" + best + "'?";
        }
    }

    static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] curr = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            curr[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                curr[j] = Math.min(Math.min(curr[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = curr;
            curr = t;
        }
        return prev[b.length()];
    }

    // ---------------------------------------------------------------- matching

    /**
     * A partial match: how many positionals are consumed, how many of each flag are left for
     * required occurrences, how many optional occurrences the pattern allows, the values so far.
     */
    private record State(int argvi, Map<Atom, Integer> counts, Map<Atom, Integer> maxCounts,
                         Map<Atom, DocoptValue> vals) {
        State copy() {
            return new State(argvi, new HashMap<>(counts), new HashMap<>(maxCounts), new HashMap<>(vals));
        }

        boolean fill(Atom key, boolean repeats, String arg) {
            DocoptValue old = vals.get(key);
            if (!repeats) {
                vals.put(key, arg == null ? new DocoptValue.Switch(true) : new DocoptValue.Plain(arg));
                return true;
            }
            if (arg == null) {
                if (old == null) {
                    vals.put(key, new DocoptValue.Counted(1));
                } else if (old instanceof DocoptValue.Counted c) {
                    vals.put(key, new DocoptValue.Counted(c.count() + 1));
                } else {
                    return false;
                }
            } else {
                if (old == null) {
                    vals.put(key, new DocoptValue.Listed(List.of(arg)));
                } else if (old instanceof DocoptValue.Listed l) {
                    vals.put(key, l.plus(arg));
                } else {
                    return false;
                }
            }
            return true;
        }

        boolean useFlag(Atom flag) {
            maxCounts.putIfAbsent(flag, 0);
            Integer c = counts.get(flag);
            if (c == null || c == 0) {
                return false;
            }
            counts.put(flag, c - 1);
            return true;
        }
    }

    private Map<Atom, DocoptValue> matchOne(Argv argv, Pat pattern) {
        State init = new State(0, new HashMap<>(argv.counts), new HashMap<>(), new HashMap<>());
        for (State s : states(argv, pattern, init)) {
            boolean consumedAll = s.argvi() == argv.positional.size();
            boolean validFlags = s.maxCounts().keySet().containsAll(argv.counts.keySet());
            boolean validNum = s.counts().entrySet().stream()
                    .allMatch(e -> e.getValue() <= s.maxCounts().getOrDefault(e.getKey(), 0));
            if (consumedAll && validFlags && validNum) {
                State done = s.copy();
                for (Token f : argv.flags) {
                    done.fill(f.atom(), descs.get(f.atom()).repeats, f.arg());
                }
                addDefaults(done.vals());
                return done.vals();
            }
        }
        return null;
    }

    private void addDefaults(Map<Atom, DocoptValue> vals) {
        descs.forEach((atom, opt) -> {
            if (vals.containsKey(atom)) {
                return;
            }
            DocoptValue v;
            if (!opt.hasArg) {
                if (atom instanceof Positional) {
                    v = opt.repeats ? new DocoptValue.Listed(List.of()) : new DocoptValue.Plain(null);
                } else {
                    v = opt.repeats ? new DocoptValue.Counted(0) : new DocoptValue.Switch(false);
                }
            } else if (opt.defaultValue == null) {
                v = opt.repeats ? new DocoptValue.Listed(List.of()) : new DocoptValue.Plain(null);
            } else if (opt.repeats) {
                String trimmed = opt.defaultValue.trim();
                v = new DocoptValue.Listed(trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+")));
            } else {
                v = new DocoptValue.Plain(opt.defaultValue);
            }
            vals.put(atom, v);
        });
    }

    private List<State> states(Argv argv, Pat pat, State init) {
        if (pat instanceof Alternates a) {
            List<State> out = new ArrayList<>();
            for (Pat p : a.items()) {
                out.addAll(states(argv, p, init));
            }
            return out;
        }
        if (pat instanceof Sequence s) {
            List<State> current = List.of(init);
            for (Pat p : s.items()) {
                List<State> next = new ArrayList<>();
                for (State st : current) {
                    next.addAll(states(argv, p, st));
                }
                current = next;
            }
            return current;
        }
        if (pat instanceof Optional o) {
            State base = init.copy();
            List<Pat> others = new ArrayList<>();
            for (Pat p : o.items()) {
                if (p instanceof One one && (one.atom() instanceof Short || one.atom() instanceof Long)) {
                    // An optional flag allows one more occurrence, if argv has that many.
                    int given = argv.counts.getOrDefault(one.atom(), 0);
                    int allowed = base.maxCounts().getOrDefault(one.atom(), 0);
                    if (given > allowed) {
                        base.maxCounts().merge(one.atom(), 1, Integer::sum);
                    }
                } else {
                    others.add(p);
                }
            }
            List<State> out = new ArrayList<>();
            optionalStates(argv, base, others, 0, out);
            return out;
        }
        if (pat instanceof Repeat r) {
            // One or more times; a round that changes nothing ends the repetition.
            List<State> all = new ArrayList<>();
            List<State> last = states(argv, r.item(), init);
            while (!last.isEmpty()) {
                all.addAll(last);
                List<State> next = new ArrayList<>();
                for (State st : last) {
                    for (State n : states(argv, r.item(), st)) {
                        if (!n.equals(st)) {
                            next.add(n);
                        }
                    }
                }
                last = next;
            }
            return all;
        }
        if (!(pat instanceof One one)) {
            throw new IllegalStateException("[options] left unexpanded");
        }
        State st = init.copy();
        Atom atom = one.atom();
        if (atom instanceof Short || atom instanceof Long) {
            return st.useFlag(atom) ? List.of(st) : List.of();
        }
        if (init.argvi() >= argv.positional.size()) {
            return List.of();
        }
        String word = ((Positional) argv.positional.get(init.argvi()).atom()).name();
        if (atom instanceof Command c && !c.name().equals(word)) {
            return List.of();
        }
        st = new State(st.argvi() + 1, st.counts(), st.maxCounts(), st.vals());
        boolean filled = st.fill(atom, descs.get(atom).repeats, atom instanceof Command ? null : word);
        return filled ? List.of(st) : List.of();
    }

    /** Each element of an optional group independently present or absent; presence first. */
    private void optionalStates(Argv argv, State base, List<Pat> pats, int from, List<State> out) {
        if (from == pats.size()) {
            out.add(base);
            return;
        }
        for (State s : states(argv, pats.get(from), base)) {
            optionalStates(argv, s, pats, from + 1, out);
        }
        optionalStates(argv, base, pats, from + 1, out);
    }
}
