// Reads one YAML tree into containers and commands (SPEC 1.2-1.5) through the records' schemas.
package vagga.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

final class ConfigReader {
    static final List<String> TOP_KEYS = List.of("containers", "commands", "minimum-vagga", "mixins");
    static final long MAX_ID = 1L << 30;

    /** Keys every top-level command kind and every child accepts (some kept, some only type-checked). */
    static final Schema.Key[] ACCEPTED_EVERYWHERE = {
        Schema.string("banner", null).accepted(),
        Schema.number("banner-delay", 0, 0, Integer.MAX_VALUE).accepted(),
        // kept by every command kind (vagga's MainCommand::system() and link())
        Schema.number("expect-inotify-limit", 0, 0, Long.MAX_VALUE),
        Schema.string("symlink-name", null),
        Schema.string("link-as", null).accepted(),
        Schema.bool("linked-path-translation", false).accepted(),
    };

    /** What one file defines, before mixins are merged in. */
    record Parts(Map<String, Container> containers, Map<String, CommandDef> commands, List<YNode.Scalar> mixins) {}

    private final Problems problems;

    ConfigReader(Problems problems) {
        this.problems = problems;
    }

    Parts read(YNode root) {
        Fields top = Fields.of(root, "the config", TOP_KEYS, problems);
        // minimum-vagga: any string form (v0.7.0, 0.7.1, v0.5.0-120-g42de958), compared with vagga's rules
        String minimum = top.string("minimum-vagga", null);
        if (minimum != null && top.get("minimum-vagga") instanceof YNode.Scalar s) {
            String upgrade = MinimumVagga.check(minimum);
            if (upgrade != null) {
                problems.addFirst(s.position(), upgrade);
            }
        }
        List<YNode.Scalar> mixins = new ArrayList<>();
        YNode m = top.get("mixins");
        if (!YNode.isNull(m)) {
            Fields.strings(m, "mixins", problems);
            if (m instanceof YNode.Sequence seq) {
                seq.items().stream().filter(i -> i instanceof YNode.Scalar s && !s.isNull())
                        .forEach(i -> mixins.add((YNode.Scalar) i));
            }
        }
        return new Parts(containers(top.get("containers")), commands(top.get("commands")), List.copyOf(mixins));
    }

    private Map<String, Container> containers(YNode node) {
        Map<String, Container> out = new LinkedHashMap<>();
        for (YNode.Entry e : named(node, "containers", problems)) {
            String name = e.key().text();
            Container c = Container.Keys.CONTAINER.read(e.value(), "a container", problems, name);
            for (BuildStep s : c.setup()) {
                if (s instanceof BuildStep.HostRoot && c.setup().size() > 1) {
                    problems.add(s.position(), "!HostRoot must be the only setup step of container \"" + name + "\"");
                }
            }
            out.put(name, c);
        }
        return out;
    }

    private static List<YNode.Entry> named(YNode node, String what, Problems problems) {
        if (YNode.isNull(node)) {
            return List.of();
        }
        if (!(node instanceof YNode.Mapping map)) {
            problems.add(node.position(), what + " must be a mapping of names, found " + node.kind());
            return List.of();
        }
        return map.entries();
    }

    /** An id or a range of ids: digits, or digits-digits. (Not a regex: compiling one costs a cold parse ~10 ms.) */
    static boolean idRange(String text) {
        int dash = text.indexOf('-');
        return dash < 0 ? digits(text, 0, text.length())
                : digits(text, 0, dash) && digits(text, dash + 1, text.length());
    }

