// A root's signature (index.ds1 beside it) for `_verify`, and linking identical files of roots (`_hardlink`).
package vagga.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * vagga keeps a dir-signature of a root in {@code NAME.HASH/index.ds1} (with the setting
 * index-all-images, or written by {@code _hardlink}); {@code _verify} compares the root with it.
 * Ours has the same name and place; its lines are ours (path, type, mode, owner, size, and the
 * sha256 of a file or the target of a link, tab-separated), not vagga's dir-signature format.
 */
public final class ImageIndex {
    static final String FILE = "index.ds1";
    private static final String HEADER = "vagga-java index v1";

    private ImageIndex() {}

    /** What differs between a root and its index: paths inside the root, "/"-rooted. */
    public record Diff(List<String> missing, List<String> extra, List<String> corrupted) {
        public boolean clean() {
            return missing.isEmpty() && extra.isEmpty() && corrupted.isEmpty();
        }
    }

    /** How many files {@link #hardlink} replaced by links, and the bytes that saves. */
    public record Linked(int count, long bytes) {}

    /** One entry of a root: the line written for it. */
    private record Entry(String path, String line, long size, String sha256, Path file, Object inode) {}

    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE));
    }

    /** Writes {@code dir/index.ds1} for {@code dir/root} (atomically: a reader sees the old or the new). */
    public static void write(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Entry e : scan(dir.resolve("root")).values()) {
            sb.append(e.path()).append('\t').append(e.line()).append('\n');
        }
        Path tmp = dir.resolve(FILE + ".tmp");
        Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Compares {@code dir/root} with {@code dir/index.ds1}. */
    public static Diff verify(Path dir) throws IOException {
        Map<String, String> indexed = read(dir);
        Map<String, Entry> now = scan(dir.resolve("root"));
        List<String> missing = new ArrayList<>();
        List<String> corrupted = new ArrayList<>();
        for (Map.Entry<String, String> e : indexed.entrySet()) {
            Entry actual = now.get(e.getKey());
            if (actual == null) {
                missing.add(e.getKey());
            } else if (!actual.line().equals(e.getValue())) {
                corrupted.add(e.getKey());
            }
        }
        List<String> extra = new ArrayList<>();
        for (String p : now.keySet()) {
            if (!indexed.containsKey(p)) {
                extra.add(p);
            }
        }
        return new Diff(missing, extra, corrupted);
    }

    /**
     * Replaces each regular file of the later roots by a hard link to the first identical one
     * (same content, mode and owner) of an earlier root; as in vagga, files are linked between
     * roots, not within one. Files already linked, and files on another file system, stay.
     */
    public static Linked hardlink(List<Path> dirs) throws IOException {
        Map<String, Entry> first = new LinkedHashMap<>();
        int count = 0;
        long bytes = 0;
        for (Path dir : dirs) {
            Map<String, Entry> own = new LinkedHashMap<>();
            for (Entry e : scan(dir.resolve("root")).values()) {
                if (e.sha256() == null) {
                    continue;
                }
                String key = e.line();
                own.putIfAbsent(key, e);
                Entry source = first.get(key);
                if (source == null || source.inode().equals(e.inode())) {
                    continue;
                }
                Path tmp = e.file().resolveSibling(".vagga-link." + e.file().getFileName());
                try {
                    Files.deleteIfExists(tmp);
                    Files.createLink(tmp, source.file());
                } catch (FileSystemException x) {
                    continue; // EXDEV, EMLINK: keep the copy
                }
                Files.move(tmp, e.file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                count++;
                bytes += e.size();
            }
            own.forEach(first::putIfAbsent);
        }
        return new Linked(count, bytes);
    }

    /** vagga's human_size as we read it: 0B .. 1023B, then 1.5KiB, 12KiB, 3.2MiB ... */
    public static String humanSize(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (v < 10 ? String.format(java.util.Locale.ROOT, "%.1f", v) : String.valueOf(Math.round(v))) + units[u];
    }

    private static Map<String, String> read(Path dir) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve(FILE), StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException(dir.resolve(FILE) + " is not an index this vagga wrote");
        }
        Map<String, String> out = new TreeMap<>();
        for (String l : lines.subList(1, lines.size())) {
            int tab = l.indexOf('\t');
            if (tab > 0) {
                out.put(l.substring(0, tab), l.substring(tab + 1));
            }
        }
        return out;
    }

    private static Map<String, Entry> scan(Path root) throws IOException {
        Map<String, Entry> out = new TreeMap<>();
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(root + " is not a built root");
        }
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = s.filter(p -> !p.equals(root)).toList();
        }
        for (Path p : all) {
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size,ino,dev", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            long size = (Long) a.get("size");
            String rel = "/" + root.relativize(p).toString();
            String type;
            String content = "";
            String sha = null;
            if (Files.isSymbolicLink(p)) {
                type = "l";
                content = Files.readSymbolicLink(p).toString();
                size = 0;
            } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                type = "d";
                size = 0;
            } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                type = "f";
                sha = sha256(p);
                content = sha;
            } else {
                type = "o";
                size = 0;
            }
            String line = type + '\t' + Integer.toOctalString(mode & 07777) + '\t' + a.get("uid") + ':' + a.get("gid")
                    + '\t' + size + '\t' + content;
            out.put(rel, new Entry(rel, line, size, sha, p, List.of(a.get("dev"), a.get("ino"))));
        }
        return out;
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
