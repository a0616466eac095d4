// Hashes of the trees and files a version hash reads, each stored with its walk so that an unchanged one is not read again.
package vagga.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import vagga.linux.TreeWalk;
import vagga.linux.TreeWalk.Record;

/**
 * Per input (a tree with its filter, or one file) a file {@code .vagga/.cache/input-trees/<key
 * hash>} holds: the tree's hash, the bytes of its walk ({@link TreeWalk}: every entry's name and
 * type, and for each non-directory its mode, device, inode, size, mtime and ctime), the
 * directories the filter excluded (not entered), and per counted file its stat data and content
 * hash.
 *
 * <p>A start with nothing changed: one native walk compares the tree with the stored bytes, and
 * equal bytes give the stored hash. That is sound: equal bytes mean the same names and types
 * everywhere the filter looks (so the same decisions, the excluded directories included) and the
 * same stat data for every file; and a file's contents or a link's target cannot change without
 * its ctime moving to the time of the change (writes, renames, chmod, {@code touch -d} all set it;
 * nothing but the clock sets it). The stored bytes are trusted only when every counted entry's
 * ctime and mtime were older than {@link #RACY_NANOS} when they were stored ("racily clean", as
 * git): a change within the same timestamp tick as the stored one would otherwise go unseen.
 *
 * <p>Anything else (a change, no stored walk, a racy entry, a broken file): the tree is walked
 * directory by directory with the filter, and a counted file is read only when its stat data
 * differ from the stored ones or were racy. The file is then replaced through a rename (readers
 * see the old or the new one). Files not used by the current containers go with {@code _clean --old}.
 */
final class InputTrees {
    /** Two seconds: covers filesystems whose timestamps have a 1 s (or 2 s, FAT) granularity. */
    static final long RACY_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final byte[] MAGIC = "vagga-input-tree-2\n".getBytes(StandardCharsets.US_ASCII);
    private static final int HEX = 64;

    private final Path dir;
    private final Path project; // when set, dir is made beneath it without following symlinks
    private final LongSupplier clockNanos;
    private final Set<String> used = new HashSet<>();
    /** Hashes computed by this object: an input shared by several containers is walked once per run. */
    private final Map<String, String> computed = new HashMap<>();

    InputTrees(Path dir, LongSupplier clockNanos) {
        this(dir, null, clockNanos);
    }

    private InputTrees(Path dir, Path project, LongSupplier clockNanos) {
        this.dir = dir;
        this.project = project;
        this.clockNanos = clockNanos;
    }

    /** Byte strings in unsigned order (an anonymous class: see WALL_CLOCK). */
    private static final java.util.Comparator<byte[]> UNSIGNED = new java.util.Comparator<byte[]>() {
        @Override
        public int compare(byte[] a, byte[] b) {
            return Arrays.compareUnsigned(a, b);
        }
    };

    /** Stores nothing (no project directory to keep it in). */
    static InputTrees none() {
        return new InputTrees(null, WALL_CLOCK);
    }

    /** An anonymous class, not a method reference: every start makes one (see ProcessReactor's constructor). */
    private static final LongSupplier WALL_CLOCK = new LongSupplier() {
        @Override
        public long getAsLong() {
            return wallClockNanos();
        }
    };

    /** The project's store. */
    static InputTrees of(Path project) {
        return new InputTrees(directory(project), project.toAbsolutePath(), WALL_CLOCK);
    }

    static Path directory(Path project) {
        return ContainerBuilder.vaggaDir(project.toAbsolutePath()).resolve(".cache").resolve("input-trees");
    }

    private static long wallClockNanos() {
        return TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
    }

    /**
     * The hex sha256 of the tree at {@code root} as {@code filter} sees it: relative paths in
     * order, the type, the executable bit, sizes and contents of files, link targets, of the
     * entries the filter counts and the directories above them. Owners and times are left out,
     * so a fresh checkout hashes the same.
     * @param modes each entry's whole mode counts too (a !Copy with preserve-permissions copies it)
     */
    String treeHash(Path root, PathFilter filter, boolean modes) throws IOException {
        return hash("tree\0" + root.toAbsolutePath() + "\0" + filter.key() + (modes ? "\0modes" : ""), root, filter,
                modes);
    }

