// Content hashes of version-hash input files, keyed by their stat data, so an unchanged file is not read again.
package vagga.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * As git's index: an entry holds a file's device, inode, size, mtime and ctime (nanoseconds) and
 * the sha256 of its contents; a file whose stat data equal the entry's is not read. Any write
 * changes mtime or ctime (a {@code touch -d} setting mtime back still moves ctime), a rename or
 * replacement changes the inode. "Racily clean" files — modified within {@link #RACY_NANOS} of
 * being hashed — are hashed but not remembered, so a second write within the same timestamp tick
 * is still seen. The file {@code .vagga/.cache/input-hashes} is rewritten whole through a temporary
 * file and a rename (readers see the old or the new one), only when something changed; a broken
 * or foreign file is ignored (everything is read again). Entries of files not looked at in a run
 * are dropped at its save, so the file holds only what the current inputs use.
 */
final class HashCache {
    /** Two seconds: covers filesystems whose timestamps have a 1 s (or 2 s, FAT) granularity. */
    static final long RACY_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final String MAGIC = "vagga-input-hashes-1";

    private record Entry(long dev, long ino, long size, long mtime, long ctime, String sha256) {}

    private final Path file;
    private final Map<String, Entry> old;
    private final Map<String, Entry> used = new HashMap<>();
    private boolean changed;

    private HashCache(Path file, Map<String, Entry> old) {
        this.file = file;
        this.old = old;
    }

    /** A cache that remembers nothing (no project directory to keep it in). */
    static HashCache none() {
        return new HashCache(null, new HashMap<>());
    }

    /** The project's cache, read now; a missing or unreadable file is an empty cache. */
    static HashCache of(Path project) {
        Path file = ContainerBuilder.vaggaDir(project.toAbsolutePath()).resolve(".cache").resolve("input-hashes");
        return new HashCache(file, read(file));
    }

    /** The hex sha256 of the regular file {@code p}'s contents. */
    String contentHash(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:dev,ino,size,lastModifiedTime,ctime",
                LinkOption.NOFOLLOW_LINKS);
        long dev = (Long) a.get("dev");
        long ino = (Long) a.get("ino");
        long size = (Long) a.get("size");
        long mtime = nanos((FileTime) a.get("lastModifiedTime"));
        long ctime = nanos((FileTime) a.get("ctime"));
        String key = p.toAbsolutePath().toString();
        Entry e = old.get(key);
        if (e != null && e.dev == dev && e.ino == ino && e.size == size && e.mtime == mtime && e.ctime == ctime) {
            used.put(key, e);
            return e.sha256;
        }
        String hash = hashOf(p);
        long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        // As git, the racy test is on mtime only: ctime is "now" for every file just copied or
        // checked out, and is still compared on the next run (a later write moves it).
        if (now - mtime > RACY_NANOS) {
            used.put(key, new Entry(dev, ino, size, mtime, ctime, hash));
            changed = true;
        }
        return hash;
    }

    /** Writes the entries used in this run when any was added or any old one was not used. */
    void save() {
        if (file == null || (!changed && used.size() == old.size())) {
            return;
        }
        StringBuilder sb = new StringBuilder(MAGIC).append('\0');
        used.forEach((k, e) -> sb.append(e.dev).append(' ').append(e.ino).append(' ').append(e.size).append(' ')
                .append(e.mtime).append(' ').append(e.ctime).append(' ').append(e.sha256).append(' ')
                .append(k).append('\0'));
        try {
            Path dir = ProjectPaths.ensureDir(file.getParent().getParent().getParent(), ".vagga/.cache");
            Path tmp = dir.resolve(".tmp.input-hashes." + Long.toHexString(ThreadLocalRandom.current().nextLong()));
            Files.writeString(tmp, sb, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            // only a cache: the next run reads the files again
        }
    }

    private static Map<String, Entry> read(Path file) {
        Map<String, Entry> map = new HashMap<>();
        String text;
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return map;
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return map;
        }
        String[] records = text.split("\0");
        if (records.length == 0 || !records[0].equals(MAGIC)) {
            return map;
        }
        try {
            for (int i = 1; i < records.length; i++) {
                String[] f = records[i].split(" ", 7);
                map.put(f[6], new Entry(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]),
                        Long.parseLong(f[3]), Long.parseLong(f[4]), f[5]));
            }
        } catch (RuntimeException e) {
            return new HashMap<>(); // not ours after all
        }
        return map;
    }

    private static long nanos(FileTime t) {
        return t.to(TimeUnit.NANOSECONDS);
    }

    static String hashOf(Path p) throws IOException {
        MessageDigest d = VersionHash.sha256();
        try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0;) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
