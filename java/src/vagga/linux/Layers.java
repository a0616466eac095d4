// An overlay mount over a saved root, and the file operations that make its upper layer a plain tree; natives in linux_layers.c.
package vagga.linux;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * overlayfs with {@code index=off,redirect_dir=off,metacopy=off,xino=off,volatile}: the upper
 * layer holds whole files and directories (a renamed directory is copied, not redirected), so
 * the caller can apply it to a plain tree; {@code volatile} spares the sync of the whole
 * filesystem at unmount. Paths with {@code , : \} are refused (EINVAL): the caller copies instead.
 */
public final class Layers {
    static {
        LibraryLoader.load();
    }

    /** errno of a non-directory with more names (hard links), which {@link #copyTree} does not copy. */
    public static final int EMLINK = 31;
    /** errno of a tree deeper than the native walks go (256 levels): the caller's Java or a copy instead. */
    public static final int ELOOP = 40;

    private Layers() {}

    private static native int privateNamespace0();
    private static native int join0(int tid);
    private static native int mount0(String lower, String upper, String work, String target);
    private static native int umount0(String target, boolean detach);
    private static native int opaque0(String path);
    private static native int strip0(String path);
    private static native int copyMeta0(String from, String to);
    private static native int copyTree0(String from, String to);
    private static native int remove0(String path);
    private static native byte[] apply0(String upper, String tree, String saved, int[] error, Object[] failed);
    private static native byte[] replaced0(String upper, String saved, int[] error);

    /**
     * Moves the calling thread alone into a copy of the mount namespace (mounts come in from the
     * host, none go out), so that its overlay mounts end with vagga, kill -9 included.
     * @return the thread's id, for {@link #join}
     */
    public static int privateNamespace() throws IOException {
        return check(Path.of("/"), privateNamespace0());
    }

    /** Moves the calling thread into the mount namespace of thread {@code tid} of this process (its working directory kept). */
    public static void join(int tid) throws IOException {
        check(Path.of("/proc/self/task/" + tid), join0(tid));
    }

    /** Mounts {@code lower} (read-only) and {@code upper} (writable, {@code work} beside it) at {@code target}. */
    public static void mount(Path lower, Path upper, Path work, Path target) throws IOException {
        check(target, mount0(lower.toString(), upper.toString(), work.toString(), target.toString()));
    }

    /** Unmounts {@code target}; {@code detach}: lazily, also when busy. */
    public static void umount(Path target, boolean detach) throws IOException {
        check(target, umount0(target.toString(), detach));
    }

    /** Whether {@code dir} of an upper layer is opaque (hides the lower directory's entries). */
    public static boolean isOpaque(Path dir) throws IOException {
        return check(dir, opaque0(dir.toString())) == 1;
    }

    /** Removes overlayfs's own xattrs ({@code trusted.overlay.*}) from {@code path} (not followed). */
    public static void strip(Path path) throws IOException {
        check(path, strip0(path.toString()));
    }

    /** Owner, mode, xattrs (but overlayfs's own) and times of {@code from} onto {@code to}. */
    public static void copyMeta(Path from, Path to) throws IOException {
        check(to, copyMeta0(from.toString(), to.toString()));
    }

    /**
     * Copies the entry {@code from} (a whole tree if a directory) to the new path {@code to}, with
     * owners, modes, xattrs and times; fails with {@link #EMLINK} at a file that has other names.
     */
    public static void copyTree(Path from, Path to) throws IOException {
        check(from, copyTree0(from.toString(), to.toString()));
    }

    /**
     * Removes {@code path} and, if a directory, everything below it; symlinks are removed, never
     * followed; nothing there is no error. One native call: a Java tree walk costs a cold JVM
     * ~4 ms even for the dozen emptied directories an applied upper layer leaves.
     */
    public static void remove(Path path) throws IOException {
        check(path, remove0(path.toString()));
    }

    /**
     * What {@link #apply} did: the records ("K\tpath" with K one of W deleted, D merged, O replaced
     * directory, F any other entry moved in; the last is "D\t", the root), or the path (from the
     * layer's root, with a leading /) of a saved file with several names that a step changed.
     */
    public record Applied(List<String> records, String severalNames) {}

    /**
     * Applies the overlay's upper layer {@code upper} to the plain tree {@code tree}, a copy of the
     * lower layer {@code saved}, in one native call (the upper layer is emptied, not removed):
     * entries in name order; a whiteout deletes; a directory that is neither opaque nor replacing
     * a non-directory is merged (its owner, mode, xattrs and times set after its entries); every
     * other entry is moved in (same inode) and loses overlayfs's xattrs. Stops, before changing it,
     * at the first non-directory whose saved file has more than one name.
     */
    public static Applied apply(Path upper, Path tree, Path saved) throws IOException {
        int[] error = new int[1];
        Object[] failed = new Object[1];
        byte[] out = apply0(upper.toString(), tree.toString(), saved.toString(), error, failed);
        if (out == null) {
            String where = failed[0] instanceof byte[] b ? new String(b, FILE_NAMES) : upper.toString();
            if (error[0] == -1) {
                return new Applied(List.of(), where);
            }
            throw new Failure(Path.of(where), error[0]);
        }
        List<String> records = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0) {
                records.add(new String(out, from, i - from, FILE_NAMES));
                from = i + 1;
            }
        }
        return new Applied(records, null);
    }

    /**
     * The paths (from the layer's root, no leading /) that the upper layer {@code upper} deletes or
     * replaces as a whole: every entry but a directory it merges (neither opaque nor over a
     * non-directory of the lower layer {@code saved}), below which it goes on. One native call: the
     * Java walk cost a rebuild ~1.5 ms for a dozen entries. Past 256 levels: {@link #ELOOP}.
     */
    public static List<String> replaced(Path upper, Path saved) throws IOException {
        int[] error = new int[1];
        byte[] out = replaced0(upper.toString(), saved.toString(), error);
        if (out == null) {
            throw new Failure(upper, error[0]);
        }
        List<String> paths = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0) {
                paths.add(new String(out, from + 2, i - from - 2, FILE_NAMES)); // past "R\t"
                from = i + 1;
            }
        }
        return paths;
    }

    /** How the JVM decodes file names (what Files.list would have given). */
    private static final Charset FILE_NAMES = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));

    /** The errno of a failure from this class, or 0. */
    public static int errno(IOException e) {
        return e instanceof Failure f ? f.errno : 0;
    }

    private static int check(Path path, int r) throws IOException {
        if (r < 0) {
            throw new Failure(path, -r);
        }
        return r;
    }

    private static final class Failure extends FileSystemException {
        private static final long serialVersionUID = 1L;
        final int errno;

        Failure(Path path, int errno) {
            super(path.toString(), null, Syscalls.strerror(errno));
            this.errno = errno;
        }
    }
}
