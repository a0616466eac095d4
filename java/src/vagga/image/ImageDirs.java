// The finished roots (NAME.HASH directories) of a project, or of every project in a storage dir, oldest first.
package vagga.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** As vagga's collect_container_dirs: hidden entries (.tmp.*, .old.*) are not finished roots. */
public final class ImageDirs {
    private ImageDirs() {}

    /** The finished roots in {@code roots} (a .roots directory), by name, then age. */
    public static List<Path> of(Path roots) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(roots)) {
            return out;
        }
        try (Stream<Path> s = Files.list(roots)) {
            s.filter(p -> !p.getFileName().toString().startsWith(".")
                    && Files.isDirectory(p.resolve("root"), LinkOption.NOFOLLOW_LINKS)).forEach(out::add);
        }
        out.sort(Comparator.comparing((Path p) -> p.getFileName().toString()).thenComparing(ImageDirs::modified));
        return out;
    }

    /** The finished roots of every project directory in a storage dir. */
    public static List<Path> ofStorage(Path storageDir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(storageDir)) {
            return out;
        }
        List<Path> projects;
        try (Stream<Path> s = Files.list(storageDir)) {
            projects = s.filter(p -> !p.getFileName().toString().startsWith(".")
                    && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
        for (Path project : projects) {
            out.addAll(of(project.resolve(".roots")));
        }
        return out;
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
