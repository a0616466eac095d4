// The declaration of the language and local build steps we build from a key table (vagga's option
// names, types and defaults, written once): the reader, the validator and BuildStep.Declared use it.
package vagga.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A declared step is read into {@link BuildStep.Declared}: a mapping step into a map holding every
 * declared key (defaults filled in, vagga's dashed spelling), a list step into a list of strings, a
 * scalar step into its string. Booleans and numbers keep their text ("true", "0"), checked here.
 */
final class StepKeys {
    /** vagga's default script of !TarInstall and !GitInstall. */
    static final String CONFIGURE_SCRIPT = "./configure --prefix=/usr\nmake\nmake install\n";

    enum Type { STRING, BOOL, INT, STRINGS, INTS, ABSOLUTE, RELATIVE, SOURCE }

    /** One key: its type, its default (null: none), and whether it must be given. */
    record Key(String name, Type type, Object dflt, boolean required) {}

    /** What a step's value is: a mapping of keys, a list of strings, a string, a path map. */
    enum Shape { STRUCT, LIST, STRING, PATH_MAP }

    /**
     * {@code scalar}: for a mapping step that may also be written as one string (vagga's parser
     * for it), the keys that string stands for; null when the step takes no string.
     */
    record Step(Shape shape, List<Key> keys, String dflt, Function<String, Map<String, String>> scalar) {}

    private static Key req(String name, Type type) {
        return new Key(name, type, null, true);
    }

    private static Key opt(String name, Type type) {
        return new Key(name, type, null, false);
    }

    private static Key dflt(String name, Type type, Object value) {
        return new Key(name, type, value, false);
    }

    private static Step struct(Key... keys) {
        return new Step(Shape.STRUCT, List.of(keys), null, null);
    }

    /** A mapping step that may also be one string, read by {@code scalar}. */
    private static Step struct(Function<String, Map<String, String>> scalar, Key... keys) {
        return new Step(Shape.STRUCT, List.of(keys), null, scalar);
    }

    // anonymous classes, not lambdas: linking a lambda costs a cold JVM ~1 ms each (a rebuild reads these)
    private static final Function<String, Map<String, String>> OUTPUT_FILE = new Function<>() {
        @Override
        public Map<String, String> apply(String s) {
            return Map.of("output-file", s);
        }
    };
    private static final Function<String, Map<String, String>> DOCKER_REFERENCE = new Function<>() {
        @Override
        public Map<String, String> apply(String s) {
            return DockerReference.parse(s);
        }
    };

    private static final Step LIST = new Step(Shape.LIST, List.of(), null, null);
    private static final Step REQUIREMENTS = new Step(Shape.STRING, List.of(), "requirements.txt", null);

    static final Map<String, Step> STEPS = Map.ofEntries(
            Map.entry("TarInstall", struct(req("url", Type.STRING), opt("sha256", Type.STRING),
                    opt("subdir", Type.RELATIVE), dflt("script", Type.STRING, CONFIGURE_SCRIPT))),
            Map.entry("Unzip", struct(req("url", Type.STRING), opt("sha256", Type.STRING),
                    dflt("path", Type.ABSOLUTE, "/"), dflt("subdir", Type.RELATIVE, ""))),
            Map.entry("Git", struct(req("url", Type.STRING), opt("revision", Type.STRING),
                    opt("branch", Type.STRING), req("path", Type.ABSOLUTE))),
            Map.entry("GitInstall", struct(req("url", Type.STRING), opt("revision", Type.STRING),
                    opt("branch", Type.STRING), dflt("subdir", Type.RELATIVE, "."),
                    dflt("script", Type.STRING, CONFIGURE_SCRIPT))),
            // a bare string is the output-file (vagga's parser for this step)
            Map.entry("GitDescribe", struct(OUTPUT_FILE, dflt("repo", Type.STRING, "/work"),
                    opt("pattern", Type.STRING), opt("output-file", Type.ABSOLUTE))),
            // `!DockerImage python:3.11` is read by vagga's image parser (DockerReference)
            Map.entry("DockerImage", struct(DOCKER_REFERENCE, dflt("registry", Type.STRING,
                    DockerReference.DEFAULT_REGISTRY), req("image", Type.STRING),
                    dflt("tag", Type.STRING, DockerReference.DEFAULT_TAG), opt("insecure", Type.BOOL),
                    dflt("path", Type.ABSOLUTE, "/"))),
            Map.entry("Build", struct(req("container", Type.STRING), dflt("source", Type.ABSOLUTE, "/"),
                    opt("path", Type.ABSOLUTE), opt("temporary-mount", Type.ABSOLUTE),
                    dflt("content-hash", Type.BOOL, "false"))),
            Map.entry("RunAs", struct(req("script", Type.STRING), dflt("user-id", Type.INT, "0"),
                    dflt("group-id", Type.INT, "0"), dflt("supplementary-gids", Type.INTS, List.of()),
                    opt("external-user-id", Type.INT), dflt("work-dir", Type.ABSOLUTE, "/work"),
                    dflt("isolate-network", Type.BOOL, "false"))),
            Map.entry("SubConfig", struct(dflt("source", Type.SOURCE, Map.of("kind", "Directory")),
                    dflt("path", Type.RELATIVE, "vagga.yaml"), req("container", Type.STRING),
                    opt("cache", Type.BOOL))),
            Map.entry("CacheDirs", new Step(Shape.PATH_MAP, List.of(), null, null)),
            Map.entry("PipConfig", struct(dflt("dependencies", Type.BOOL, "false"),
                    dflt("cache-wheels", Type.BOOL, "true"), dflt("find-links", Type.STRINGS, List.of()),
                    dflt("index-urls", Type.STRINGS, List.of()), dflt("trusted-hosts", Type.STRINGS, List.of()),
                    opt("python-exe", Type.STRING), dflt("install-python", Type.BOOL, "true"),
                    dflt("allow-pre-releases", Type.BOOL, "false"), dflt("pip-deps", Type.STRINGS, List.of()))),
            Map.entry("Py2Install", LIST), Map.entry("Py3Install", LIST),
            Map.entry("Py2Requirements", REQUIREMENTS), Map.entry("Py3Requirements", REQUIREMENTS),
            Map.entry("NpmConfig", struct(dflt("npm-exe", Type.STRING, "npm"),
                    dflt("yarn-exe", Type.STRING, "/usr/bin/yarn"), opt("yarn-version", Type.STRING),
                    dflt("install-node", Type.BOOL, "true"), dflt("install-yarn", Type.BOOL, "true"))),
            Map.entry("NpmInstall", LIST),
            Map.entry("NpmDependencies", struct(dflt("file", Type.STRING, "package.json"),
                    dflt("package", Type.BOOL, "true"), dflt("dev", Type.BOOL, "true"),
                    dflt("peer", Type.BOOL, "false"), dflt("bundled", Type.BOOL, "true"),
                    dflt("optional", Type.BOOL, "false"))),
            Map.entry("YarnDependencies", struct(dflt("dir", Type.RELATIVE, "."),
                    dflt("production", Type.BOOL, "false"), dflt("optional", Type.BOOL, "false"))),
            Map.entry("ComposerConfig", struct(dflt("install-runtime", Type.BOOL, "true"),
                    dflt("install-dev", Type.BOOL, "false"), opt("runtime-exe", Type.STRING),
                    opt("include-path", Type.STRING), dflt("keep-composer", Type.BOOL, "false"),
                    opt("vendor-dir", Type.ABSOLUTE))),
            Map.entry("ComposerInstall", LIST),
            Map.entry("ComposerDependencies", struct(opt("working-dir", Type.RELATIVE),
                    dflt("dev", Type.BOOL, "true"), opt("prefer", Type.STRING),
                    dflt("ignore-platform-reqs", Type.BOOL, "false"), dflt("no-autoloader", Type.BOOL, "false"),
                    dflt("no-scripts", Type.BOOL, "false"), dflt("no-plugins", Type.BOOL, "false"),
                    dflt("optimize-autoloader", Type.BOOL, "false"),
                    dflt("classmap-authoritative", Type.BOOL, "false"))),
            Map.entry("GemConfig", struct(dflt("install-ruby", Type.BOOL, "true"), opt("gem-exe", Type.STRING),
                    dflt("update-gem", Type.BOOL, "true"))),
            Map.entry("GemInstall", LIST),
            Map.entry("GemBundle", struct(dflt("gemfile", Type.RELATIVE, "Gemfile"),
                    dflt("without", Type.STRINGS, List.of()), opt("trust-policy", Type.STRING))));

    private final Problems problems;

    StepKeys(Problems problems) {
        this.problems = problems;
    }

    static Map<String, Object> defaults(String tag) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Key k : STEPS.get(tag).keys()) {
            out.put(k.name(), k.dflt());
        }
        return Collections.unmodifiableMap(out);
    }

    static boolean declares(String tag) {
        return STEPS.containsKey(tag);
    }

    /** Reads a declared step; null (with problems recorded) when it is invalid. */
    BuildStep.Declared read(YNode v, String tag) {
        Step step = STEPS.get(tag);
        String what = "!" + tag;
        int before = problemCount();
        Object value = switch (step.shape()) {
            case LIST -> YNode.isNull(v) ? List.of() : v instanceof YNode.Sequence
                    ? Fields.strings(v, what, problems) : shape(v, tag, "a list of strings");
            case STRING -> v instanceof YNode.Scalar s
                    ? (s.isNull() || s.text().isEmpty() ? step.dflt() : s.text())
                    : shape(v, tag, "a file name");
            case PATH_MAP -> pathMap(v, tag);
            case STRUCT -> step.scalar() != null && v instanceof YNode.Scalar s && !s.isNull()
                    ? struct(fromScalar(s, step), step, what)
                    : YNode.isNull(v) || v instanceof YNode.Mapping ? struct(v, step, what)
                    : shape(v, tag, step.scalar() != null ? "a string or a mapping" : "a mapping");
        };
        return value == null || problemCount() > before ? null : new BuildStep.Declared(v.position(), tag, value);
    }

    private int problemCount() {
        return problems.count();
    }

    private Object shape(YNode v, String tag, String expected) {
        problems.add(v.position(), "!" + tag + " takes " + expected + ", found " + v.kind());
        return null;
    }

    private Object pathMap(YNode v, String tag) {
        if (YNode.isNull(v)) {
            return Map.of();
        }
        if (!(v instanceof YNode.Mapping map)) {
            return shape(v, tag, "a mapping of absolute paths to cache names");
        }
        for (YNode.Entry e : map.entries()) {
            if (!e.key().text().startsWith("/")) {
                problems.add(e.key().position(), "!" + tag + " path \"" + e.key().text() + "\" must be absolute");
            }
        }
        return Fields.stringMap(v, "!" + tag, problems);
    }

    /** The mapping a step's one string stands for, every value at the string's position. */
    private static YNode.Mapping fromScalar(YNode.Scalar s, Step step) {
        List<YNode.Entry> entries = new ArrayList<>();
        for (Map.Entry<String, String> e : step.scalar().apply(s.text()).entrySet()) {
            entries.add(new YNode.Entry(new YNode.Scalar(s.position(), null, e.getKey(), false),
                    new YNode.Scalar(s.position(), null, e.getValue(), false)));
        }
        return new YNode.Mapping(s.position(), s.tag(), entries);
    }

    /** Every declared key, in declaration order. */
    private Object struct(YNode v, Step step, String what) {
        List<String> names = new ArrayList<>(step.keys().size());
        for (Key k : step.keys()) {
            names.add(k.name());
        }
        Fields f = Fields.of(v, what, names, problems);
        Map<String, Object> out = new LinkedHashMap<>();
        for (Key k : step.keys()) {
            YNode node = f.get(k.name());
            // a tagged nothing (`source: !Directory`) is a value
            if (YNode.isNull(node) && (node == null || node.tag() == null)) {
                if (k.required()) {
                    f.required(k.name());
                }
                out.put(k.name(), k.dflt());
                continue;
            }
            out.put(k.name(), value(node, k, what));
        }
        return Collections.unmodifiableMap(out);
    }

    private Object value(YNode node, Key k, String what) {
        String where = what + " " + k.name();
        switch (k.type()) {
            case BOOL:
                return Boolean.toString(Fields.bool(node, where, problems));
            case INT:
                return Long.toString(Fields.number(node, where, 0, 0xFFFFFFFFL, problems));
            case STRINGS:
                return Fields.strings(node, where, problems);
            case INTS: {
                List<String> out = new ArrayList<>();
                if (node instanceof YNode.Sequence seq) {
                    for (YNode item : seq.items()) {
                        out.add(Long.toString(Fields.number(item, where, 0, 0xFFFFFFFFL, problems)));
                    }
                } else {
                    problems.add(node.position(), where + " must be a list of numbers, found " + node.kind());
                }
                return List.copyOf(out);
            }
            case SOURCE:
                return source(node, where);
            default: {
                String text = Fields.text(node, where, problems);
                if (text == null) {
                    return null;
                }
                if (k.type() == Type.ABSOLUTE && !text.startsWith("/")) {
                    problems.add(node.position(), k.name() + " \"" + text + "\" must be absolute");
                }
                if (k.type() == Type.RELATIVE && text.startsWith("/")) {
                    problems.add(node.position(), k.name() + " \"" + text + "\" must be relative");
                }
                return text;
            }
        }
    }

    /** !SubConfig's source: !Directory, !Container NAME or !Git {url, revision, branch}. */
    private Object source(YNode node, String where) {
        String tag = node.tag();
        if ("Directory".equals(tag) && YNode.isNull(node)) {
            return Map.of("kind", "Directory");
        }
        if ("Container".equals(tag) && node instanceof YNode.Scalar s && !s.isNull()) {
            return Map.of("kind", "Container", "name", s.text());
        }
        if ("Git".equals(tag) && node instanceof YNode.Mapping) {
            Fields f = Fields.of(node, "!Git", List.of("url", "revision", "branch"), problems);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("kind", "Git");
            out.put("url", f.requiredString("url"));
            out.put("revision", f.string("revision", null));
            out.put("branch", f.string("branch", null));
            return Collections.unmodifiableMap(out);
        }
        problems.add(node.position(), where + " takes !Directory, !Container NAME or !Git {url: ...}, found "
                + (tag == null ? node.kind() : "!" + tag));
        return null;
    }
}
