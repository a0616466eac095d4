// Reads `volumes:` maps (SPEC 1.6): absolute mount paths to tagged volume values.
package vagga.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class VolumeReader {
    static final long DEFAULT_SIZE = 100L * 1024 * 1024;
    static final int TMPFS_MODE = 01777;
    static final int SUBDIR_MODE = 0755;
    static final int MAX_MODE = 01777;
    private static final List<String> KINDS = List.of("!Tmpfs", "!BindRW", "!BindRO", "!Empty", "!VaggaBin",
            "!Snapshot", "!Container", "!Persistent", "!CacheDir");

    private final Problems problems;

    VolumeReader(Problems problems) {
        this.problems = problems;
    }

    Map<String, Volume> volumes(YNode node) {
        if (YNode.isNull(node)) {
            return Map.of();
        }
        if (!(node instanceof YNode.Mapping map)) {
            problems.add(node.position(), "volumes must be a mapping of absolute paths, found " + node.kind());
            return Map.of();
        }
        Map<String, Volume> out = new LinkedHashMap<>();
        for (YNode.Entry e : map.entries()) {
            String path = e.key().text();
            if (!path.startsWith("/")) {
                // Usually a key indented one level too deep (e.g. `run:` under `volumes:`).
                problems.add(e.key().position(), "volume path \"" + path + "\" must be absolute");
            }
            Volume v = volume(e.value());
            if (v != null && path.startsWith("/")) {
                out.put(path, v);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    Volume volume(YNode v) {
        Position at = v.position();
        String tag = v.tag();
        if (tag == null) {
            problems.add(at, "a volume must be tagged (one of: " + String.join(", ", KINDS) + "), found "
                    + v.kind());
            return null;
        }
        switch (tag) {
            case "Tmpfs": {
                Fields f = Fields.of(v, "!Tmpfs", List.of("size", "mode", "subdirs", "files"), problems);
                return new Volume.Tmpfs(at, f.number("size", DEFAULT_SIZE, 0, Long.MAX_VALUE),
                        f.mode("mode", TMPFS_MODE, MAX_MODE), subdirs(f.get("subdirs")),
                        files(f.get("files")));
            }
            case "BindRW":
                return scalar(v, tag) instanceof String s ? new Volume.BindRW(at, s) : null;
            case "BindRO":
                return scalar(v, tag) instanceof String s ? new Volume.BindRO(at, s) : null;
            case "CacheDir":
                return scalar(v, tag) instanceof String s ? new Volume.CacheDir(at, s) : null;
            case "Container":
                return scalar(v, tag) instanceof String s ? new Volume.ContainerVolume(at, s) : null;
            case "Empty":
                return nothing(v, tag) ? new Volume.Empty(at) : null;
            case "VaggaBin":
                return nothing(v, tag) ? new Volume.VaggaBin(at) : null;
            case "Snapshot": {
                Fields f = Fields.of(v, "!Snapshot", List.of("size", "owner-uid", "owner-gid", "container"),
                        problems);
                return new Volume.Snapshot(at, f.number("size", DEFAULT_SIZE, 0, Long.MAX_VALUE),
                        f.optionalInt("owner-uid", 0, Integer.MAX_VALUE),
                        f.optionalInt("owner-gid", 0, Integer.MAX_VALUE), f.string("container", null));
            }
            case "Persistent": {
                if (v instanceof YNode.Scalar s && !s.isNull()) {
                    return new Volume.Persistent(at, s.text(), false, 0, 0);
                }
                if (!(v instanceof YNode.Mapping)) {
                    problems.add(at, "!Persistent takes a name or a mapping, found " + v.kind());
                    return null;
                }
                Fields f = Fields.of(v, "!Persistent", List.of("name", "init-command", "owner-uid", "owner-gid"),
                        problems);
                String name = f.requiredString("name");
                f.string("init-command", null);
                Volume.Persistent p = new Volume.Persistent(at, name, f.has("init-command"),
                        (int) f.number("owner-uid", 0, 0, Integer.MAX_VALUE),
                        (int) f.number("owner-gid", 0, 0, Integer.MAX_VALUE));
                return name == null ? null : p;
            }
            default:
                problems.add(at, "unknown volume type !" + tag + " (expected one of: " + String.join(", ", KINDS) + ")");
                return null;
        }
    }

    private Object scalar(YNode v, String tag) {
        if (v instanceof YNode.Scalar s && !s.isNull()) {
            return s.text();
        }
        problems.add(v.position(), "!" + tag + " takes a string, found " + v.kind());
        return null;
    }

    private boolean nothing(YNode v, String tag) {
        if (YNode.isNull(v)) {
            return true;
        }
        problems.add(v.position(), "!" + tag + " takes no value, found " + v.kind());
        return false;
    }

    private Map<String, Volume.TmpfsDir> subdirs(YNode node) {
        if (YNode.isNull(node)) {
            return Map.of();
        }
        if (!(node instanceof YNode.Mapping map)) {
            problems.add(node.position(), "subdirs must be a mapping, found " + node.kind());
            return Map.of();
        }
        Map<String, Volume.TmpfsDir> out = new LinkedHashMap<>();
        for (YNode.Entry e : map.entries()) {
            relative(e.key(), "subdirs");
            Fields f = Fields.of(e.value(), "a subdir", List.of("mode"), problems);
            out.put(e.key().text(), new Volume.TmpfsDir(f.mode("mode", SUBDIR_MODE, MAX_MODE)));
        }
        return Collections.unmodifiableMap(out);
    }

    private Map<String, String> files(YNode node) {
        if (YNode.isNull(node)) {
            return Map.of();
        }
        Map<String, String> files = Fields.stringMap(node, "files", problems);
        if (node instanceof YNode.Mapping map) {
            map.entries().forEach(e -> relative(e.key(), "files"));
        }
        return files;
    }

    private void relative(YNode.Scalar key, String what) {
        if (key.text().startsWith("/")) {
            problems.add(key.position(), "a path in " + what + " must be relative, found \"" + key.text() + "\"");
        }
    }
}
