// Reads YAML files into YNode trees in vagga's dialect (quire's rules); the only snakeyaml user.
package vagga.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.scanner.ScannerImpl;
import org.yaml.snakeyaml.tokens.Token;

/**
 * Builds the tree from snakeyaml's parser events (no composer, no constructor: fast, and the only
 * place that sees where an alias is used). What differs from plain YAML, and why (SPEC 1.7):
 * <ul>
 * <li>{@code - !Env HOME: /x}: YAML tags the first key; quire tags the map, so the tag is moved.</li>
 * <li>{@code - !BuildDeps *deps}: YAML forbids a tag on an alias; quire accepts it. The tag tokens
 *     are blanked out of the text (columns kept) before parsing; the aliased value keeps its own
 *     tag, and gets the written one only when it has none.</li>
 * <li>{@code [!HostRoot]}: YAML 1.1 lets a tag swallow the closing bracket; quire does not.</li>
 * <li>Merge keys are applied here (explicit keys win, then merged ones in order); an anchor
 *     defined twice: the later definition wins.</li>
 * <li>{@code !*Include file} and {@code !*Unpack [lists]} are quire's preprocessing tags.</li>
 * </ul>
 * Aliases share the anchored YNode, so alias-heavy files stay linear.
 */
final class YamlReader {
    /** Hostile or broken input is refused before snakeyaml sees it (its scanner is quadratic in the
     *  length of one token, and our tree builder recurses): far above any real vagga.yaml. */
    static final long MAX_FILE_BYTES = 3L << 20; // snakeyaml's own code point limit
    static final int MAX_LINE_CHARS = 64 << 10;
    static final int MAX_DEPTH = 100;

    private final Path projectRoot;
    private final Problems problems;
    private final Deque<Path> including = new ArrayDeque<>();

    /** Every file read, with the ConfigCache stamp of the very bytes that were parsed. */
    final Map<Path, String> stamps = new LinkedHashMap<>();

    /** The first file read (the config itself), its text when it had no byte order mark, and its literal block scalars (ConfigPatch). */
    private Path mainFile;
    private String mainText;
    private final Map<String, Integer> literals = new IdentityHashMap<>();

    YamlReader(Path projectRoot, Problems problems) {
        this.projectRoot = projectRoot.toAbsolutePath().normalize();
        this.problems = problems;
    }

    /** What the config cache keeps so that an edit of a {@code !Sh |} script needs no parse (ConfigPatch); null: nothing. */
    ConfigPatch.Source patchSource() {
        return mainText == null || literals.isEmpty() ? null : new ConfigPatch.Source(mainText, literals);
    }

    /** The name a user sees in messages: relative to the project root when inside it. */
    String displayName(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        return abs.startsWith(projectRoot) ? projectRoot.relativize(abs).toString() : abs.toString();
    }

    /**
     * The root of the file's single document; a null scalar for an empty file; null when the file
     * cannot be read or is not YAML (the problem is recorded).
     */
    YNode read(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        String name = displayName(abs);
        String text;
        try {
            String refused = refusedFile(abs);
            if (refused != null) {
                problems.add(new Position(name, 1, 1), refused);
                return null;
            }
            byte[] bytes = readBounded(abs);
            if (bytes == null) {
                problems.add(new Position(name, 1, 1), "the file is larger than " + (MAX_FILE_BYTES >> 20) + " MiB");
                return null;
            }
            stamps.putIfAbsent(abs, ConfigCache.stamp(bytes));
            text = strictUtf8(bytes);
        } catch (CharacterCodingException e) {
            problems.add(new Position(name, 1, 1), "the file is not valid UTF-8");
            return null;
        } catch (IOException e) {
            problems.add(new Position(name, 1, 1), "cannot read the file: " + e.getMessage());
            return null;
        }
        boolean bom = text.startsWith("\uFEFF");
        if (bom) {
            text = text.substring(1);
        }
        if (mainFile == null) {
            mainFile = abs;
            mainText = bom ? null : text;
        }
        Position longLine = longLine(text, name);
        if (longLine != null) {
            problems.add(longLine, "line longer than " + MAX_LINE_CHARS + " characters");
            return null;
        }
        including.push(abs);
        try {
            return parse(text, abs, name);
        } finally {
            including.pop();
        }
    }