    /** The hex sha256 of the regular file {@code file}'s contents. */
    String contentHash(Path file) throws IOException {
        return hash("file\0" + file.toAbsolutePath(), file, null, false);
    }

    /** The names of the files in the store that this object read or wrote. */
    Set<String> used() {
        return used;
    }

    private String hash(String key, Path root, PathFilter filter, boolean modes) throws IOException {
        String known = computed.get(key);
        if (known != null) {
            return known; // its name is in used already
        }
        String name = HexFormat.of().formatHex(VersionHash.sha256().digest(key.getBytes(StandardCharsets.UTF_8)), 0, 16);
        used.add(name);
        Stored old = dir == null ? null : Stored.read(dir.resolve(name), key);
        if (old != null && old.trusted
                && TreeWalk.unchanged(root, old.pruned, old.walk, old.walk.position(), old.walk.remaining())) {
            computed.put(key, old.hash);
            return old.hash;
        }
        Stored fresh = walk(key, root, filter, modes, old);
        if (dir != null) {
            fresh.write(dir, project, name);
        }
        computed.put(key, fresh.hash);
        return fresh.hash;
    }

    /** A counted entry: its path relative to the root ("" for the root) and its record. */
    private record Counted(String rel, Record r) {}

    /** A counted file's stat data and content hash, as stored. */
    record FileHash(long dev, long ino, long size, long mtime, long ctime, boolean racy, String sha256) {
        boolean sameAs(Record r) {
            return !racy && dev == r.dev() && ino == r.ino() && size == r.size() && mtime == r.mtime()
                    && ctime == r.ctime();
        }
    }

    private Stored walk(String key, Path root, PathFilter filter, boolean modes, Stored old) throws IOException {
        ByteArrayOutputStream walk = new ByteArrayOutputStream();
        List<String> pruned = new ArrayList<>();
        List<Counted> counted = new ArrayList<>();
        byte[] rootBytes = TreeWalk.entry(root);
        walk.write(rootBytes);
        Record top = TreeWalk.read(ByteBuffer.wrap(rootBytes).order(TreeWalk.ORDER));
        counted.add(new Counted("", top));
        if (filter == null) {
            if (top.type() != 'f') {
                throw new java.nio.file.FileSystemException(root.toString(), null, "not a regular file");
            }
        } else if (top.isDirectory()) {
            walkDir(root, "", filter, walk, pruned, counted);
        }
        Map<String, FileHash> before = old == null ? Map.of() : old.files();
        Map<String, FileHash> files = new HashMap<>();
        MessageDigest d = VersionHash.sha256();
        String hash = null;
        for (Counted c : counted) {
            Record r = c.r();
            Path p = c.rel().isEmpty() ? root : root.resolve(c.rel());
            VersionHash.field(d, c.rel());
            switch (r.type()) {
                case 'l' -> {
                    VersionHash.field(d, "l");
                    VersionHash.field(d, Files.readSymbolicLink(p).toString());
                }
                case 'd' -> VersionHash.field(d, "d");
                case 'f' -> {
                    FileHash known = before.get(c.rel());
                    hash = known != null && known.sameAs(r) ? known.sha256() : contentOf(p);
                    files.put(c.rel(), new FileHash(r.dev(), r.ino(), r.size(), r.mtime(), r.ctime(), false, hash));
                    VersionHash.field(d, (r.mode() & 0100) != 0 ? "fx" : "f");
                    VersionHash.field(d, Long.toString(r.size()));
                    VersionHash.field(d, hash);
                }
                default -> VersionHash.field(d, "o");
            }
            if (modes && r.type() != 'l') {
                VersionHash.field(d, Integer.toOctalString(r.mode() & 07777));
            }
        }
        // racy: changed so recently that a change within the same timestamp tick would not show
        long now = clockNanos.getAsLong();
        boolean trusted = true;
        for (Counted c : counted) {
            Record r = c.r();
            if (!r.isDirectory() && (now - r.ctime() <= RACY_NANOS || now - r.mtime() <= RACY_NANOS)) {
                trusted = false;
                FileHash f = files.get(c.rel());
                if (f != null) {
                    files.put(c.rel(), new FileHash(f.dev(), f.ino(), f.size(), f.mtime(), f.ctime(), true, f.sha256()));
                }
            }
        }
        byte[][] prunedBytes = new byte[pruned.size()][];
        for (int i = 0; i < prunedBytes.length; i++) {
            prunedBytes[i] = pruned.get(i).getBytes(StandardCharsets.UTF_8);
        }
        Arrays.sort(prunedBytes, UNSIGNED);
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        for (byte[] b : prunedBytes) {
            p.write(b);
            p.write(0);
        }
        String result = filter == null ? hash : HexFormat.of().formatHex(d.digest());
        return new Stored(key, trusted, result, p.toByteArray(), ByteBuffer.wrap(walk.toByteArray()), files, null);
    }