    private static boolean digits(String text, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** uids, gids: ids or ranges like 0-65535. */
    static List<String> idRanges(Fields f, String key) {
        List<String> ranges = f.strings(key);
        if (f.get(key) instanceof YNode.Sequence seq) {
            for (YNode item : seq.items()) {
                if (item instanceof YNode.Scalar s && !idRange(s.text())) {
                    f.problems().add(s.position(), key + " items are ids or ranges like 0-65535, found \"" + s.text() + "\"");
                }
            }
        }
        return ranges;
    }

    private Map<String, CommandDef> commands(YNode node) {
        Map<String, CommandDef> out = new LinkedHashMap<>();
        for (YNode.Entry e : named(node, "commands", problems)) {
            CommandDef c = command(e.value());
            if (c != null) {
                out.put(e.key().text(), c);
            }
        }
        return out;
    }

    private CommandDef command(YNode v) {
        String tag = v.tag();
        if ("Command".equals(tag)) {
            return CommandSpec.Keys.COMMAND.read(v, "!Command", problems);
        }
        if ("Supervise".equals(tag)) {
            return SuperviseSpec.Keys.SUPERVISE.read(v, "!Supervise", problems);
        }
        if ("CapsuleCommand".equals(tag)) {
            return CapsuleCommandSpec.Keys.CAPSULE.read(v, "!CapsuleCommand", problems);
        }
        problems.add(v.position(), (tag == null ? "a command must be tagged" : "unknown command kind !" + tag)
                + " (expected one of: !Command, !Supervise, !CapsuleCommand)"
                + (tag == null ? ", found " + v.kind() : ""));
        return null;
    }

    /** A command's `run:`: a shell string or a non-empty argv list. */
    static Run run(Fields f, String key) {
        Problems problems = f.problems();
        YNode r = f.required(key);
        if (r instanceof YNode.Scalar s) {
            return Run.shell(s.text());
        }
        if (r instanceof YNode.Sequence seq) {
            List<String> argv = Fields.strings(r, "run", problems);
            if (seq.items().isEmpty()) {
                problems.add(r.position(), "run must not be an empty list");
                return null;
            }
            // an item that is not a string (`run: [*list]`: YAML nests an aliased list) is reported as such
            return argv.size() == seq.items().size() ? Run.args(argv) : null;
        }
        if (r != null) {
            problems.add(r.position(), "run must be a string or a list, found " + r.kind());
        }
        return null;
    }

    /** work-dir, relative to the project: ".." may not lead out of it (it would become /etc, ...). */
    static String workDir(Fields f, String key) {
        String dir = f.string(key, null);
        if (dir != null) {
            int depth = 0;
            for (String part : dir.split("/")) {
                depth += part.equals("..") ? -1 : part.isEmpty() || part.equals(".") ? 0 : 1;
                if (depth < 0) {
                    f.problems().add(f.get(key).position(), "work-dir \"" + dir
                            + "\" leads out of the project: it must stay under /work");
                    return null;
                }
            }
        }
        return dir;
    }

    /**
     * vagga: a list `run` takes the caller's extra arguments by default, a shell string does not,
     * nor a list that starts with /bin/sh (wrapper/commandline.rs looks at run[0]).
     */
    static boolean acceptsArguments(YNode run) {
        return run instanceof YNode.Sequence seq && !seq.items().isEmpty()
                && !(seq.items().get(0) instanceof YNode.Scalar first && first.text().equals("/bin/sh"));
    }

    /** supplementary-gids: a list of ids. */
    static List<Integer> ids(Fields f, String key) {
        if (!f.has(key)) {
            return List.of();
        }
        YNode g = f.get(key);
        if (!(g instanceof YNode.Sequence seq)) {
            f.problems().add(g.position(), key + " must be a list, found " + g.kind());
            return List.of();
        }
        List<Integer> ids = new ArrayList<>();
        seq.items().forEach(i -> ids.add((int) Fields.number(i, key, 0, MAX_ID, f.problems())));
        return List.copyOf(ids);
    }

    /** network (a bridged child): ip (required, checked), hostname, ports (host port: container port). */
    static Network network(Fields f, String key) {
        if (!f.has(key)) {
            return null;
        }
        YNode node = f.get(key);
        Fields n = Fields.of(node, key, List.of("ip", "hostname", "ports"), f.problems());
        String hostname = n.string("hostname", null);
        java.util.Map<Integer, Integer> ports = new java.util.LinkedHashMap<>();
        if (n.has("ports")) {
            for (java.util.Map.Entry<String, String> e : n.stringMap("ports").entrySet()) {
                Integer host = port(e.getKey());
                Integer container = port(e.getValue());
                if (host == null || container == null) {
                    f.problems().add(n.get("ports").position(), "ports must map a host port to a container port "
                            + "(1-65535), found \"" + e.getKey() + "\": \"" + e.getValue() + "\"");
                } else {
                    ports.put(host, container);
                }
            }
        }
        String ip = n.string("ip", null);
        if (ip == null) {
            f.problems().add(node.position(), "network needs an ip");
            return null;
        }
        String wrong = Network.checkIp(ip);
        if (wrong != null) {
            f.problems().add(n.has("ip") ? n.get("ip").position() : node.position(), wrong);
            return null;
        }
        return new Network(false, ip, hostname, java.util.Collections.unmodifiableMap(ports));
    }

    private static Integer port(String text) {
        if (text == null || !text.matches("[0-9]{1,5}")) {
            return null;
        }
        int p = Integer.parseInt(text);
        return p >= 1 && p <= 65535 ? p : null;
    }

    /** Ours: a child's `ready:` probe, one of {@link #PROBES} plus timeout and interval; null when absent. */
    static Readiness ready(Fields f, String key) {
        if (!f.has(key)) {
            return null;
        }
        List<String> keys = new ArrayList<>(PROBES);
        keys.add("timeout");
        keys.add("interval");
        YNode node = f.get(key);
        int before = f.problems().lines().size();
        Fields r = Fields.of(node, key, keys, f.problems());
        boolean unknownKeys = f.problems().lines().size() > before;
        String kind = null;
        String value = null;
        for (String probe : PROBES) {
            if (r.has(probe)) {
                if (kind != null) {
                    f.problems().add(r.get(probe).position(), "ready: only one probe of " + PROBES
                            + ", found " + kind + " and " + probe);
                    return null;
                }
                kind = probe;
                value = probe.equals("port") ? Long.toString(r.number(probe, 0, 1, 65535)) : r.requiredString(probe);
            }
        }
        double timeout = seconds(r, "timeout", Readiness.DEFAULT_TIMEOUT);
        double interval = seconds(r, "interval", Readiness.DEFAULT_INTERVAL);
        if (kind == null) {
            if (node instanceof YNode.Mapping && !unknownKeys) {
                f.problems().add(node.position(), "ready: needs one probe of " + PROBES);
            }
            return null;
        }
        if (kind.equals("line") && value != null) {
            try {
                Pattern.compile(value);
            } catch (java.util.regex.PatternSyntaxException e) {
                f.problems().add(r.get(kind).position(), "ready: line: not a regular expression: "
                        + e.getDescription());
            }
        }
        return value == null ? null : new Readiness(node.position(), kind, value, timeout, interval);
    }

    static final List<String> PROBES = List.of("port", "line", "file", "command");

    /** A positive number of seconds (decimals allowed). */
    private static double seconds(Fields r, String key, double dflt) {
        if (!r.has(key)) {
            return dflt;
        }
        YNode v = r.get(key);
        String text = v instanceof YNode.Scalar s ? s.text() : null;
        double d;
        try {
            d = text == null ? Double.NaN : Double.parseDouble(text);
        } catch (NumberFormatException e) {
            d = Double.NaN;
        }
        if (!(d > 0) || d > 86400) {
            r.problems().add(v.position(), "ready: " + key + " must be a number of seconds above 0 (at most 86400), found "
                    + (text == null ? v.kind() : "\"" + text + "\""));
            return dflt;
        }
        return d;
    }

    /** Ours: every `after` names a sibling, and the `after` graph has no cycle (126, naming it). */
    private static void checkAfter(YNode.Mapping children, SortedMap<String, CommandSpec> specs, Problems problems) {
        for (YNode.Entry e : children.entries()) {
            CommandSpec spec = specs.get(e.key().text());
            if (spec == null) {
                continue;
            }
            Position at = afterPosition(e.value());
            for (String other : spec.after()) {
                if (!specs.containsKey(other)) {
                    problems.add(at, "after: child \"" + e.key().text() + "\" names \"" + other
                            + "\", which is not a child of this supervise (children: "
                            + String.join(", ", specs.keySet()) + ")");
                } else if (other.equals(e.key().text())) {
                    problems.add(at, "after: child \"" + other + "\" cannot start after itself");
                }
            }
        }
        Set<String> done = new HashSet<>();
        for (String name : specs.keySet()) {
            List<String> path = new ArrayList<>();
            List<String> cycle = cycleFrom(name, specs, done, path);
            if (cycle != null) {
                YNode.Entry first = children.entries().stream().filter(x -> x.key().text().equals(cycle.get(0)))
                        .findFirst().orElse(null);
                problems.add(first == null ? children.position() : afterPosition(first.value()),
                        "after: cycle " + String.join(" -> ", cycle));
                return;
            }
        }
    }

    private static List<String> cycleFrom(String name, SortedMap<String, CommandSpec> specs, Set<String> done,
                                          List<String> path) {
        int at = path.indexOf(name);
        if (at >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(at, path.size()));
            cycle.add(name);
            return cycle;
        }
        if (done.contains(name) || !specs.containsKey(name)) {
            return null;
        }
        path.add(name);
        for (String other : specs.get(name).after()) {
            if (!other.equals(name)) {
                List<String> c = cycleFrom(other, specs, done, path);
                if (c != null) {
                    return c;
                }
            }
        }
        path.remove(path.size() - 1);
        done.add(name);
        return null;
    }

