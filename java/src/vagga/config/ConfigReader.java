// Reads one YAML tree into containers and commands (SPEC 1.2-1.5); every default is written here once.
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
    static final List<String> CONTAINER_KEYS = List.of("setup", "auto-clean", "uids", "gids", "environ-file",
            "environ", "resolv-conf-path", "hosts-file-path", "volumes", "default-shell", "image-cache-url",
            "data-dirs");
    /** Keys every top-level command kind and every child accepts. */
    private static final List<String> COMMON_KEYS = List.of("description", "banner", "banner-delay", "epilog",
            "prerequisites", "expect-inotify-limit", "symlink-name", "link-as", "linked-path-translation",
            "aliases", "group");
    private static final List<String> RUN_KEYS = List.of("pid1mode", "work-dir", "container", "accepts-arguments",
            "environ", "volumes", "write-mode", "run", "user-id", "external-user-id", "group-id",
            "supplementary-gids", "tags", "pass-tcp-socket", "isolate-network");
    private static final List<String> SUPERVISE_KEYS = List.of("options", "mode", "isolate-network", "children",
            "kill-unresponsive-after");
    private static final List<String> MODES = List.of("stop-on-failure", "wait-all-successful");
    private static final List<String> WRITE_MODES = List.of("read-only", "transient-hard-link-copy");
    private static final List<String> PID1_MODES = List.of("exec", "wait", "wait-all-children");
    private static final Pattern ID_RANGE = Pattern.compile("\\d+(-\\d+)?");
    private static final long MAX_ID = 1L << 30;

    static final int KILL_UNRESPONSIVE_AFTER = 2;
    static final List<String> DEFAULT_ID_RANGE = List.of("0-65535");
    static final String RESOLV_CONF = "/etc/resolv.conf";
    static final String HOSTS_FILE = "/etc/hosts";

    /** What one file defines, before mixins are merged in. */
    record Parts(Map<String, Container> containers, Map<String, CommandDef> commands, List<YNode.Scalar> mixins) {}

    private final Problems problems;
    private final VolumeReader volumes;
    private final StepReader steps;

    ConfigReader(Problems problems) {
        this.problems = problems;
        this.volumes = new VolumeReader(problems);
        this.steps = new StepReader(problems);
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
        for (YNode.Entry e : named(node, "containers")) {
            out.put(e.key().text(), container(e.key().text(), e.value()));
        }
        return out;
    }

    private List<YNode.Entry> named(YNode node, String what) {
        if (YNode.isNull(node)) {
            return List.of();
        }
        if (!(node instanceof YNode.Mapping map)) {
            problems.add(node.position(), what + " must be a mapping of names, found " + node.kind());
            return List.of();
        }
        return map.entries();
    }

    private Container container(String name, YNode v) {
        Fields f = Fields.of(v, "a container", CONTAINER_KEYS, problems);
        f.bool("auto-clean", false);
        f.string("environ-file", null);
        f.string("image-cache-url", null);
        f.strings("data-dirs");
        List<String> uids = idRanges(f, "uids");
        List<String> gids = idRanges(f, "gids");
        List<String> shell = f.strings("default-shell");
        return new Container(name, v.position(), steps.steps(f.get("setup"), name), f.stringMap("environ"),
                volumes.volumes(f.get("volumes")), shell.isEmpty() ? Container.DEFAULT_SHELL : shell,
                uids.isEmpty() ? DEFAULT_ID_RANGE : uids, gids.isEmpty() ? DEFAULT_ID_RANGE : gids,
                f.string("resolv-conf-path", RESOLV_CONF), f.string("hosts-file-path", HOSTS_FILE));
    }

    private List<String> idRanges(Fields f, String key) {
        List<String> ranges = f.strings(key);
        if (f.get(key) instanceof YNode.Sequence seq) {
            for (YNode item : seq.items()) {
                if (item instanceof YNode.Scalar s && !ID_RANGE.matcher(s.text()).matches()) {
                    problems.add(s.position(), key + " items are ids or ranges like 0-65535, found \"" + s.text() + "\"");
                }
            }
        }
        return ranges;
    }

    private Map<String, CommandDef> commands(YNode node) {
        Map<String, CommandDef> out = new LinkedHashMap<>();
        for (YNode.Entry e : named(node, "commands")) {
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
            return commandSpec(v, true);
        }
        if ("Supervise".equals(tag)) {
            return supervise(v);
        }
        if ("CapsuleCommand".equals(tag)) {
            return capsule(v);
        }
        problems.add(v.position(), (tag == null ? "a command must be tagged" : "unknown command kind !" + tag)
                + " (expected one of: !Command, !Supervise, !CapsuleCommand)"
                + (tag == null ? ", found " + v.kind() : ""));
        return null;
    }

    private static List<String> keys(List<String> a, List<String> b, String... more) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        all.addAll(List.of(more));
        return List.copyOf(all);
    }

    private static final List<String> TOP_COMMAND_KEYS = keys(COMMON_KEYS, RUN_KEYS, "options");
    private static final List<String> CHILD_KEYS = keys(COMMON_KEYS, RUN_KEYS, "network");

    /** A !Command; {@code topLevel} false for a !Supervise child (no `options`, may have `network`). */
    private CommandSpec commandSpec(YNode v, boolean topLevel) {
        Fields f = Fields.of(v, "!" + v.tag(), topLevel ? TOP_COMMAND_KEYS : CHILD_KEYS, problems);
        String container = f.requiredString("container");
        Run run = run(f);
        common(f);
        f.bool("isolate-network", false);
        if (f.has("pid1mode")) {
            Fields.choice(f.get("pid1mode"), "pid1mode", PID1_MODES, problems);
        }
        WriteMode writeMode = WriteMode.READ_ONLY;
        if (f.has("write-mode")) {
            int i = Fields.choice(f.get("write-mode"), "write-mode", WRITE_MODES, problems);
            writeMode = i == 1 ? WriteMode.TRANSIENT_HARD_LINK_COPY : WriteMode.READ_ONLY;
        }
        List<Integer> gids = new ArrayList<>();
        if (f.has("supplementary-gids")) {
            YNode g = f.get("supplementary-gids");
            if (g instanceof YNode.Sequence seq) {
                seq.items().forEach(i -> gids.add((int) Fields.number(i, "supplementary-gids", 0, MAX_ID, problems)));
            } else {
                problems.add(g.position(), "supplementary-gids must be a list, found " + g.kind());
            }
        }
        String network = null;
        if (f.has("network")) {
            Fields n = Fields.of(f.get("network"), "network", List.of("ip", "hostname", "ports"), problems);
            network = n.string("ip", null);
            n.string("hostname", null);
            n.stringMap("ports");
        }
        // vagga: a list `run` takes the caller's extra arguments by default, a shell string does not,
        // nor a list that starts with /bin/sh (wrapper/commandline.rs looks at run[0]).
        boolean acceptsArguments = f.bool("accepts-arguments",
                run != null && !run.isShell() && !run.argv().isEmpty() && !run.argv().get(0).equals("/bin/sh"));
        // Every value is read (and checked) before giving up on a missing one: all errors at once.
        CommandSpec spec = new CommandSpec(v.position(), container, run, f.stringMap("environ"),
                workDir(f), volumes.volumes(f.get("volumes")),
                (int) f.number("user-id", 0, 0, MAX_ID), (int) f.number("group-id", 0, 0, MAX_ID),
                List.copyOf(gids), f.optionalInt("external-user-id", 0, MAX_ID), writeMode, f.strings("tags"),
                f.string("pass-tcp-socket", null), f.string("description", null), f.strings("prerequisites"),
                f.string("options", null), acceptsArguments, f.strings("aliases"), f.string("group", null),
                network, f.string("epilog", null));
        return container == null || run == null ? null : spec;
    }

    /** work-dir, relative to the project: ".." may not lead out of it (it would become /etc, ...). */
    private String workDir(Fields f) {
        String dir = f.string("work-dir", null);
        if (dir != null) {
            int depth = 0;
            for (String part : dir.split("/")) {
                depth += part.equals("..") ? -1 : part.isEmpty() || part.equals(".") ? 0 : 1;
                if (depth < 0) {
                    problems.add(f.get("work-dir").position(), "work-dir \"" + dir
                            + "\" leads out of the project: it must stay under /work");
                    return null;
                }
            }
        }
        return dir;
    }

    /** The keys accepted everywhere but not in our model: still type-checked. */
    private void common(Fields f) {
        f.string("banner", null);
        f.number("banner-delay", 0, 0, Integer.MAX_VALUE);
        f.number("expect-inotify-limit", 0, 0, Long.MAX_VALUE);
        f.string("symlink-name", null);
        f.string("link-as", null);
        f.bool("linked-path-translation", false);
    }

    private Run run(Fields f) {
        YNode r = f.required("run");
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

    private SuperviseSpec supervise(YNode v) {
        Fields f = Fields.of(v, "!Supervise", keys(COMMON_KEYS, SUPERVISE_KEYS), problems);
        common(f);
        SuperviseMode mode = SuperviseMode.STOP_ON_FAILURE;
        if (f.has("mode")) {
            int i = Fields.choice(f.get("mode"), "mode", MODES, problems);
            mode = i == 1 ? SuperviseMode.WAIT_ALL_SUCCESSFUL : SuperviseMode.STOP_ON_FAILURE;
        }
        SortedMap<String, CommandSpec> children = new TreeMap<>();
        for (YNode.Entry e : named(f.get("children"), "children")) {
            YNode c = e.value();
            if ("Command".equals(c.tag()) || "BridgeCommand".equals(c.tag())) {
                CommandSpec spec = commandSpec(c, false);
                if (spec != null) {
                    children.put(e.key().text(), spec);
                }
            } else {
                problems.add(c.position(), (c.tag() == null ? "a child must be tagged !Command, found " + c.kind()
                        : "a child must be a !Command, found !" + c.tag()));
            }
        }
        return new SuperviseSpec(v.position(), mode, Collections.unmodifiableSortedMap(children),
                (int) f.number("kill-unresponsive-after", KILL_UNRESPONSIVE_AFTER, 1, 86400),
                f.string("description", null), f.string("options", null), f.strings("prerequisites"),
                f.bool("isolate-network", false), f.string("epilog", null), f.strings("aliases"),
                f.string("group", null));
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
