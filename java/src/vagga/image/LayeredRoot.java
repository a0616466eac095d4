// A build root that is an overlay over a saved root (step-by-step reuse), and how its upper layer becomes a plain tree.
package vagga.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;
import vagga.linux.Layers;

/**
 * A build that starts from a saved root, or has saved one, goes on in an overlay mount at its root
 * whose lower layer is the saved root ({@code .steps/<entry>/root}, never written) and whose upper
 * layer ({@code .upper} beside the root, in the build's temporary directory) receives every change:
 * a later step's in-place write to a file of an earlier step is a copy-up, not a write to the saved
 * root. At the end (or to save a later step) the mount goes and the upper layer is applied to a
 * plain tree: whiteouts delete, opaque or replaced directories and every other entry are moved in
 * (rename: same inode, so hard links made by the steps stay), merged directories take the upper
 * one's owner, mode, xattrs and times; overlayfs's own xattrs are dropped. The tree is either a
 * copy of the saved root ({@code cp -a}) or, cheaper, a previous root of the container made from
 * the same saved root that nothing uses: its own recorded changes are reverted from the saved root
 * first ({@link #recycle}). What was applied is recorded in the root's directory ({@code layer}).
 */
final class LayeredRoot {
    /** The record of the applied upper layer, beside the root (environ, removes). */
    static final String RECORD = "layer";
    /** Beside a root that a writable run used: it may differ from what its build made. */
    static final String WRITTEN = "written";
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    /** A lower file with several names was changed in place: only a build from scratch gives its other names the change. */
    static final class Inexact extends Exception {
        private static final long serialVersionUID = 1L;

        /** @param note the whole line for the user: why, and that the build starts from scratch */
        Inexact(String note) {
            super(note);
        }
    }

    /** The building thread's own mount namespace, once made (its thread id): what it mounts ends with vagga. */
    private static final ThreadLocal<Integer> OWN_NAMESPACE = new ThreadLocal<>();

    private final Path tmp;
    private final Path root;
    private final IntPredicate joinCommands;
    private Path lower;
    private String lowerId;

    /**
     * @param tmp the build's temporary directory, holding {@code root}
     * @param joinCommands moves the build commands' reactor into the mount namespace of the given thread
     */
    LayeredRoot(Path tmp, Path root, IntPredicate joinCommands) {
        this.tmp = tmp;
        this.root = root;
        this.joinCommands = joinCommands;
    }

    /** Overlay mounts are ours to make: vagga runs as the host's root, and VAGGA_STEP_LAYERS is not "copy". */
    static boolean possible() {
        return FileTrees.hostRoot() && !"copy".equals(System.getenv("VAGGA_STEP_LAYERS"));
    }

    boolean mounted() {
        return lower != null;
    }

    /** The saved root under the mount (null when the root is a plain directory). */
    Path lower() {
        return lower;
    }

    private Path upper() {
        return tmp.resolve(".upper");
    }

    /** Mounts the overlay at the (empty) root with {@code savedRoot} below and a new upper layer. */
    void mount(Path savedRoot, String id) throws IOException {
        Path upper = upper();
        Path work = tmp.resolve(".work");
        FileTrees.delete(upper);
        FileTrees.delete(work);
        Files.createDirectory(upper);
        Files.createDirectory(work);
        Layers.copyMeta(savedRoot, upper); // the merged root's own owner, mode and times are the upper's
        // mounted in a namespace of this thread and the build commands' only: a kill -9 of vagga
        // leaves no mount behind, on the host or anywhere
        if (OWN_NAMESPACE.get() == null) {
            OWN_NAMESPACE.set(Layers.privateNamespace());
        }
        if (!joinCommands.test(OWN_NAMESPACE.get())) {
            throw new IOException("the build's commands cannot start in the builder's mount namespace");
        }
        Layers.mount(savedRoot, upper, work, root);
        lower = savedRoot;
        lowerId = id;
    }