    private static Position afterPosition(YNode child) {
        if (child instanceof YNode.Mapping m) {
            for (YNode.Entry e : m.entries()) {
                if (Fields.normalize(e.key().text()).equals("after")) {
                    return e.value().position();
                }
            }
        }
        return child.position();
    }

    /** A !Supervise's children: each a !Command (or vagga's !BridgeCommand), sorted by name. */
    static SortedMap<String, CommandSpec> children(Fields f, String key) {
        Problems problems = f.problems();
        SortedMap<String, CommandSpec> children = new TreeMap<>();
        for (YNode.Entry e : named(f.get(key), key, problems)) {
            YNode c = e.value();
            if ("Command".equals(c.tag()) || "BridgeCommand".equals(c.tag())) {
                CommandSpec spec = CommandSpec.Keys.CHILD.read(c, "!" + c.tag(), problems);
                if (spec != null && "BridgeCommand".equals(c.tag())) {
                    if (spec.network() != null) {
                        problems.add(c.position(), "a !BridgeCommand runs in the bridge namespace: it has no network");
                    }
                    spec = spec.withNetwork(Network.BRIDGE);
                }
                if (spec != null) {
                    children.put(e.key().text(), spec);
                }
            } else {
                problems.add(c.position(), (c.tag() == null ? "a child must be tagged !Command, found " + c.kind()
                        : "a child must be a !Command, found !" + c.tag()));
            }
        }
        if (f.get(key) instanceof YNode.Mapping m) {
            checkAfter(m, children, problems);
        }
        return Collections.unmodifiableSortedMap(children);
    }

