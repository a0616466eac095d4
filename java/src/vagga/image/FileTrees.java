// Whole-tree file operations the builder needs: delete, copy, hard-link copy, content digest.
package vagga.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Symlinks are never followed: container roots hold absolute links that point at host files. */
final class FileTrees {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private FileTrees() {}

    /** Removes a file or a whole tree; nothing there is fine. */
    static void delete(Path path) throws IOException {
        if (!Files.exists(path, NOFOLLOW)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                // A read-only directory (mode 0555 from a tarball) is fine for root, but not for
                // an unprivileged run: make it writable before emptying it.
                if (!Files.isWritable(dir)) {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null && !(exc instanceof NoSuchFileException)) {
                    throw exc;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Copies a file or tree to {@code dest}, keeping modes, times and (when allowed) owners;
     * symlinks are copied as links. Existing files are replaced, existing directories merged.
     */
    static void copy(Path source, Path dest, Predicate<String> ignored, Integer uid, Integer gid)
            throws IOException {
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            private Path target(Path p) {
                return dest.resolve(source.relativize(p).toString());
            }

            private boolean skip(Path p) {
                String rel = source.relativize(p).toString();
                return !rel.isEmpty() && ignored.test(rel);
            }

            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (skip(dir)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Path t = target(dir);
                if (!Files.isDirectory(t, NOFOLLOW)) {
                    Files.deleteIfExists(t);
                    Files.copy(dir, t, StandardCopyOption.COPY_ATTRIBUTES, NOFOLLOW);
                }
                own(t, uid, gid);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (skip(file)) {
                    return FileVisitResult.CONTINUE;
                }
                Path t = target(file);
                if (Files.isDirectory(t, NOFOLLOW)) {
                    delete(t);
                }
                Files.copy(file, t, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING,
                        NOFOLLOW);
                own(t, uid, gid);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** True when vagga runs as the host's root (/proc/self belongs to our uid). */
    static boolean hostRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static void own(Path p, Integer uid, Integer gid) throws IOException {
        // Unprivileged, owners inside the user namespace cannot be set from outside it; the
        // files then belong to our uid, which is root inside the container.
        if (!hostRoot()) {
            return;
        }
        if (uid != null) {
            Files.setAttribute(p, "unix:uid", uid, NOFOLLOW);
        }
        if (gid != null) {
            Files.setAttribute(p, "unix:gid", gid, NOFOLLOW);
        }
    }

    /**
     * Recreates the tree of directories and symlinks at {@code dest} and hard-links every other
     * file (what vagga's transient-hard-link-copy does: cheap, but a file changed in place is
     * changed in the original too; replacing it, as editors and package managers do, is safe).
     */
    static void hardLinkCopy(Path source, Path dest) throws IOException {
        List<Path[]> dirTimes = new ArrayList<>();
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            private Path target(Path p) {
                return dest.resolve(source.relativize(p).toString());
            }

            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path t = target(dir);
                Files.copy(dir, t, StandardCopyOption.COPY_ATTRIBUTES, NOFOLLOW);
                dirTimes.add(new Path[] {dir, t});
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path t = target(file);
                if (attrs.isSymbolicLink() || !attrs.isRegularFile()) {
                    // links, fifos, device nodes: copies of the node itself
                    Files.copy(file, t, StandardCopyOption.COPY_ATTRIBUTES, NOFOLLOW);
                } else {
                    Files.createLink(t, file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        // Creating entries changed the copies' mtimes; put them back like cp -a would.
        for (Path[] pair : dirTimes) {
            Files.setLastModifiedTime(pair[1], Files.getLastModifiedTime(pair[0], NOFOLLOW));
        }
    }

    /**
     * Feeds a canonical description of the file or tree into {@code digest}: relative paths in
     * sorted order, the type, the executable bit, file contents and link targets. Owners and
     * times are left out, so a fresh checkout hashes the same.
     */
    static void digest(Path root, Predicate<String> ignored, MessageDigest digest) throws IOException {
        if (!Files.exists(root, NOFOLLOW)) {
            throw new NoSuchFileException(root.toString());
        }
        digestEntry(root, "", ignored, digest);
    }

    private static void digestEntry(Path p, String rel, Predicate<String> ignored, MessageDigest d)
            throws IOException {
        if (!rel.isEmpty() && ignored.test(rel)) {
            return;
        }
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, NOFOLLOW);
        VersionHash.field(d, rel);
        if (a.isSymbolicLink()) {
            VersionHash.field(d, "l");
            VersionHash.field(d, Files.readSymbolicLink(p).toString());
        } else if (a.isDirectory()) {
            VersionHash.field(d, "d");
            List<Path> children;
            try (Stream<Path> s = Files.list(p)) {
                children = new ArrayList<>(s.toList());
            }
            children.sort((x, y) -> x.getFileName().toString().compareTo(y.getFileName().toString()));
            for (Path c : children) {
                String name = c.getFileName().toString();
                digestEntry(c, rel.isEmpty() ? name : rel + "/" + name, ignored, d);
            }
        } else if (a.isRegularFile()) {
            Set<PosixFilePermission> perms = a.permissions();
            VersionHash.field(d, perms.contains(PosixFilePermission.OWNER_EXECUTE) ? "fx" : "f");
            VersionHash.field(d, Long.toString(a.size()));
            try (InputStream in = Files.newInputStream(p)) {
                byte[] buf = new byte[65536];
                for (int n; (n = in.read(buf)) > 0;) {
                    d.update(buf, 0, n);
                }
            }
        } else {
            VersionHash.field(d, "o");
        }
    }

    /** Moves every entry of {@code from} into {@code into}, merging directories that exist in both. */
    static void mergeMove(Path from, Path into) throws IOException {
        Files.createDirectories(into);
        List<Path> entries;
        try (Stream<Path> s = Files.list(from)) {
            entries = s.toList();
        }
        for (Path e : entries) {
            Path t = into.resolve(e.getFileName().toString());
            boolean srcDir = Files.isDirectory(e, NOFOLLOW);
            if (srcDir && Files.isDirectory(t, NOFOLLOW)) {
                mergeMove(e, t);
                Files.delete(e);
                continue;
            }
            if (Files.exists(t, NOFOLLOW)) {
                delete(t);
            }
            try {
                Files.move(e, t, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException ex) {
                throw new IOException("cannot replace " + t, ex);
            }
        }
    }
}