    /** The listing of {@code dir} into {@code walk}, then each subdirectory not excluded, in listing order. */
    private static boolean walkDir(Path dir, String rel, PathFilter filter, ByteArrayOutputStream walk,
                                   List<String> pruned, List<Counted> counted) throws IOException {
        byte[] listing = TreeWalk.listing(dir);
        walk.write(listing);
        boolean any = false;
        for (Record r : TreeWalk.readListing(listing)) {
            if (r.name().indexOf('\uFFFD') >= 0 && !Files.exists(dir.resolve(r.name()), LinkOption.NOFOLLOW_LINKS)) {
                // its bytes are not UTF-8: decoded, the name is another (that does not exist)
                throw new FileSystemException(dir.resolve(r.name()).toString(), null, "a file name that is not UTF-8"
                        + " (vagga, a Java program, can only name files in UTF-8): rename it, or leave it out of the input");
            }
            String crel = rel.isEmpty() ? r.name() : rel + "/" + r.name();
            PathFilter.Decision decision = filter.decide(crel, r.isDirectory());
            if (decision == PathFilter.Decision.EXCLUDE_TREE) {
                if (r.isDirectory()) {
                    pruned.add(crel);
                }
                continue;
            }
            int at = counted.size();
            boolean below = r.isDirectory() && walkDir(dir.resolve(r.name()), crel, filter, walk, pruned, counted);
            if (decision == PathFilter.Decision.INCLUDE || below) {
                counted.add(at, new Counted(crel, r)); // before what is below it
                any = true;
            }
        }
        return any;
    }