    /**
     * What vagga checks at load (its validate_config): containers named by !Container / !Build steps
     * exist and do not depend on themselves. Commands naming missing containers fail at run time.
     */
    void checkContainerDependencies(Map<String, Container> containers) {
        // as vagga: containers in name order, and the first one found in a cycle is the one reported
        boolean cycle = false;
        for (String name : new java.util.TreeSet<>(containers.keySet())) {
            cycle = findCycle(name, containers.get(name), containers, new HashSet<>(), cycle) || cycle;
        }
    }

    /** @return whether a cycle through {@code name} was found (reported unless {@code reported} already). */
    private boolean findCycle(String name, Container c, Map<String, Container> all, Set<String> seen,
                              boolean reported) {
        if (!seen.add(c.name())) {
            return false;
        }
        boolean found = false;
        for (BuildStep s : c.setup()) {
            String dep = dependency(s);
            if (dep == null) {
                continue;
            }
            if (dep.equals(name)) {
                // vagga's words alone on the last line (its tests compare that line), our place before
                if (!reported && !found) {
                    problems.addLast(s.position(), "!" + s.tag() + " \"" + name + "\" in container \"" + c.name()
                            + "\" makes a cycle\nContainer \"" + name + "\" has cyclic dependency");
                }
                found = true;
            } else if (!all.containsKey(dep)) {
                problems.add(s.position(), "Container \"" + dep + "\" referenced from \"" + c.name() + "\" is not found");
            } else {
                found = findCycle(name, all.get(dep), all, seen, reported || found) || found;
            }
        }
        return found;
    }

    private static String dependency(BuildStep s) {
        if (s instanceof BuildStep.ContainerStep c) {
            return c.name();
        }
        if (s instanceof BuildStep.Unsupported u && u.tag().equals("Build") && u.value() instanceof Map<?, ?> m
                && m.get("container") instanceof String name) {
            return name;
        }
        return null;
    }
}
