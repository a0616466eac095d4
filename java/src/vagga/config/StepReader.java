// Reads the steps of a container's `setup:` (SPEC 1.5): typed records for the steps we build,
// Unsupported (shape-checked) for every other step vagga knows.
package vagga.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

final class StepReader {
    static final int DOWNLOAD_MODE = 0644;

    /** The argument shapes of the steps we only parse. */
    private enum Shape {
        /** a non-empty string */
        STRING,
        /** a string, or nothing for the default */
        OPTIONAL_STRING,
        /** a list of strings */
        LIST,
        /** a mapping of fixed keys; nothing means all defaults */
        STRUCT,
        /** a mapping of names */
        MAP,
        /** no value at all */
        NOTHING,
        /** anything (a step with several shapes we do not interpret) */
        ANY
    }

    private static final Map<String, Shape> UNSUPPORTED = Map.of();

    // The mapping-shaped steps: each key once, with its type and default.
    private static final Schema<BuildStep.Tar> TAR = Schema.of(BuildStep.Tar.class,
            Schema.requiredString("url"),
            Schema.key("path", Readings.ABSOLUTE_PATH, "/"),
            Schema.string("subdir", ""),
            Schema.string("sha256", null));
    private static final Schema<BuildStep.Copy> COPY = Schema.of(BuildStep.Copy.class,
            Schema.requiredString("source"),
            Schema.key("path", Readings.ABSOLUTE_PATH).required(),
            Schema.optionalInt("owner-uid", 0, Integer.MAX_VALUE),
            Schema.optionalInt("owner-gid", 0, Integer.MAX_VALUE),
            Schema.string("ignore-regex", null),
            Schema.string("include-regex", null),
            Schema.strings("rules"),
            Schema.optionalBool("no-default-rules"),
            Schema.mode("umask", 0002, 0777),
            Schema.bool("preserve-permissions", false),
            Schema.bool("preserve-times", false));
    /** The mapping form; {@code !Depends path} is the path alone. */
    private static final Schema<BuildStep.Depends> DEPENDS = Schema.of(BuildStep.Depends.class,
            Schema.requiredString("path"),
            Schema.strings("rules"),
            Schema.string("ignore-regex", null),
            Schema.string("include-regex", null),
            Schema.optionalBool("no-default-rules"));
    private static final Schema<BuildStep.Download> DOWNLOAD = Schema.of(BuildStep.Download.class,
            Schema.requiredString("url"),
            Schema.key("path", Readings.ABSOLUTE_PATH).required(),
            Schema.mode("mode", DOWNLOAD_MODE, 07777),
            Schema.string("sha256", null));

    private final Problems problems;

    StepReader(Problems problems) {
        this.problems = problems;
    }

    /** A `setup:` key of a schema. */
    static List<BuildStep> read(Fields f, String key) {
        return new StepReader(f.problems()).steps(f.get(key));
    }

    List<BuildStep> steps(YNode node) {
        if (YNode.isNull(node)) {
            return List.of();
        }
        if (!(node instanceof YNode.Sequence seq)) {
            problems.add(node.position(), "setup must be a list of steps, found " + node.kind());
            return List.of();
        }
        List<BuildStep> out = new ArrayList<>();
        for (YNode item : seq.items()) {
            BuildStep step = step(item);
            if (step != null) {
                out.add(step);
            }
        }
        return List.copyOf(out);
    }

