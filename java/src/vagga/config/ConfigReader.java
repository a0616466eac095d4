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
    private static final Pattern ID_RANGE = Pattern.compile("\\d+(-\\d+)?");
    static final long MAX_ID = 1L << 30;

    /** Keys every top-level command kind and every child accepts that the model does not keep. */
    static final Schema.Key[] ACCEPTED_EVERYWHERE = {
        Schema.string("banner", null).accepted(),
        Schema.number("banner-delay", 0, 0, Integer.MAX_VALUE).accepted(),
        Schema.number("expect-inotify-limit", 0, 0, Long.MAX_VALUE).accepted(),
        Schema.string("symlink-name", null).accepted(),
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
        // minimum-vagga: any string form (v0.7.0, 0.7.1, v0.5.0-120-g42de958); we are always newer.
        top.string("minimum-vagga", null);
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

    /** uids, gids: ids or ranges like 0-65535. */
    static List<String> idRanges(Fields f, String key) {
        List<String> ranges = f.strings(key);
        if (f.get(key) instanceof YNode.Sequence seq) {
            for (YNode item : seq.items()) {
                if (item instanceof YNode.Scalar s && !ID_RANGE.matcher(s.text()).matches()) {
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
            return capsule(v);
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
        if (r instanceof YNode.Sequence) {
            List<String> argv = Fields.strings(r, "run", problems);
            if (argv.isEmpty()) {
                problems.add(r.position(), "run must not be an empty list");
                return null;
            }
            return Run.args(argv);
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

    /** network (a bridged child): ip, hostname, ports; the ip is kept. */
    static String network(Fields f, String key) {
        if (!f.has(key)) {
            return null;
        }
        Fields n = Fields.of(f.get(key), key, List.of("ip", "hostname", "ports"), f.problems());
        n.string("hostname", null);
        n.stringMap("ports");
        return n.string("ip", null);
    }

    /** A !Supervise's children: each a !Command (or vagga's !BridgeCommand), sorted by name. */
    static SortedMap<String, CommandSpec> children(Fields f, String key) {
        Problems problems = f.problems();
        SortedMap<String, CommandSpec> children = new TreeMap<>();
        for (YNode.Entry e : named(f.get(key), key, problems)) {
            YNode c = e.value();
            if ("Command".equals(c.tag()) || "BridgeCommand".equals(c.tag())) {
                CommandSpec spec = CommandSpec.Keys.CHILD.read(c, "!" + c.tag(), problems);
                if (spec != null) {
                    children.put(e.key().text(), spec);
                }
            } else {
                problems.add(c.position(), (c.tag() == null ? "a child must be tagged !Command, found " + c.kind()
                        : "a child must be a !Command, found !" + c.tag()));
            }
        }
        return Collections.unmodifiableSortedMap(children);
    }

    /** Parsed so that real files load; its keys are not checked (not runnable here). */
    private CapsuleCommandSpec capsule(YNode v) {
        if (!(v instanceof YNode.Mapping)) {
            problems.add(v.position(), "!CapsuleCommand must be a mapping, found " + v.kind());
            return null;
        }
        Map<String, YNode> byKey = new LinkedHashMap<>();
        ((YNode.Mapping) v).entries().forEach(e -> byKey.put(Fields.normalize(e.key().text()), e.value()));
        YNode r = byKey.get("run");
        List<String> run;
        if (r instanceof YNode.Scalar s && !s.isNull()) {
            run = List.of("/bin/sh", "-c", s.text());
        } else if (r instanceof YNode.Sequence) {
            run = Fields.strings(r, "run", problems);
        } else {
            problems.add(r == null ? v.position() : r.position(), r == null ? "missing required key \"run\""
                    : "run must be a string or a list, found " + r.kind());
            return null;
        }
        YNode d = byKey.get("description");
        return new CapsuleCommandSpec(v.position(), run, YNode.isNull(d) ? null : Fields.text(d, "description", problems),
                Fields.plain(v));
    }

    /**
     * What vagga checks at load (its validate_config): containers named by !Container / !Build steps
     * exist and do not depend on themselves. Commands naming missing containers fail at run time.
     */
    void checkContainerDependencies(Map<String, Container> containers) {
        for (String name : containers.keySet()) {
            findCycle(name, containers.get(name), containers, new HashSet<>());
        }
    }

    private void findCycle(String name, Container c, Map<String, Container> all, Set<String> seen) {
        if (!seen.add(c.name())) {
            return;
        }
        for (BuildStep s : c.setup()) {
            String dep = dependency(s);
            if (dep == null) {
                continue;
            }
            if (dep.equals(name)) {
                problems.add(s.position(), "Container \"" + name + "\" has cyclic dependency");
            } else if (!all.containsKey(dep)) {
                problems.add(s.position(), "Container \"" + dep + "\" referenced from \"" + c.name() + "\" is not found");
            } else {
                findCycle(name, all.get(dep), all, seen);
            }
        }
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
