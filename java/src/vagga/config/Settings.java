// The user's vagga settings: every key vagga knows (and ours), read from vagga's files in vagga's order.
package vagga.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * As vagga ({@code src/config/read_settings.rs}), lowest to highest:
 * <ol>
 * <li>the global files {@code ~/.config/vagga/settings.yaml}, {@code ~/.vagga/settings.yaml},
 *     {@code ~/.vagga.yaml}, then the {@code VAGGA_SETTINGS} variable (YAML text); each may hold
 *     every setting, and {@code site-settings: {/project/root: {...}}} whose entry for this
 *     project applies right after the file's own keys;</li>
 * <li>the project-local files {@code .vagga.settings.yaml}, {@code .vagga/settings.yaml}, which
 *     may hold only the settings {@link Key#local} marks (a project must not, say, bind a host
 *     directory through {@code external-volumes}).</li>
 * </ol>
 * A later value wins per key; maps ({@code external-volumes}, {@code environ}, ...) merge per entry
 * and lists ({@code propagate-environ}) accumulate. A key may be spelled with "-" or "_".
 * An unknown key, or a global-only key in a project file, is a warning (vagga refuses the file; a
 * typo there should not stop a run, but must not pass unnoticed either). A value of the wrong
 * shape is an error naming its place, as in vagga.yaml.
 */
public final class Settings {
    /** What a setting holds. */
    enum Kind { FLAG, TEXT, PATH, VOLUMES, MAP, LIST }

    /**
     * One setting, declared once: its spelling, shape, whether project-local files may set it,
     * and its value when nobody sets it.
     */
    record Key(String name, Kind kind, boolean local, Object fallback) {}

    /** Every setting vagga 0.8 reads, then ours ({@code debian-mirror}, {@code ubuntu-base-url}, {@code prefix-output}). */
    static final List<Key> KEYS = List.of(
            new Key("storage-dir", Kind.PATH, false, null),
            new Key("storage-subdir-from-env-var", Kind.TEXT, false, null),
            new Key("cache-dir", Kind.PATH, false, null),
            new Key("shared-cache", Kind.FLAG, true, false),
            new Key("version-check", Kind.FLAG, true, true),
            new Key("proxy-env-vars", Kind.FLAG, false, true),
            new Key("ubuntu-mirror", Kind.TEXT, true, null),
            new Key("ubuntu-skip-locking", Kind.FLAG, true, false),
            new Key("versioned-build-dir", Kind.FLAG, true, false),
            new Key("alpine-mirror", Kind.TEXT, true, null),
            new Key("external-volumes", Kind.VOLUMES, false, Map.of()),
            new Key("push-image-script", Kind.TEXT, false, null),
            new Key("build-lock-wait", Kind.FLAG, true, false),
            new Key("auto-apply-sysctl", Kind.FLAG, false, false),
            new Key("index-all-images", Kind.FLAG, false, false),
            new Key("hard-link-identical-files", Kind.FLAG, false, false),
            new Key("hard-link-between-projects", Kind.FLAG, false, false),
            new Key("run-symlinks-as-commands", Kind.FLAG, true, true),
            new Key("disable-auto-clean", Kind.FLAG, true, false),
            new Key("environ", Kind.MAP, true, Map.of()),
            new Key("propagate-environ", Kind.LIST, false, List.of()),
            new Key("docker-insecure-registries", Kind.LIST, false, List.of("localhost")),
            new Key("docker-registry-aliases", Kind.MAP, false, Map.of("docker.io", "registry-1.docker.io")),
            new Key("debian-mirror", Kind.TEXT, true, null),
            new Key("ubuntu-base-url", Kind.TEXT, true, null),
            new Key("prefix-output", Kind.FLAG, true, false),
            new Key("saved-steps", Kind.TEXT, true, "3"));

    private static final String SITE_SETTINGS = "site-settings";
    private static final String GLOBAL_FILES = "~/.config/vagga/settings.yaml, ~/.vagga/settings.yaml, "
            + "~/.vagga.yaml or VAGGA_SETTINGS";

    private final Map<String, Object> values;
    private final List<String> warnings;

