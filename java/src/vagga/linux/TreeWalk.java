// Directory listings as packed stat records, and the no-change check of a whole tree; natives in linux_tree_walk.c.
package vagga.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * The bytes are those of linux_tree_walk.c's comment (host byte order): a record is a name, a
 * type ({@code d f l o}), the mode and, unless a directory, device, inode, size, mtime and ctime (ns);
 * a listing is a count and the sorted records of a directory. Symlinks are never followed. A
 * tree's bytes are its root's record then the listings of every directory not pruned, depth
 * first in listing order: {@link #unchanged} compares a tree with such bytes in one call, without
 * creating a Java object per file (a 20,000-file {@code !Copy} is checked in milliseconds; by two
 * threads when a core is free).
 */
public final class TreeWalk {
    static {
        LibraryLoader.load();
    }

    private TreeWalk() {}

    /** Byte order of the records. */
    public static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final int ENOENT = 2, EACCES = 13, ENOTDIR = 20, ELOOP = 40;

    private static native byte[] entry0(String path, int[] errno);
    private static native byte[] listing0(String path, int[] errno);
    private static native int unchanged0(String root, byte[] pruned, ByteBuffer expected, int off, int len,
            int walkers);

    /** The record of {@code path} itself (with an empty name). */
    public static byte[] entry(Path path) throws IOException {
        int[] errno = new int[1];
        byte[] b = entry0(path.toString(), errno);
        if (b == null) {
            throw failure(path, errno[0]);
        }
        return b;
    }

    /** The listing of the directory {@code dir}. */
    public static byte[] listing(Path dir) throws IOException {
        int[] errno = new int[1];
        byte[] b = listing0(dir.toString(), errno);
        if (b == null) {
            throw failure(dir, errno[0]);
        }
        return b;
    }

    /**
     * True when the tree at {@code root}, not entering the directories {@code pruned} (relative
     * paths, each ended by a NUL byte, sorted by unsigned bytes), gives exactly the bytes
     * {@code [off, off+len)} of the direct buffer {@code expected} (read in place, not copied);
     * false when it differs, cannot be walked, or the buffer is not direct.
     */
    public static boolean unchanged(Path root, byte[] pruned, ByteBuffer expected, int off, int len) {
        return unchanged0(root.toString(), pruned, expected, off, len, Integer.getInteger(WALKERS, 0)) == 1;
    }

    /**
     * How many threads walk: unset, two for a large tree (past 64 KiB of records) when a core is
     * free, else one; 1 or 2 force that (tests of both walks).
     */
    public static final String WALKERS = "vagga.treeWalkers";

    /** One record read from a listing or an entry. */
    public record Record(String name, char type, int mode, long dev, long ino, long size, long mtime, long ctime) {
        public boolean isDirectory() {
            return type == 'd';
        }
    }

    /** Reads one record at the buffer's position (the buffer must be in {@link #ORDER}). */
    public static Record read(ByteBuffer b) {
        int n = Short.toUnsignedInt(b.getShort());
        String name = new String(b.array(), b.arrayOffset() + b.position(), n, StandardCharsets.UTF_8);
        b.position(b.position() + n);
        char type = (char) b.get();
        int mode = b.getInt();
        if (type == 'd') {
            return new Record(name, type, mode, 0, 0, 0, 0, 0);
        }
        return new Record(name, type, mode, b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong());
    }

    /** The records of a listing. */
    public static Record[] readListing(byte[] listing) {
        ByteBuffer b = ByteBuffer.wrap(listing).order(ORDER);
        Record[] out = new Record[b.getInt()];
        for (int i = 0; i < out.length; i++) {
            out[i] = read(b);
        }
        return out;
    }

    private static IOException failure(Path path, int errno) {
        String file = path.toString();
        return switch (errno) {
            case ENOENT -> new NoSuchFileException(file);
            case EACCES -> new AccessDeniedException(file);
            case ENOTDIR -> new NotDirectoryException(file);
            case ELOOP -> new FileSystemException(file, null, "is a symlink");
            default -> new FileSystemException(file, null, Syscalls.strerror(errno));
        };
    }
}