    /**
     * No entry of the upper layer stands for {@code rel} (a name below the root: written, replaced,
     * deleted by a whiteout) or for a directory above it other than a merged one (a whiteout, a
     * file, a symlink, an opaque directory): the merged root shows the lower layer's {@code rel}.
     */
    boolean unchanged(String rel) throws IOException {
        Path p = upper();
        String[] names = rel.split("/");
        for (int i = 0; i < names.length; i++) {
            p = p.resolve(names[i]);
            if (!Files.exists(p, NOFOLLOW)) {
                return true;
            }
            if (i == names.length - 1 || !Files.isDirectory(p, NOFOLLOW) || Layers.isOpaque(p)) {
                return false;
            }
        }
        return true;
    }

    /** The root is a plain directory again (a mount that could not be made). */
    void forget() {
        lower = null;
    }

    /** Unmounts; the upper layer stays for {@link #applyTo}. */
    void unmount() throws IOException {
        if (lower != null) {
            Layers.umount(root, false);
        }
    }

    /** After a failure: the mount goes (lazily if busy), so the temporary directory can be removed. */
    void abandon() {
        if (lower != null) {
            try {
                Layers.umount(root, true);
            } catch (IOException e) {
                // not mounted any more
            }
            lower = null;
        }
    }

    /** A build directory a killed build left: its root may still be a mount (of a vagga that mounted on the host). */
    static void unmountStale(Path tmpDir) {
        Path r = tmpDir.resolve("root");
        try {
            if (Files.isDirectory(r, NOFOLLOW) && !Files.getAttribute(r, "unix:dev", NOFOLLOW)
                    .equals(Files.getAttribute(tmpDir, "unix:dev", NOFOLLOW))) {
                Layers.umount(r, true);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not ours, or already gone: the removal that follows reports what matters
        }
    }

    /**
     * After {@link #unmount}: the plain tree at the root, from a recycled previous root when one
     * fits, else a copy of the saved root, with the upper layer applied and recorded in {@code dir}.
     * @param candidates previous roots of the container (NAME.HASH directories), the most recent first:
     *     the first one made from the same saved root that no process uses is recycled
     * @return a line for the user, or null
     */
    String materialize(Path dir, List<Path> candidates) throws IOException, StepFailure, InterruptedException, Inexact {
        Path saved = lower;
        lower = null;
        Files.delete(root); // the mount point, empty again
        String how = null;
        Set<String> replaced = null;
        for (Path old : candidates) {
            List<String[]> records = readRecord(old, lowerId);
            // the lease last: a file lock's probe costs more than reading a record (many roots, one fits)
            if (records == null || !Files.isDirectory(old.resolve("root"), NOFOLLOW) || !RootLease.unused(old)) {
                continue;
            }
            if (replaced == null) {
                replaced = new HashSet<>();
                try {
                    replaced.addAll(Layers.replaced(upper(), saved));
                } catch (IOException e) {
                    if (Layers.errno(e) != Layers.ELOOP) {
                        throw e;
                    }
                    // deeper than 256 levels: applyTo refuses the layer below (Inexact); copying back
                    // what the layer replaces is only slower, never wrong
                }
            }
            // a killed build leaves only .tmp.* names: the old root is gone, never half-reverted under its name
            Path moved = old.resolveSibling(".tmp." + old.getFileName() + ".recycled");
            FileTrees.delete(moved);
            Files.move(old, moved, StandardCopyOption.ATOMIC_MOVE);
            Files.move(moved.resolve("root"), root, StandardCopyOption.ATOMIC_MOVE);
            removeOrWalk(moved); // what was beside the old root (its record, environ, package list)
            if (revert(records, saved, replaced)) {
                how = "reused the unused root " + old.getFileName() + " for the unchanged files";
                break;
            }
            FileTrees.delete(root); // a reverted file has other names: copy instead
        }
        if (how == null) {
            Files.createDirectory(root);
            SavedSteps.copy(saved, root);
        }
        List<String> applied = new ArrayList<>();
        applyTo(root, saved, applied);
        StringBuilder sb = new StringBuilder("saved\t").append(lowerId).append('\0');
        for (String r : applied) {
            sb.append(r).append('\0');
        }
        Files.writeString(dir.resolve(RECORD), sb.toString(), StandardCharsets.UTF_8);
        return how;
    }

    /** Applies the upper layer to {@code tree} (a copy of the saved root {@code saved}); records what it changed. */
    void applyTo(Path tree, Path saved, List<String> applied) throws IOException, Inexact {
        // one native call (Layers.apply): this Java walk's NIO calls, run once per build in a cold
        // JVM, cost a rebuild ~15 ms of CPU for a handful of entries. A step that wrote, replaced,
        // renamed or deleted a name of a saved file with several names: the overlay copied that
        // name up alone (overlayfs keeps no lower hard link without its index), where a fresh build
        // changes the one file under all its names; such a build starts again from scratch (Inexact).
        Layers.Applied done;
        try {
            done = Layers.apply(upper(), tree, saved);
        } catch (IOException e) {
            if (Layers.errno(e) != Layers.ELOOP) {
                throw e;
            }
            throw new Inexact("a step's changes go more than 256 directories deep (" + e.getMessage()
                    + "): building from scratch, as the saved root cannot take them");
        }
        if (done.severalNames() != null) {
            throw new Inexact("a step changed a name of a file that has several in the saved root ("
                    + done.severalNames() + "): building from scratch, as only that changes all its names alike");
        }
        applied.addAll(done.records());
        removeOrWalk(upper());
        removeOrWalk(tmp.resolve(".work"));
    }

    /** One native call (a Java walk costs a cold JVM ~4 ms for a dozen directories); a Java walk where it cannot go. */
    private static void removeOrWalk(Path path) throws IOException {
        try {
            Layers.remove(path);
        } catch (IOException e) {
            if (Layers.errno(e) != Layers.ELOOP) {
                throw e;
            }
            FileTrees.delete(path);
        }
    }

    /** The records of a previous root's applied layer when it was made over the saved root {@code id}; else null. */
    private static List<String[]> readRecord(Path dir, String id) throws IOException {
        Path file = dir.resolve(RECORD);
        if (!Files.isRegularFile(file, NOFOLLOW) || Files.exists(dir.resolve(WRITTEN), NOFOLLOW)) {
            return null;
        }
        String[] parts = Files.readString(file, StandardCharsets.UTF_8).split("\0");
        if (parts.length < 2 || !parts[0].equals("saved\t" + id)) {
            return null;
        }
        List<String[]> out = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            int tab = parts[i].indexOf('\t');
            if (tab != 1) {
                return null;
            }
            out.add(new String[] {parts[i].substring(0, 1), parts[i].substring(2)});
        }
        return out;
    }

    /**
     * Turns the recycled root back into the saved root: each entry its layer replaced or deleted is
     * replaced by the saved root's (or removed), each merged directory takes the saved one's owner,
     * mode, xattrs and times, in the recorded order (entries before their directory). False when
     * an entry to copy back has other names (hard links), which a copy cannot give it.
     */
    private boolean revert(List<String[]> records, Path saved, Set<String> replaced) throws IOException {
        for (String[] rec : records) {
            Path mine = rec[1].isEmpty() ? root : root.resolve(rec[1]);
            Path theirs = rec[1].isEmpty() ? saved : saved.resolve(rec[1]);
            if (rec[0].equals("D")) {
                Layers.copyMeta(theirs, mine);
                continue;
            }
            FileTrees.delete(mine);
            // what this build's layer deletes or replaces is not copied back first (apt's caches, each build)
            if (!replaced.contains(rec[1]) && Files.exists(theirs, NOFOLLOW)) {
                try {
                    Layers.copyTree(theirs, mine);
                } catch (IOException e) {
                    if (Layers.errno(e) == Layers.EMLINK || Layers.errno(e) == Layers.ELOOP) {
                        return false;
                    }
                    throw e;
                }
            }
        }
        return true;
    }
}