    private Settings(Map<String, Object> values, List<String> warnings) {
        this.values = values;
        this.warnings = List.copyOf(warnings);
    }

    /** Nobody's settings: every default. */
    public static Settings defaults() {
        return new Settings(defaultValues(), List.of());
    }

    private static Map<String, Object> defaultValues() {
        Map<String, Object> v = new LinkedHashMap<>();
        for (Key k : KEYS) {
            v.put(k.name(), k.fallback());
        }
        return v;
    }

    private static Settings memo;
    private static List<Object> memoKey;

    /**
     * The settings of this run, read once: the same arguments give the same object (so every part
     * of vagga that needs a setting may ask without re-reading the files). {@code HOME} comes from
     * {@code env} as in vagga, else the account's home directory.
     */
    public static synchronized Settings forRun(Map<String, String> env, Path projectRoot) throws ConfigException {
        String home = env.get("HOME");
        if (home == null || home.isEmpty()) {
            home = System.getProperty("user.home");
        }
        Path homeDir = home == null || home.isEmpty() || home.equals("?") ? null : Path.of(home);
        List<Object> key = java.util.Arrays.asList(homeDir, env.get("VAGGA_SETTINGS"), projectRoot);
        if (memo != null && key.equals(memoKey)) {
            return memo;
        }
        memo = load(env, homeDir, projectRoot);
        memoKey = key;
        return memo;
    }

    /** The global settings only (no project): what {@link #load(Map, Path, Path)} reads without one. */
    public static Settings load(Map<String, String> env, Path home) throws ConfigException {
        return load(env, home, null);
    }

    /**
     * Reads every settings source in vagga's order.
     * @param home        the user's home (null: no global files)
     * @param projectRoot the project (null: no site-settings entry, no project-local files)
     * @throws ConfigException a file that is not YAML, or a value of the wrong shape, each with its place
     */
    public static Settings load(Map<String, String> env, Path home, Path projectRoot) throws ConfigException {
        Path project = projectRoot == null ? null : projectRoot.toAbsolutePath().normalize();
        List<SettingsCache.Source> sources = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        if (home != null) {
            for (String name : List.of(".config/vagga/settings.yaml", ".vagga/settings.yaml", ".vagga.yaml")) {
                Path file = home.resolve(name);
                source(sources, unreadable, file, file.toString(), true);
            }
        }
        String inline = env.get("VAGGA_SETTINGS");
        if (inline != null && !inline.isBlank()) {
            sources.add(new SettingsCache.Source("VAGGA_SETTINGS", inline, true));
        }
        if (project != null) {
            for (String name : List.of(".vagga.settings.yaml", ".vagga/settings.yaml")) {
                source(sources, unreadable, project.resolve(name), name, false);
            }
        }
        if (sources.isEmpty() && unreadable.isEmpty()) {
            return defaults(); // nobody's settings: nothing to parse, nothing to cache
        }
        SettingsCache cache = unreadable.isEmpty() ? SettingsCache.forPlace(home, project) : null;
        if (cache != null) {
            Map.Entry<Map<String, Object>, List<String>> known = cache.read(sources);
            if (known != null) {
                return new Settings(known.getKey(), known.getValue());
            }
        }
        Reading r = new Reading(home, project);
        for (SettingsCache.Source source : sources) {
            r.text(source.text(), source.where(), source.global());
        }
        r.problems.addAll(unreadable);
        if (!r.problems.isEmpty()) {
            throw new ConfigException(r.problems);
        }
        if (cache != null) {
            cache.write(sources, r.values, r.warnings);
        }
        return new Settings(r.values, r.warnings);
    }

