// A container's data-dirs: after the build only those paths (and the directories above them) stay.
package vagga.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * As vagga's {@code remove_all_except} (builder/guard.rs): every entry of the root that is neither a
 * data dir, nor inside one, nor a directory above one, is removed; a data dir is kept whole. A path
 * given twice, or one inside another, gets vagga's warning. The standard mount points are made again
 * afterwards ({@link ContainerBuilder#prepareMountPoints}), so the data container can still be run.
 */
final class DataDirs {
    private DataDirs() {}

    static void keepOnly(Path root, List<String> dataDirs, Consumer<String> warn) throws IOException {
        // true: a data dir (kept whole); false: a directory above one (searched)
        Map<String, Boolean> keep = new HashMap<>();
        for (String dir : dataDirs) {
            String rel = Path.of("/").relativize(Path.of(dir).normalize()).toString();
            String[] parts = rel.split("/");
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < parts.length - 1; i++) {
                prefix.append(i == 0 ? "" : "/").append(parts[i]);
                if (Boolean.TRUE.equals(keep.get(prefix.toString()))) {
                    warn.accept("warning: \"/" + prefix + "\" is already contained as data directory");
                }
                keep.putIfAbsent(prefix.toString(), false);
            }
            Boolean known = keep.get(rel);
            if (known != null) {
                warn.accept(known ? "warning: \"/" + rel + "\" is already contained as data directory"
                        : "warning: \"/" + rel + "\" is a prefix of other directory");
            }
            keep.put(rel, true);
        }
        removeAllExcept(root, "", keep);
    }

    private static void removeAllExcept(Path dir, String rel, Map<String, Boolean> keep) throws IOException {
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.toList();
        }
        for (Path entry : entries) {
            String name = rel.isEmpty() ? entry.getFileName().toString() : rel + "/" + entry.getFileName();
            Boolean kept = keep.get(name);
            if (kept == null) {
                FileTrees.delete(entry);
            } else if (!kept && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                removeAllExcept(entry, name, keep);
            }
        }
    }
}