    static String contentOf(Path p) throws IOException {
        MessageDigest d = VersionHash.sha256();
        try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0;) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /**
     * One stored input. The file (host byte order): MAGIC, u8 trusted, u32 + key, the hash (64 hex
     * digits), u32 + pruned directories (NUL-ended), u32 + the walk, u32 count of files, each u16 +
     * relative path, dev, ino, size, mtime, ctime (u64), u8 racy, 64 hex digits. The file part is
     * decoded only when the tree changed.
     */
    private record Stored(String key, boolean trusted, String hash, byte[] pruned, ByteBuffer walk,
                          Map<String, FileHash> decoded, ByteBuffer filePart) {

        Map<String, FileHash> files() {
            if (decoded != null) {
                return decoded;
            }
            Map<String, FileHash> out = new HashMap<>();
            ByteBuffer b = filePart.duplicate().order(TreeWalk.ORDER);
            int n = b.getInt();
            for (int i = 0; i < n; i++) {
                String rel = string(b, Short.toUnsignedInt(b.getShort()));
                long dev = b.getLong(), ino = b.getLong(), size = b.getLong(), mtime = b.getLong(), ctime = b.getLong();
                boolean racy = b.get() != 0;
                out.put(rel, new FileHash(dev, ino, size, mtime, ctime, racy, string(b, HEX)));
            }
            return out;
        }

        private static final long MAPPED_FROM = 16 << 20;

        /** The stored input for {@code key}, or null when there is none or it is not one of ours. */
        static Stored read(Path file, String key) {
            // read into a direct buffer (TreeWalk reads the walk in place), not mapped: FileChannel.map's
            // first use links a lambda in the JDK, and the first lambda costs a start ~10 ms of CPU
            // (a store past 16 MiB, a tree of ~100,000 files, is mapped: no copy, no direct-memory limit)
            ByteBuffer m;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                long size = ch.size();
                if (size > MAPPED_FROM) {
                    m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
                } else {
                    m = ByteBuffer.allocateDirect((int) size);
                    while (m.hasRemaining() && ch.read(m) >= 0) {
                        // until full (a file cut short meanwhile fails the checks below)
                    }
                    m.flip();
                }
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                return null; // no store: the tree is walked and hashed again
            }
            try {
                ByteBuffer b = m.order(TreeWalk.ORDER);
                byte[] magic = new byte[MAGIC.length];
                b.get(magic);
                if (!Arrays.equals(magic, MAGIC)) {
                    return null;
                }
                boolean trusted = b.get() == 1;
                if (!string(b, b.getInt()).equals(key)) {
                    return null; // another input with the same 128-bit name: not ours to use
                }
                String hash = string(b, HEX);
                byte[] pruned = bytes(b, b.getInt());
                int walkLength = b.getInt();
                ByteBuffer walk = b.slice(b.position(), walkLength); // the mapping itself (TreeWalk reads it in place)
                b.position(b.position() + walkLength);
                ByteBuffer filePart = b.slice();
                return new Stored(key, trusted, hash, pruned, walk, null, filePart);
            } catch (RuntimeException e) {
                return null; // truncated or foreign: walked and hashed again
            }
        }

        void write(Path dir, Path project, String name) {
            try {
                if (project != null) {
                    // a child may have replaced .vagga or .vagga/.cache by a symlink: never follow it
                    ProjectPaths.ensureDir(project, project.relativize(dir).toString());
                } else {
                    Files.createDirectories(dir);
                }
                Files.deleteIfExists(dir.resolveSibling("input-hashes")); // the text store it replaces
                byte[] k = key.getBytes(StandardCharsets.UTF_8);
                Map<String, FileHash> files = files();
                int size = MAGIC.length + 1 + 4 + k.length + HEX + 4 + pruned.length + 4 + walk.remaining() + 4;
                List<byte[]> rels = new ArrayList<>(files.size());
                for (String rel : files.keySet()) {
                    byte[] r = rel.getBytes(StandardCharsets.UTF_8);
                    rels.add(r);
                    size += 2 + r.length + 5 * 8 + 1 + HEX;
                }
                ByteBuffer b = ByteBuffer.allocate(size).order(TreeWalk.ORDER);
                b.put(MAGIC).put((byte) (trusted ? 1 : 0)).putInt(k.length).put(k)
                        .put(hash.getBytes(StandardCharsets.US_ASCII))
                        .putInt(pruned.length).put(pruned).putInt(walk.remaining()).put(walk.duplicate()).putInt(files.size());
                int i = 0;
                for (FileHash f : files.values()) {
                    byte[] r = rels.get(i++);
                    b.putShort((short) r.length).put(r).putLong(f.dev()).putLong(f.ino()).putLong(f.size())
                            .putLong(f.mtime()).putLong(f.ctime()).put((byte) (f.racy() ? 1 : 0))
                            .put(f.sha256().getBytes(StandardCharsets.US_ASCII));
                }
                Path tmp = dir.resolve(".tmp." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()));
                Files.write(tmp, b.array());
                Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException | RuntimeException e) {
                // only a cache: the next run walks and reads again
            }
        }

        private static String string(ByteBuffer b, int n) {
            return new String(bytes(b, n), StandardCharsets.UTF_8);
        }

        private static byte[] bytes(ByteBuffer b, int n) {
            byte[] out = new byte[n];
            b.get(out);
            return out;
        }
    }
}