    /** A settings file's text, when the file is there; a problem when it cannot be read. */
    private static void source(List<SettingsCache.Source> sources, List<String> unreadable, Path file, String where,
            boolean global) {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            sources.add(new SettingsCache.Source(where, Files.readString(file), global));
        } catch (IOException e) {
            unreadable.add(where + ": cannot read: " + e.getMessage());
        }
    }

    /** Lines for stderr ({@code vagga: warning: <line>}): unknown keys, misplaced keys, unused keys. */
    public List<String> warnings() {
        return warnings;
    }

    // ---- typed views, one per setting ----

    public Path storageDir() {
        return (Path) values.get("storage-dir");
    }

    public String storageSubdirFromEnvVar() {
        return (String) values.get("storage-subdir-from-env-var");
    }

    public Path cacheDir() {
        return (Path) values.get("cache-dir");
    }

    /** True when the build cache is {@link #cacheDir()} (vagga: setting cache-dir implies it). */
    public boolean sharedCache() {
        return flag("shared-cache");
    }

    public boolean versionCheck() {
        return flag("version-check");
    }

    public boolean proxyEnvVars() {
        return flag("proxy-env-vars");
    }

    public String ubuntuMirror() {
        return (String) values.get("ubuntu-mirror");
    }

    public boolean ubuntuSkipLocking() {
        return flag("ubuntu-skip-locking");
    }

    public boolean versionedBuildDir() {
        return flag("versioned-build-dir");
    }

    public String alpineMirror() {
        return (String) values.get("alpine-mirror");
    }

    public String debianMirror() {
        return (String) values.get("debian-mirror");
    }

    /** Ours: where Ubuntu base images are looked up (a copy of cdimage.ubuntu.com/ubuntu-base/releases). */
    public String ubuntuBaseUrl() {
        return (String) values.get("ubuntu-base-url");
    }

    @SuppressWarnings("unchecked")
    public Map<String, Path> externalVolumes() {
        return (Map<String, Path>) values.get("external-volumes");
    }

    public String pushImageScript() {
        return (String) values.get("push-image-script");
    }

    public boolean buildLockWait() {
        return flag("build-lock-wait");
    }

    public boolean autoApplySysctl() {
        return flag("auto-apply-sysctl");
    }

    public boolean indexAllImages() {
        return flag("index-all-images");
    }

    public boolean hardLinkIdenticalFiles() {
        return flag("hard-link-identical-files");
    }

    public boolean hardLinkBetweenProjects() {
        return flag("hard-link-between-projects");
    }

    public boolean runSymlinksAsCommands() {
        return flag("run-symlinks-as-commands");
    }

    public boolean disableAutoClean() {
        return flag("disable-auto-clean");
    }

    /** Variables that override the container's and the command's environ (vagga's precedence). */
    @SuppressWarnings("unchecked")
    public Map<String, String> environ() {
        return (Map<String, String>) values.get("environ");
    }

    /** Names and {@code PREFIX_*} patterns of caller variables passed into every container. */
    @SuppressWarnings("unchecked")
    public List<String> propagateEnviron() {
        return (List<String>) values.get("propagate-environ");
    }

    @SuppressWarnings("unchecked")
    public List<String> dockerInsecureRegistries() {
        return (List<String>) values.get("docker-insecure-registries");
    }

    @SuppressWarnings("unchecked")
    public Map<String, String> dockerRegistryAliases() {
        return (Map<String, String>) values.get("docker-registry-aliases");
    }

    public boolean prefixOutput() {
        return flag("prefix-output");
    }

    /** Ours: how many roots saved after a build step are kept per container (0: none are saved). */
    public String savedSteps() {
        return (String) values.get("saved-steps");
    }

    /** True when a caller variable is named by {@code propagate-environ} ({@code *} matches any text). */
    public boolean propagates(String variable) {
        for (String pattern : propagateEnviron()) {
            if (globMatches(pattern, variable)) {
                return true;
            }
        }
        return false;
    }

    private static boolean globMatches(String pattern, String text) {
        List<String> parts = new ArrayList<>();
        for (String part : pattern.split("\\*", -1)) {
            parts.add(java.util.regex.Pattern.quote(part));
        }
        return text.matches(String.join(".*", parts));
    }

    private boolean flag(String name) {
        return (Boolean) values.get(name);
    }

    /** The state of one {@link #load} call: merged values so far, and what was found wrong. */
    private static final class Reading {
        final Path home;
        final Path project;
        final Map<String, Object> values = defaultValues();
        final List<String> problems = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();

        Reading(Path home, Path project) {
            this.home = home;
            this.project = project;
        }

        void text(String text, String where, boolean global) {
            Node doc;
            try {
                // what Yaml.compose does, without the Yaml object's constructor and representer (and
                // the java.util.logging start-up their type descriptions cost: ~40 ms of CPU)
                LoaderOptions options = new LoaderOptions();
                doc = new Composer(new ParserImpl(new StreamReader(new StringReader(text)), options),
                        new Resolver(), options).getSingleNode();
            } catch (RuntimeException e) {
                String msg = e.getMessage() == null ? e.toString() : e.getMessage();
                problems.add(where + ": invalid YAML: " + msg.lines().findFirst().orElse(""));
                return;
            }
            if (doc == null || isNull(doc)) {
                return;
            }
            if (!(doc instanceof MappingNode map)) {
                problems.add(at(where, doc) + "settings must be a mapping, found " + kind(doc));
                return;
            }
            MappingNode site = apply(map, where, global, true);
            if (site != null && project != null) {
                for (NodeTuple t : site.getValue()) {
                    String path = scalar(t.getKeyNode());
                    if (path != null && expand(path) != null
                            && Path.of(expand(path)).toAbsolutePath().normalize().equals(project)) {
                        if (t.getValueNode() instanceof MappingNode entry) {
                            apply(entry, where, true, false);
                        } else if (!isNull(t.getValueNode())) {
                            problems.add(at(where, t.getValueNode()) + "site-settings \"" + path
                                    + "\" must be a mapping, found " + kind(t.getValueNode()));
                        }
                    }
                }
            }
        }

        /** Applies one mapping's keys; returns its site-settings mapping when it may have one. */
        private MappingNode apply(MappingNode map, String where, boolean global, boolean top) {
            MappingNode site = null;
            for (NodeTuple t : map.getValue()) {
                String raw = scalar(t.getKeyNode());
                if (raw == null || raw.startsWith("_")) {
                    continue;
                }
                String name = Fields.normalize(raw);
                Node value = t.getValueNode();
                if (name.equals(SITE_SETTINGS) && global && top) {
                    if (value instanceof MappingNode m) {
                        site = m;
                    } else if (!isNull(value)) {
                        problems.add(at(where, value) + "site-settings must be a mapping of project paths"
                                + " to settings, found " + kind(value));
                    }
                    continue;
                }
                Key key = KEYS.stream().filter(k -> k.name().equals(name)).findFirst().orElse(null);
                if (key == null) {
                    warnings.add(at(where, t.getKeyNode()) + "unknown setting \"" + raw + "\", ignored"
                            + " (expected one of: " + String.join(", ", known(global && top)) + ")");
                    continue;
                }
                if (!global && !key.local()) {
                    warnings.add(at(where, t.getKeyNode()) + "setting \"" + raw + "\" is read only from the"
                            + " global settings (" + GLOBAL_FILES + "), ignored in a project's settings file");
                    continue;
                }
                if (isNull(value)) {
                    continue;
                }
                set(key, value, where);
            }
            return site;
        }

        private void set(Key key, Node value, String where) {
            String name = key.name();
            switch (key.kind()) {
                case FLAG -> {
                    Boolean b = bool(value);
                    if (b == null) {
                        problems.add(at(where, value) + "setting \"" + name + "\" must be true or false, found "
                                + describe(value));
                    } else {
                        values.put(name, b);
                    }
                }
                case TEXT -> {
                    String s = scalar(value);
                    if (s == null) {
                        problems.add(at(where, value) + "setting \"" + name + "\" must be a string, found "
                                + kind(value));
                    } else {
                        values.put(name, s);
                    }
                }
                case PATH -> {
                    String s = scalar(value);
                    String expanded = s == null ? null : expand(s);
                    if (s == null) {
                        problems.add(at(where, value) + "setting \"" + name + "\" must be a path, found " + kind(value));
                    } else if (expanded == null) {
                        problems.add(at(where, value) + "Can't expand tilde `~` in " + name + ": no HOME found");
                    } else if (!expanded.startsWith("/")) {
                        problems.add(at(where, value) + "setting \"" + name + "\": path " + s
                                + " is not absolute (write /... or ~/...)");
                    } else {
                        values.put(name, Path.of(expanded));
                        if (name.equals("cache-dir")) {
                            values.put("shared-cache", true); // as vagga: a cache-dir is shared
                        }
                    }
                }
                case VOLUMES -> {
                    Map<String, Path> merged = new LinkedHashMap<>(castPaths(values.get(name)));
                    for (Map.Entry<Node, Node> e : entries(value, name, where).entrySet()) {
                        String volume = scalar(e.getKey());
                        String path = scalar(e.getValue());
                        String expanded = path == null ? null : expand(path);
                        if (path == null || expanded == null || !expanded.startsWith("/")) {
                            problems.add(at(where, e.getValue()) + "external volume \"" + volume + "\": path "
                                    + (path == null ? kind(e.getValue()) : path) + " is not absolute");
                        } else {
                            merged.put(volume, Path.of(expanded));
                        }
                    }
                    values.put(name, Collections.unmodifiableMap(merged));
                }
                case MAP -> {
                    Map<String, String> merged = new LinkedHashMap<>(castStrings(values.get(name)));
                    for (Map.Entry<Node, Node> e : entries(value, name, where).entrySet()) {
                        String v = scalar(e.getValue());
                        if (v == null) {
                            problems.add(at(where, e.getValue()) + "setting \"" + name + "\": the value of \""
                                    + scalar(e.getKey()) + "\" must be a string, found " + kind(e.getValue()));
                        } else {
                            merged.put(scalar(e.getKey()), v);
                        }
                    }
                    values.put(name, Collections.unmodifiableMap(merged));
                }
                case LIST -> {
                    if (!(value instanceof SequenceNode seq)) {
                        problems.add(at(where, value) + "setting \"" + name + "\" must be a list, found " + kind(value));
                        return;
                    }
                    Set<String> merged = new LinkedHashSet<>(castList(values.get(name)));
                    for (Node item : seq.getValue()) {
                        String s = scalar(item);
                        if (s == null) {
                            problems.add(at(where, item) + "setting \"" + name + "\": items must be strings, found "
                                    + kind(item));
                        } else {
                            merged.add(s);
                        }
                    }
                    values.put(name, List.copyOf(merged));
                }
            }
        }

        private Map<Node, Node> entries(Node value, String name, String where) {
            Map<Node, Node> out = new LinkedHashMap<>();
            if (!(value instanceof MappingNode m)) {
                problems.add(at(where, value) + "setting \"" + name + "\" must be a mapping, found " + kind(value));
                return out;
            }
            for (NodeTuple t : m.getValue()) {
                if (scalar(t.getKeyNode()) == null) {
                    problems.add(at(where, t.getKeyNode()) + "setting \"" + name + "\": keys must be strings");
                } else {
                    out.put(t.getKeyNode(), t.getValueNode());
                }
            }
            return out;
        }

        /** {@code ~/x} under the home directory (vagga: storage-dir, cache-dir); null when there is none. */
        private String expand(String path) {
            if (path.equals("~") || path.startsWith("~/")) {
                return home == null ? null : home + path.substring(1);
            }
            return path;
        }
    }

    private static List<String> known(boolean withSite) {
        Set<String> names = new TreeSet<>();
        KEYS.forEach(k -> names.add(k.name()));
        if (withSite) {
            names.add(SITE_SETTINGS);
        }
        return new ArrayList<>(names);
    }

    private static String at(String where, Node node) {
        Mark m = node.getStartMark();
        return m == null ? where + ": " : where + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1) + ": ";
    }

    private static String scalar(Node node) {
        return node instanceof ScalarNode s ? s.getValue() : null;
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode s && s.getTag().getValue().endsWith(":null");
    }

    private static Boolean bool(Node node) {
        String s = scalar(node);
        if (s == null) {
            return null;
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> null;
        };
    }

    private static String kind(Node node) {
        return node instanceof MappingNode ? "a mapping" : node instanceof SequenceNode ? "a list" : "a string";
    }

    private static String describe(Node node) {
        String s = scalar(node);
        return s == null ? kind(node) : "\"" + s + "\"";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Path> castPaths(Object o) {
        return (Map<String, Path>) o;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> castStrings(Object o) {
        return (Map<String, String>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<String> castList(Object o) {
        return (List<String>) o;
    }
}
