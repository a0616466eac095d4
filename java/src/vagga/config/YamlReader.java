// Reads YAML files into YNode trees in vagga's dialect (quire's rules); the only snakeyaml user.
package vagga.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * What differs from plain YAML, and why (SPEC 1.7):
 * <ul>
 * <li>{@code - !Env HOME: /x}: YAML tags the first key; quire tags the map, so the tag is moved.</li>
 * <li>{@code - !BuildDeps *deps}: YAML forbids a tag on an alias; quire ignores the tag. The tag is
 *     blanked out of the text (columns kept) where the parser reports it, and parsing retried.</li>
 * <li>Merge keys are applied here (explicit keys win, then merged ones in order); anchors defined
 *     twice: the later wins (snakeyaml's composer already does that).</li>
 * <li>{@code !*Include file} and {@code !*Unpack [lists]} are quire's preprocessing tags.</li>
 * </ul>
 * Aliased nodes stay shared (one YNode per snakeyaml node), so big alias-heavy files stay linear.
 */
final class YamlReader {
    /** An empty document. */
    private static final String EMPTY = "";

    private final Path projectRoot;
    private final Problems problems;
    private final Deque<Path> including = new ArrayDeque<>();

    YamlReader(Path projectRoot, Problems problems) {
        this.projectRoot = projectRoot.toAbsolutePath().normalize();
        this.problems = problems;
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
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(abs))).toString();
        } catch (CharacterCodingException e) {
            problems.add(new Position(name, 1, 1), "the file is not valid UTF-8");
            return null;
        } catch (IOException e) {
            problems.add(new Position(name, 1, 1), "cannot read the file: " + e.getMessage());
            return null;
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        Node root = compose(text, name);
        if (root == null) {
            return null;
        }
        if (root == NO_DOCUMENT) {
            return new YNode.Scalar(new Position(name, 1, 1), null, EMPTY, true);
        }
        including.push(abs);
        try {
            return new Converter(abs, name).convert(root);
        } finally {
            including.pop();
        }
    }

    private static final Node NO_DOCUMENT = new ScalarNode(Tag.NULL, "", null, null,
            org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN);

    private static LoaderOptions options() {
        LoaderOptions o = new LoaderOptions();
        // Aliases stay shared nodes (never expanded), so the "billion laughs" guard is not needed;
        // real files alias whole commands dozens of times.
        o.setMaxAliasesForCollections(Integer.MAX_VALUE);
        o.setAllowDuplicateKeys(true);
        o.setProcessComments(false);
        return o;
    }

    private Node compose(String text, String name) {
        // Each retry blanks one tag written in front of an alias; the bound only stops a runaway.
        for (int attempt = 0; attempt < 10_000; attempt++) {
            try {
                LoaderOptions o = options();
                Composer composer = new Composer(
                        new ParserImpl(new StreamReader(new StringReader(text)), o), new Resolver(), o);
                Node node = composer.getSingleNode();
                return node == null ? NO_DOCUMENT : node;
            } catch (MarkedYAMLException e) {
                Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
                if (mark != null && e.getProblem() != null && e.getProblem().contains("'<alias>'")) {
                    String fixed = dropTagBeforeAlias(text, mark);
                    if (fixed != null) {
                        text = fixed;
                        continue;
                    }
                }
                Position at = mark == null ? new Position(name, 1, 1)
                        : new Position(name, mark.getLine() + 1, mark.getColumn() + 1);
                String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
                problems.add(at, "invalid YAML: " + firstLine(problem));
                return null;
            } catch (YAMLException e) {
                problems.add(new Position(name, 1, 1), "invalid YAML: " + firstLine(e.getMessage()));
                return null;
            }
        }
        problems.add(new Position(name, 1, 1), "invalid YAML: too many tags in front of aliases");
        return null;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Replaces with spaces a "!Tag" written right before the alias at {@code mark}, or null. */
    private static String dropTagBeforeAlias(String text, Mark mark) {
        int lineStart = 0;
        for (int line = 0; line < mark.getLine(); line++) {
            lineStart = text.indexOf('\n', lineStart) + 1;
            if (lineStart == 0) {
                return null;
            }
        }
        int at;
        try {
            at = text.offsetByCodePoints(lineStart, mark.getColumn());
        } catch (IndexOutOfBoundsException e) {
            return null;
        }
        if (at >= text.length() || text.charAt(at) != '*') {
            return null;
        }
        int end = at;
        while (end > lineStart && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\t')) {
            end--;
        }
        int start = end;
        while (start > lineStart && !Character.isWhitespace(text.charAt(start - 1))) {
            start--;
        }
        if (start == end || text.charAt(start) != '!') {
            return null;
        }
        return text.substring(0, start) + " ".repeat(end - start) + text.substring(end);
    }

    private static String localTag(Tag tag) {
        String v = tag.getValue();
        return v.startsWith("!") ? v.substring(1) : null;
    }

    /** Walks one file's snakeyaml tree. */
    private final class Converter {
        private final Path file;
        private final String name;
        private final Map<Node, YNode> done = new IdentityHashMap<>();
        private final Set<Node> active = Collections.newSetFromMap(new IdentityHashMap<>());

        Converter(Path file, String name) {
            this.file = file;
            this.name = name;
        }

        private Position pos(Node n) {
            Mark m = n.getStartMark();
            return m == null ? new Position(name, 1, 1) : new Position(name, m.getLine() + 1, m.getColumn() + 1);
        }

        private YNode nothing(Position at) {
            return new YNode.Scalar(at, null, EMPTY, true);
        }

        YNode convert(Node n) {
            YNode known = done.get(n);
            if (known != null) {
                return known;
            }
            if (!active.add(n)) {
                problems.add(pos(n), "recursive alias: a value contains itself");
                return nothing(pos(n));
            }
            try {
                YNode result;
                if (n instanceof ScalarNode s) {
                    result = scalar(s);
                } else if (n instanceof SequenceNode s) {
                    result = sequence(s);
                } else {
                    result = mapping((MappingNode) n);
                }
                done.put(n, result);
                return result;
            } finally {
                active.remove(n);
            }
        }

        private YNode scalar(ScalarNode s) {
            String tag = localTag(s.getTag());
            if ("*Include".equals(tag)) {
                return include(s);
            }
            return new YNode.Scalar(pos(s), tag, s.getValue(), s.isPlain());
        }

        private YNode include(ScalarNode s) {
            Position at = pos(s);
            String rel = s.getValue();
            Path relPath;
            try {
                relPath = Path.of(rel);
            } catch (RuntimeException e) {
                relPath = null;
            }
            boolean plainRelative = relPath != null && !rel.isEmpty() && !relPath.isAbsolute();
            for (int i = 0; plainRelative && i < relPath.getNameCount(); i++) {
                String part = relPath.getName(i).toString();
                plainRelative = !part.equals("..") && !part.equals(".");
            }
            if (!plainRelative) {
                // vagga's rule: only relative paths without parent directories can be included.
                problems.add(at, "!*Include takes a relative path without \"..\", got \"" + rel + "\"");
                return nothing(at);
            }
            Path target = file.getParent().resolve(relPath).normalize();
            if (including.contains(target)) {
                List<Path> chain = new ArrayList<>(including);
                Collections.reverse(chain);
                chain.add(target);
                problems.add(at, "include cycle: " + chain.stream().map(YamlReader.this::displayName)
                        .collect(Collectors.joining(" -> ")));
                return nothing(at);
            }
            if (!Files.isRegularFile(target)) {
                problems.add(at, "cannot include \"" + rel + "\": no such file " + displayName(target));
                return nothing(at);
            }
            YNode included = read(target);
            return included == null ? nothing(at) : included;
        }

        private YNode sequence(SequenceNode s) {
            List<YNode> items = new ArrayList<>(s.getValue().size());
            for (Node item : s.getValue()) {
                items.add(convert(item));
            }
            String tag = localTag(s.getTag());
            if ("*Unpack".equals(tag)) {
                return unpack(pos(s), items);
            }
            return new YNode.Sequence(pos(s), tag, List.copyOf(items));
        }

        /** quire's !*Unpack: a list of lists becomes one list; a list of mappings one mapping. */
        private YNode unpack(Position at, List<YNode> parts) {
            if (parts.stream().allMatch(p -> p instanceof YNode.Mapping)) {
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
                    problems.add(p.position(), "!*Unpack expects lists (or mappings), found " + p.kind());
                }
            }
            return new YNode.Sequence(at, null, List.copyOf(items));
        }

        private YNode mapping(MappingNode m) {
            String tag = localTag(m.getTag());
            List<YNode.Entry> entries = new ArrayList<>();
            Set<String> keys = new HashSet<>();
            List<Node> merges = new ArrayList<>();
            boolean first = true;
            for (NodeTuple t : m.getValue()) {
                Node k = t.getKeyNode();
                if (Tag.MERGE.equals(k.getTag())) {
                    merges.add(t.getValueNode());
                    first = false;
                    continue;
                }
                if (!(k instanceof ScalarNode ks)) {
                    problems.add(pos(k), "a key must be a plain string, found "
                            + (k instanceof SequenceNode ? "a list" : "a mapping"));
                    first = false;
                    continue;
                }
                String keyTag = localTag(ks.getTag());
                if (keyTag != null) {
                    if (first && tag == null) {
                        // `- !Env HOME: /x`: YAML put the map's tag on its first key.
                        tag = keyTag;
                    } else {
                        problems.add(pos(ks), "unexpected tag !" + keyTag + " on the key \"" + ks.getValue() + "\"");
                    }
                }
                first = false;
                YNode.Scalar key = new YNode.Scalar(pos(ks), null, ks.getValue(), ks.isPlain());
                if (!keys.add(key.text())) {
                    problems.add(key.position(), "duplicate key \"" + key.text() + "\"");
                    continue;
                }
                entries.add(new YNode.Entry(key, convert(t.getValueNode())));
            }
            for (Node mergeNode : merges) {
                YNode source = convert(mergeNode);
                List<YNode> sources = source instanceof YNode.Sequence seq ? seq.items() : List.of(source);
                for (YNode src : sources) {
                    if (!(src instanceof YNode.Mapping map)) {
                        problems.add(src.position(), "a merge key (<<) takes a mapping or a list of mappings, found "
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
            return new YNode.Mapping(pos(m), tag, List.copyOf(entries));
        }
    }
}