    /** vagga's rule for includes and mixins: a relative path without "." or ".." components. */
    static boolean plainRelative(String rel) {
        Path relPath;
        try {
            relPath = Path.of(rel);
        } catch (RuntimeException e) {
            return false;
        }
        boolean plain = !rel.isEmpty() && !relPath.isAbsolute();
        for (int i = 0; plain && i < relPath.getNameCount(); i++) {
            String part = relPath.getName(i).toString();
            plain = !part.equals("..") && !part.equals(".");
        }
        return plain;
    }

    /** Why a path is not read as a config file (a directory, a device, a fifo), or null. */
    static String refusedFile(Path file) throws IOException {
        java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(file,
                java.nio.file.attribute.BasicFileAttributes.class);
        if (a.isDirectory()) {
            return "is a directory, not a file";
        }
        if (!a.isRegularFile()) {
            return "is not a regular file";
        }
        return a.size() > MAX_FILE_BYTES ? "the file is larger than " + (MAX_FILE_BYTES >> 20) + " MiB" : null;
    }

    /** The text of the bytes, which must be UTF-8 throughout. */
    static String strictUtf8(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
    }

    /** The file's bytes, or null when it holds more than MAX_FILE_BYTES (it may grow while read). */
    static byte[] readBounded(Path file) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
            return bytes.length > MAX_FILE_BYTES ? null : bytes;
        }
    }

    /** Where the first line longer than MAX_LINE_CHARS starts, or null. */
    private static Position longLine(String text, String name) {
        int line = 1, start = 0;
        while (start <= text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl;
            if (end - start > MAX_LINE_CHARS) {
                return new Position(name, line, 1);
            }
            if (nl < 0) {
                return null;
            }
            start = nl + 1;
            line++;
        }
        return null;
    }

    /** Nesting deeper than MAX_DEPTH: parsing stops, the problem is recorded at its place. */
    private static final class TooDeep extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Position at;

        TooDeep(Position at) {
            super(null, null, false, false);
            this.at = at;
        }
    }

    private static LoaderOptions options() {
        LoaderOptions o = new LoaderOptions();
        o.setProcessComments(false);
        return o;
    }

    private YNode parse(String text, Path file, String name) {
        Map<Integer, List<Integer>> inserted = new HashMap<>();
        boolean flowTagsSeparated = false;
        while (true) {
            Map<Long, String> aliasTags = new HashMap<>();
            if (file.equals(mainFile)) {
                literals.clear(); // of a failed attempt
            }
            String prepared = blankTagsBeforeAliases(text, aliasTags);
            Builder builder = new Builder(file, name, inserted, aliasTags);
            try {
                return builder.document(new ParserImpl(new StreamReader(new StringReader(prepared)), options()));
            } catch (TooDeep e) {
                problems.add(e.at, "nested deeper than " + MAX_DEPTH + " levels");
                return null;
            } catch (MarkedYAMLException e) {
                if (!flowTagsSeparated) {
                    flowTagsSeparated = true;
                    String fixed = separateFlowTags(text, inserted);
                    if (!fixed.equals(text)) {
                        text = fixed;
                        continue;
                    }
                }
                Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
                Position at = mark == null ? new Position(name, 1, 1) : position(name, inserted, mark);
                String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
                problems.add(at, "invalid YAML: " + firstLine(problem));
                return null;
            } catch (YAMLException e) {
                problems.add(new Position(name, 1, 1), "invalid YAML: " + firstLine(e.getMessage()));
                return null;
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                // snakeyaml's scanner fails this way on an escape cut short by the end of the input
                // (a backslash and u at the very end): the end of the text is where it stopped.
                problems.add(endOf(text, name), "invalid YAML: the input ends inside an escape sequence");
                return null;
            }
        }
    }

    private static Position endOf(String text, String name) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new Position(name, line, col);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static long key(Mark m) {
        return ((long) m.getLine() << 32) | m.getColumn();
    }

    /** Char offset of a mark (line, column in code points) in {@code text}, or -1. */
    private static int offset(String text, Mark m) {
        int lineStart = 0;
        for (int line = 0; line < m.getLine(); line++) {
            lineStart = text.indexOf('\n', lineStart) + 1;
            if (lineStart == 0) {
                return -1;
            }
        }
        try {
            return text.offsetByCodePoints(lineStart, m.getColumn());
        } catch (IndexOutOfBoundsException e) {
            return -1;
        }
    }

    /**
     * Finds "!Tag *alias" with the scanner (so quoted and block text is never touched), records the
     * tag under the alias's position and replaces the tag with spaces. On a scanner error the text
     * is returned as far as it was fixed; the parser then reports the error.
     */
    private static String blankTagsBeforeAliases(String text, Map<Long, String> aliasTags) {
        if (!hasTagThenAlias(text)) {
            return text; // the common case: skip the second scan
        }
        StringBuilder out = null;
        try {
            ScannerImpl scanner = new ScannerImpl(new StreamReader(new StringReader(text)), options());
            Token previous = null;
            while (!scanner.checkToken(Token.ID.StreamEnd)) {
                Token t = scanner.getToken();
                if (t.getTokenId() == Token.ID.Alias && previous != null && previous.getTokenId() == Token.ID.Tag) {
                    int from = offset(text, previous.getStartMark());
                    int to = offset(text, previous.getEndMark());
                    if (from >= 0 && to > from) {
                        if (out == null) {
                            out = new StringBuilder(text);
                        }
                        aliasTags.put(key(t.getStartMark()), text.substring(from + 1, to));
                        for (int i = from; i < to; i++) {
                            out.setCharAt(i, ' ');
                        }
                    }
                }
                previous = t;
            }
        } catch (YAMLException | NumberFormatException | IndexOutOfBoundsException e) {
            // Reported by the parser, with its position.
        }
        return out == null ? text : out.toString();
    }

    /**
     * What the regex {@code ![^\s*]*[ \t]+\*} would find (a tag, then blanks, then an alias), without
     * one: every parse runs this over the whole file, and this is the common path of a first start.
     */
    static boolean hasTagThenAlias(String text) {
        int n = text.length();
        for (int i = text.indexOf('!'); i >= 0; i = text.indexOf('!', i + 1)) {
            int j = i + 1;
            while (j < n && !regexSpace(text.charAt(j)) && text.charAt(j) != '*') {
                j++;
            }
            int k = j;
            while (k < n && (text.charAt(k) == ' ' || text.charAt(k) == '\t')) {
                k++;
            }
            if (k > j && k < n && text.charAt(k) == '*') {
                return true;
            }
        }
        return false;
    }

    /** Java regex's {@code \s}. */
    private static boolean regexSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    /**
     * A tag closing a flow collection ({@code [!HostRoot]}, {@code {a: !Empty}}). Only tried after a
     * parse failure, so text in block scalars is left alone when the file parses as it is. Compiled
     * then, not when the class loads (the config cache's freshness check loads it).
     */
    private static final class FlowTag {
        static final Pattern PATTERN = Pattern.compile("(?<=[\\s\\[{,])(![A-Za-z0-9_*-]+)(?=[\\]},])");
    }

    /** Inserts a space after each flow tag; records where in {@code inserted} (line -> columns). */
    private static String separateFlowTags(String text, Map<Integer, List<Integer>> inserted) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = FlowTag.PATTERN.matcher(lines[i]);
            StringBuilder line = new StringBuilder();
            int last = 0;
            while (m.find()) {
                line.append(lines[i], last, m.end());
                inserted.computeIfAbsent(i, k -> new ArrayList<>()).add(line.codePointCount(0, line.length()));
                line.append(' ');
                last = m.end();
            }
            line.append(lines[i].substring(last));
            out.append(line);
            if (i + 1 < lines.length) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** A snakeyaml mark as a position in the text the user wrote. */
    private static Position position(String name, Map<Integer, List<Integer>> inserted, Mark m) {
        int column = m.getColumn();
        List<Integer> cols = inserted.get(m.getLine());
        if (cols != null) {
            for (int c : cols) {
                if (c < m.getColumn()) {
                    column--;
                }
            }
        }
        return new Position(name, m.getLine() + 1, column + 1);
    }

    /** "!Env" -> "Env"; standard (tag:yaml.org,...) and non-specific tags -> null. */
    private static String localTag(String tag) {
        return tag != null && tag.startsWith("!") && tag.length() > 1 ? tag.substring(1) : null;
    }

    private static YNode withTag(YNode n, String tag) {
        if (n instanceof YNode.Scalar s) {
            return new YNode.Scalar(s.position(), tag, s.text(), s.plain());
        }
        if (n instanceof YNode.Sequence s) {
            return new YNode.Sequence(s.position(), tag, s.items());
        }
        YNode.Mapping m = (YNode.Mapping) n;
        return new YNode.Mapping(m.position(), tag, m.entries());
    }

    /** Turns one file's parser events into YNodes. */
    private final class Builder {
        private final Path file;
        private final String name;
        private final Map<Integer, List<Integer>> inserted;
        private final Map<Long, String> aliasTags;
        private final Map<String, YNode> anchors = new HashMap<>();
        private Parser parser;
        private int depth;

        Builder(Path file, String name, Map<Integer, List<Integer>> inserted, Map<Long, String> aliasTags) {
            this.file = file;
            this.name = name;
            this.inserted = inserted;
            this.aliasTags = aliasTags;
        }

        /** Problems are kept aside until the whole document parsed, so a retry does not repeat them. */
        private final List<Object[]> pending = new ArrayList<>();

        private void problem(Position at, String message) {
            pending.add(new Object[] {at, message});
        }

        YNode document(Parser p) {
            this.parser = p;
            p.getEvent(); // stream start
            YNode root;
            if (p.checkEvent(Event.ID.StreamEnd)) {
                root = nothing(new Position(name, 1, 1));
            } else {
                p.getEvent(); // document start
                root = node();
                p.getEvent(); // document end
                if (!p.checkEvent(Event.ID.StreamEnd)) {
                    problem(pos(p.peekEvent().getStartMark()), "a config file holds one YAML document, found more");
                }
            }
            for (Object[] pr : pending) {
                problems.add((Position) pr[0], (String) pr[1]);
            }
            return root;
        }

        private Position pos(Mark m) {
            return m == null ? new Position(name, 1, 1) : position(name, inserted, m);
        }

        private YNode nothing(Position at) {
            return new YNode.Scalar(at, null, "", true);
        }

        private YNode node() {
            Event e = parser.getEvent();
            Position at = pos(e.getStartMark());
            if (++depth > MAX_DEPTH) {
                throw new TooDeep(at);
            }
            try {
                return nodeAt(e, at);
            } finally {
                depth--;
            }
        }

        private YNode nodeAt(Event e, Position at) {
            if (e instanceof AliasEvent a) {
                YNode target = anchors.get(a.getAnchor());
                if (target == null) {
                    problem(at, "unknown anchor *" + a.getAnchor() + " (an alias must follow its anchor)");
                    return nothing(at);
                }
                String tag = aliasTags.get(key(e.getStartMark()));
                return tag != null && target.tag() == null ? withTag(target, tag) : target;
            }
            YNode result;
            if (e instanceof ScalarEvent s) {
                String tag = localTag(s.getTag());
                result = "*Include".equals(tag) ? include(at, s.getValue())
                        : new YNode.Scalar(at, tag, s.getValue(), s.isPlain());
                // a literal block of the config itself, not anchored (an alias could use it anywhere)
                // (and not empty: the JDK shares one "" among them)
                if (s.getScalarStyle() == DumperOptions.ScalarStyle.LITERAL && s.getAnchor() == null
                        && !s.getValue().isEmpty() && file.equals(mainFile) && mainText != null) {
                    literals.put(s.getValue(), s.getStartMark().getLine());
                }
            } else if (e.is(Event.ID.SequenceStart)) {
                result = sequence(at, localTag(((CollectionStartEvent) e).getTag()));
            } else {
                result = mapping(at, localTag(((CollectionStartEvent) e).getTag()));
            }
            String anchor = ((NodeEvent) e).getAnchor();
            if (anchor != null) {
                anchors.put(anchor, result); // a later definition of the same name wins
            }
            return result;
        }

        private YNode include(Position at, String rel) {
            if (!plainRelative(rel)) {
                // vagga's rule: only relative paths without parent directories can be included.
                problem(at, "!*Include takes a relative path without \"..\", found \"" + rel + "\"");
                return nothing(at);
            }
            Path target = file.getParent().resolve(rel).normalize();
            if (including.contains(target)) {
                List<Path> chain = new ArrayList<>(including);
                Collections.reverse(chain);
                chain.add(target);
                problem(at, "include cycle: " + chain.stream().map(YamlReader.this::displayName)
                        .collect(Collectors.joining(" -> ")));
                return nothing(at);
            }
            if (!Files.exists(target)) {
                problem(at, "cannot include \"" + rel + "\": no such file " + displayName(target));
                return nothing(at);
            }
            YNode included = read(target);
            return included == null ? nothing(at) : included;
        }

        private YNode sequence(Position at, String tag) {
            List<YNode> items = new ArrayList<>();
            while (!parser.checkEvent(Event.ID.SequenceEnd)) {
                // quire: an item `- !*Unpack [*a, *b]` splices its lists into this list
                boolean splice = parser.checkEvent(Event.ID.SequenceStart)
                        && "*Unpack".equals(localTag(((CollectionStartEvent) parser.peekEvent()).getTag()));
                YNode item = node();
                if (splice && item instanceof YNode.Sequence spliced) {
                    items.addAll(spliced.items());
                } else {
                    items.add(item);
                }
            }
            parser.getEvent();
            if ("*Unpack".equals(tag)) {
                return unpack(at, items);
            }
            return new YNode.Sequence(at, tag, List.copyOf(items));
        }

        /** quire's !*Unpack: a list of lists becomes one list; a list of mappings one mapping. */
        private YNode unpack(Position at, List<YNode> parts) {
            if (!parts.isEmpty() && parts.stream().allMatch(p -> p instanceof YNode.Mapping)) {
                Map<String, YNode.Entry> merged = new LinkedHashMap<>();
                for (YNode p : parts) {
                    for (YNode.Entry e : ((YNode.Mapping) p).entries()) {
                        merged.put(e.key().text(), e);
                    }
                }
                return new YNode.Mapping(at, null, List.copyOf(merged.values()));
            }
            List<YNode> items = new ArrayList<>();
            for (YNode p : parts) {
                if (p instanceof YNode.Sequence seq) {
                    items.addAll(seq.items());
                } else {
                    problem(p.position(), "!*Unpack expects lists (or mappings), found " + p.kind());
                }
            }
            return new YNode.Sequence(at, null, List.copyOf(items));
        }

        private YNode mapping(Position at, String tag) {
            List<YNode.Entry> entries = new ArrayList<>();
            Set<String> keys = new HashSet<>();
            List<YNode> merges = new ArrayList<>();
            boolean first = true;
            while (!parser.checkEvent(Event.ID.MappingEnd)) {
                YNode k = node();
                YNode v = node();
                boolean isFirst = first;
                first = false;
                if (k instanceof YNode.Scalar ks && ks.plain() && ks.tag() == null && ks.text().equals("<<")) {
                    merges.add(v);
                    continue;
                }
                if (!(k instanceof YNode.Scalar ks)) {
                    problem(k.position(), "a key must be a plain string, found " + k.kind());
                    continue;
                }
                if (ks.tag() != null) {
                    if (isFirst && tag == null) {
                        // `- !Env HOME: /x`: YAML put the map's tag on its first key.
                        tag = ks.tag();
                    } else {
                        problem(ks.position(), "unexpected tag !" + ks.tag() + " on the key \"" + ks.text() + "\"");
                    }
                }
                YNode.Scalar key = new YNode.Scalar(ks.position(), null, ks.text(), ks.plain());
                if (!keys.add(key.text())) {
                    problem(key.position(), "duplicate key \"" + key.text() + "\"");
                    continue;
                }
                entries.add(new YNode.Entry(key, v));
            }
            parser.getEvent();
            for (YNode source : merges) {
                List<YNode> sources = source instanceof YNode.Sequence seq ? seq.items() : List.of(source);
                for (YNode src : sources) {
                    if (!(src instanceof YNode.Mapping map)) {
                        problem(src.position(), "a merge key (<<) takes a mapping or a list of mappings, found "
                                + src.kind());
                        continue;
                    }
                    for (YNode.Entry e : map.entries()) {
                        if (keys.add(e.key().text())) {
                            entries.add(e);
                        }
                    }
                }
            }
            return new YNode.Mapping(at, tag, List.copyOf(entries));
        }
    }
}
