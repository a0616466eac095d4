// write-mode: transient-hard-link-copy: a throw-away hard-link copy of a root in .vagga/.transient, removed after use.
package vagga.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Directory name {@code <container>.<vagga pid>.<n>}: the pid lets {@code _clean --transient}
 * (and the next copy made) tell copies of dead vagga processes, e.g. after kill -9, from live
 * ones. As in vagga, files are hard links: a file rewritten in place changes the container's
 * own copy; one replaced (write new file, rename) does not.
 */
public final class TransientCopy implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final Path dir;

    private TransientCopy(Path dir) {
        this.dir = dir;
    }

    /** The copy's root, to give the shim with writableRoot=true. */
    public Path root() {
        return dir;
    }

    /** Makes the copy of {@code root} (a built root from ContainerBuilder). */
    public static TransientCopy create(Path projectRoot, String containerName, Path root) throws BuildException {
        Path base = StorageBase.base(projectRoot);
        Path transientDir = base.resolve(".transient");
        long pid = ProcessHandle.current().pid();
        Path dir = transientDir.resolve(containerName + "." + pid + "." + COUNTER.incrementAndGet());
        try {
            StorageBase.ensurePrivate(projectRoot, base, ".transient");
            removeDead(transientDir);
            // the root may now differ from what its build made: never recycled for a later build (LayeredRoot)
            Path written = root.getParent().resolve(LayeredRoot.WRITTEN);
            if (!Files.exists(written, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createFile(written);
            }
            FileTrees.delete(dir);
            FileTrees.hardLinkCopy(root, dir);
        } catch (IOException e) {
            try {
                FileTrees.delete(dir);
            } catch (IOException ignored) {
                // the first error is the one to report; _clean --transient removes the rest
            }
            throw new BuildException("container \"" + containerName + "\": cannot make a transient copy: "
                    + ProjectPaths.describe(e), e);
        }
        return new TransientCopy(dir);
    }

    /** Removes the copy; call when the process that used it has ended. */
    @Override
    public void close() throws IOException {
        FileTrees.delete(dir);
    }

    /** Removes the copies made by vagga processes that are no longer running; returns them. */
    public static List<Path> removeDead(Path transientDir) throws IOException {
        List<Path> removed = deadCopies(transientDir);
        for (Path p : removed) {
            FileTrees.delete(p);
        }
        return removed;
    }

    /** The copies made by vagga processes that are no longer running. */
    static List<Path> deadCopies(Path transientDir) throws IOException {
        List<Path> dead = new ArrayList<>();
        if (!Files.isDirectory(transientDir)) {
            return dead;
        }
        List<Path> entries;
        try (Stream<Path> s = Files.list(transientDir)) {
            entries = s.sorted().toList();
        }
        for (Path p : entries) {
            long pid = ownerPid(p.getFileName().toString());
            if (pid > 0 && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                dead.add(p);
            }
        }
        return dead;
    }

    private static long ownerPid(String name) {
        String[] parts = name.split("\\.");
        if (parts.length < 3) {
            return -1;
        }
        try {
            return Long.parseLong(parts[parts.length - 2]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