    BuildStep step(YNode v) {
        Position at = v.position();
        String tag = v.tag();
        if (tag == null) {
            problems.add(at, "a setup step must be tagged (like !Sh or !Install), found " + v.kind());
            return null;
        }
        switch (tag) {
            case "HostRoot":
                if (!YNode.isNull(v)) {
                    problems.add(at, "!HostRoot takes no value, found " + v.kind());
                    return null;
                }
                return new BuildStep.HostRoot(at);
            case "Tar":
                return TAR.read(v, "!Tar", problems);
            case "Container":
                return string(v, tag) instanceof String s ? new BuildStep.ContainerStep(at, s) : null;
            case "Sh":
                return string(v, tag) instanceof String s ? new BuildStep.Sh(at, s) : null;
            case "Cmd": {
                List<String> argv = Fields.strings(v, "!Cmd", problems);
                if (argv.isEmpty() && v instanceof YNode.Sequence) {
                    problems.add(at, "!Cmd needs at least the program to run");
                    return null;
                }
                return new BuildStep.Cmd(at, argv);
            }
            case "Env":
                return v instanceof YNode.Mapping || YNode.isNull(v)
                        ? new BuildStep.Env(at, YNode.isNull(v) ? Map.of() : Fields.stringMap(v, "!Env", problems))
                        : shapeError(v, "a mapping of variables");
            case "Text": {
                if (!(v instanceof YNode.Mapping map)) {
                    return shapeError(v, "a mapping of absolute paths to contents");
                }
                map.entries().forEach(e -> {
                    if (!e.key().text().startsWith("/")) {
                        problems.add(e.key().position(), "!Text path \"" + e.key().text() + "\" must be absolute");
                    }
                });
                return new BuildStep.Text(at, Fields.stringMap(v, "!Text", problems));
            }
            case "Copy":
                return COPY.read(v, "!Copy", problems);
            case "EnsureDir":
                return string(v, tag) instanceof String s && absolute(v, tag, s) ? new BuildStep.EnsureDir(at, s) : null;
            case "Remove":
                return string(v, tag) instanceof String s && absolute(v, tag, s) ? new BuildStep.Remove(at, s) : null;
            case "EmptyDir":
                return string(v, tag) instanceof String s && absolute(v, tag, s) ? new BuildStep.EmptyDir(at, s) : null;
            case "Depends": {
                if (v instanceof YNode.Scalar s && !s.isNull()) {
                    return new BuildStep.Depends(at, s.text(), List.of());
                }
                if (!(v instanceof YNode.Mapping)) {
                    return shapeError(v, "a path or a mapping");
                }
                return DEPENDS.read(v, "!Depends", problems);
            }
            case "Download":
                return DOWNLOAD.read(v, "!Download", problems);
            case "Debian":
                return string(v, tag) instanceof String s ? new BuildStep.Debian(at, s) : null;
            case "Ubuntu":
                return string(v, tag) instanceof String s
                        ? new BuildStep.Ubuntu(at, tag, s, null, null, "amd64", false, true) : null;
            case "UbuntuRelease": {
                Fields f = Fields.of(v, "!UbuntuRelease", List.of("codename", "version", "url", "arch",
                        "keep-chfn-command", "eatmydata"), problems);
                String codename = f.string("codename", null);
                String version = f.string("version", null);
                String url = f.string("url", null);
                if (codename == null && version == null && url == null) {
                    problems.add(at, "!UbuntuRelease needs one of codename (preferred), version or url");
                    return null;
                }
                return new BuildStep.Ubuntu(at, tag, codename, version, url, f.string("arch", "amd64"),
                        f.bool("keep-chfn-command", false), f.bool("eatmydata", true));
            }
            case "UbuntuUniverse":
                if (!YNode.isNull(v)) {
                    return shapeError(v, "no value");
                }
                return new BuildStep.UbuntuUniverse(at);
            case "UbuntuRepo": {
                Fields f = Fields.of(v, "!UbuntuRepo", List.of("url", "suite", "components", "trusted"), problems);
                return new BuildStep.UbuntuRepo(at, f.string("url", null), f.string("suite", null),
                        f.strings("components"), f.bool("trusted", false));
            }
            case "UbuntuPPA":
                return string(v, tag) instanceof String s ? new BuildStep.UbuntuPPA(at, s) : null;
            case "AptTrust": {
                Fields f = Fields.of(v, "!AptTrust", List.of("server", "keys", "url"), problems);
                return new BuildStep.AptTrust(at, f.string("server", null), f.strings("keys"), f.string("url", null));
            }
            case "Repo":
                return string(v, tag) instanceof String s ? new BuildStep.Repo(at, s) : null;
            case "Install": {
                List<String> l = packages(v, tag);
                return l == null ? null : new BuildStep.Install(at, l);
            }
            case "BuildDeps": {
                List<String> l = packages(v, tag);
                return l == null ? null : new BuildStep.BuildDeps(at, l);
            }
            case "Alpine":
                return string(v, tag) instanceof String s ? new BuildStep.Alpine(at, s) : null;
            case "AlpineRepo": {
                Fields f = Fields.of(v, "!AlpineRepo", List.of("url", "branch", "repo", "tag"), problems);
                String repo = f.requiredString("repo");
                return repo == null ? null : new BuildStep.AlpineRepo(at, f.string("url", null),
                        f.string("branch", null), repo, f.string("tag", null));
            }
            default:
                return unsupported(v, tag);
        }
    }

    private BuildStep unsupported(YNode v, String tag) {
        if (StepKeys.declares(tag)) {
            return new StepKeys(problems).read(v, tag);
        }
        Shape shape = UNSUPPORTED.get(tag);
        if (shape == null) {
            problems.add(v.position(), "unknown build step !" + tag);
            return null;
        }
        boolean ok = switch (shape) {
            case STRING -> v instanceof YNode.Scalar s && !s.isNull();
            case OPTIONAL_STRING -> v instanceof YNode.Scalar;
            case LIST -> YNode.isNull(v) || v instanceof YNode.Sequence;
            case STRUCT, MAP -> YNode.isNull(v) || v instanceof YNode.Mapping;
            case NOTHING -> YNode.isNull(v);
            case ANY -> true;
        };
        if (!ok) {
            return shapeError(v, switch (shape) {
                case STRING -> "a string";
                case OPTIONAL_STRING -> "a string or nothing";
                case LIST -> "a list";
                case STRUCT, MAP -> "a mapping";
                case NOTHING -> "no value";
                case ANY -> "anything";
            });
        }
        if (shape == Shape.LIST && v instanceof YNode.Sequence) {
            Fields.strings(v, "!" + tag, problems);
        }
        if (shape == Shape.MAP && v instanceof YNode.Mapping) {
            Fields.stringMap(v, "!" + tag, problems);
        }
        return new BuildStep.Unsupported(v.position(), tag, Fields.plain(v));
    }

    /** A list of package names (nothing: none). */
    private List<String> packages(YNode v, String tag) {
        if (YNode.isNull(v)) {
            return List.of();
        }
        if (!(v instanceof YNode.Sequence)) {
            shapeError(v, "a list");
            return null;
        }
        return Fields.strings(v, "!" + tag, problems);
    }

    private BuildStep shapeError(YNode v, String expected) {
        problems.add(v.position(), "!" + v.tag() + " takes " + expected + ", found " + v.kind());
        return null;
    }

    private Object string(YNode v, String tag) {
        if (v instanceof YNode.Scalar s && !s.isNull()) {
            return s.text();
        }
        shapeError(v, "a string");
        return null;
    }

    private boolean absolute(YNode v, String tag, String path) {
        if (path.startsWith("/")) {
            return true;
        }
        problems.add(v.position(), "!" + tag + " path \"" + path + "\" must be absolute");
        return false;
    }

    /** The path, with an error when it is not absolute. */
    static String absolute(Fields f, String key, String path) {
        if (path != null && !path.startsWith("/")) {
            f.problems().add(f.get(key).position(), key + " \"" + path + "\" must be absolute");
        }
        return path;
    }
}
