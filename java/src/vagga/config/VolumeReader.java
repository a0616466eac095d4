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

    // The mapping-shaped volumes: each key once, with its type and default.
    private static final Schema<Volume.Tmpfs> TMPFS = Schema.of(Volume.Tmpfs.class,
            Schema.number("size", DEFAULT_SIZE, 0, Long.MAX_VALUE),
            Schema.mode("mode", TMPFS_MODE, MAX_MODE),
            Schema.key("subdirs", Readings.TMPFS_SUBDIRS),
            Schema.key("files", Readings.TMPFS_FILES));
    private static final Schema<Volume.Snapshot> SNAPSHOT = Schema.of(Volume.Snapshot.class,
            Schema.number("size", DEFAULT_SIZE, 0, Long.MAX_VALUE),
            Schema.optionalInt("owner-uid", 0, Integer.MAX_VALUE),
            Schema.optionalInt("owner-gid", 0, Integer.MAX_VALUE),
            // null: a copy of what is at the mount point
            Schema.string("container", null));
    /** The mapping form; {@code !Persistent name} is the name alone. */
    private static final Schema<Volume.Persistent> PERSISTENT = Schema.of(Volume.Persistent.class,
            Schema.requiredString("name"),
            // the name of the command that fills the volume when it is first made (vagga's meaning)
            Schema.string("init-command", null),
            Schema.integer("owner-uid", 0, 0, Integer.MAX_VALUE),
            Schema.integer("owner-gid", 0, 0, Integer.MAX_VALUE));
    private static final Schema<Volume.TmpfsDir> SUBDIR = Schema.of(Volume.TmpfsDir.class,
            Schema.mode("mode", SUBDIR_MODE, MAX_MODE));

    private final Problems problems;

    VolumeReader(Problems problems) {
        this.problems = problems;
    }

    /** A `volumes:` key of a schema. */
    static Map<String, Volume> read(Fields f, String key) {
        return new VolumeReader(f.problems()).volumes(f.get(key));
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
            case "Tmpfs":
                return TMPFS.read(v, "!Tmpfs", problems);
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
            case "Snapshot":
                return SNAPSHOT.read(v, "!Snapshot", problems);
            case "Persistent": {
                if (v instanceof YNode.Scalar s && !s.isNull()) {
                    return new Volume.Persistent(at, s.text(), null, 0, 0);
                }
                if (!(v instanceof YNode.Mapping)) {
                    problems.add(at, "!Persistent takes a name or a mapping, found " + v.kind());
                    return null;
                }
                return PERSISTENT.read(v, "!Persistent", problems);
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

    Map<String, Volume.TmpfsDir> subdirs(YNode node) {
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
            out.put(e.key().text(), SUBDIR.read(e.value(), "a subdir", problems));
        }
        return Collections.unmodifiableMap(out);
    }

    Map<String, String> files(YNode node) {
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
