// Whole-tree file operations the builder needs: delete, copy, hard-link copy, merge.
package vagga.image;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Symlinks are never followed: container roots hold absolute links that point at host files. */
public final class FileTrees {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private FileTrees() {}

    /**
     * The entries of a directory, in no order. A loop over a DirectoryStream, not Files.list: its
     * stream pipeline and lambdas are linked on first use, which costs a cold JVM more than the
     * listing (a rebuild lists a dozen small directories).
     */
    public static List<Path> entries(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                out.add(p);
            }
        }
        return out;
    }

    /** The entries of a directory whose names start with {@code prefix}. */
    static List<Path> entries(Path dir, String prefix) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : entries(dir)) {
            if (p.getFileName().toString().startsWith(prefix)) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * The file's new text, by rename over it: a symlink there is replaced, never followed (a root's
     * file may be a link to a host file), and the temporary name is made anew (O_EXCL). The
     * directory above must be the one meant: resolve it with {@link RootPath} first.
     */
    public static void replace(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(".tmp." + file.getFileName());
        Files.deleteIfExists(tmp);
        Files.writeString(tmp, text, java.nio.charset.StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Removes a file or a whole tree; nothing there is fine. */
    public static void delete(Path path) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            a = null; // as before: the walk below reports what matters
        }
        if (a != null && !a.isDirectory()) {
            Files.deleteIfExists(path); // a file, a link, a device: no walk
            return;
        }
        if (a == null && !Files.exists(path, NOFOLLOW)) {
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
     * Copies a file or tree to {@code dest} as vagga's !Copy: the entries the filter counts and the
     * directories above them, with the modes, owners and times of {@code options}; symlinks are
     * copied as links. Existing files are replaced, existing directories merged.
     */
    static boolean isEmptyDir(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    static void copy(Path source, Path dest, CopyOptions options) throws IOException {
        PosixFileAttributes top = Files.readAttributes(source, PosixFileAttributes.class, NOFOLLOW);
        if (!top.isDirectory()) {
            copyEntry(source, dest, top, options, true);
            return;
        }
        copyEntry(source, dest, top, options, false); // vagga leaves the top directory's times alone
        List<Path> entries = new ArrayList<>();
        List<String> names = new ArrayList<>();
        counted(source, "", options.filter(), entries, names);
        for (int i = 0; i < entries.size(); i++) {
            Path p = entries.get(i);
            copyEntry(p, dest.resolve(names.get(i)), Files.readAttributes(p, PosixFileAttributes.class, NOFOLLOW),
                    options, true);
        }
    }

    private static void copyEntry(Path from, Path to, PosixFileAttributes a, CopyOptions o, boolean times)
            throws IOException {
        int mode = o.mode(a.isDirectory(), (Integer) Files.getAttribute(from, "unix:mode", NOFOLLOW));
        if (a.isSymbolicLink()) {
            if (Files.isDirectory(to, NOFOLLOW)) {
                delete(to);
            }
            Files.deleteIfExists(to);
            Files.createSymbolicLink(to, Files.readSymbolicLink(from));
        } else if (a.isDirectory()) {
            if (!Files.isDirectory(to, NOFOLLOW)) {
                Files.deleteIfExists(to);
                Files.createDirectory(to);
            }
        } else if (a.isRegularFile()) {
            if (Files.isDirectory(to, NOFOLLOW)) {
                delete(to);
            }
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, NOFOLLOW);
        } else {
            return; // devices, fifos, sockets: not something a project's sources hold
        }
        if (hostRoot()) {
            Files.setAttribute(to, "unix:uid", o.ownerUid() != null ? o.ownerUid() : Files.getAttribute(from,
                    "unix:uid", NOFOLLOW), NOFOLLOW);
            Files.setAttribute(to, "unix:gid", o.ownerGid() != null ? o.ownerGid() : Files.getAttribute(from,
                    "unix:gid", NOFOLLOW), NOFOLLOW);
        }
        if (!a.isSymbolicLink()) {
            // after the owner: a chown clears setuid and setgid bits (preserve-permissions keeps them)
            ContainerBuilder.setMode(to, mode);
        }
        if (times && !a.isSymbolicLink()) {
            FileTime t = FileTime.from(CopyOptions.DEFAULT_TIME, TimeUnit.SECONDS);
            Files.getFileAttributeView(to, BasicFileAttributeView.class, NOFOLLOW).setTimes(
                    o.preserveTimes() ? a.lastModifiedTime() : t, o.preserveTimes() ? a.lastAccessTime() : t, null);
        }
    }

    /** True when vagga runs as the host's root (/proc/self belongs to our uid). */
    public static boolean hostRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException e) {
            return false;
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

    /** Appends the counted entries below {@code dir} in sorted order; true when there was one. */
    private static boolean counted(Path dir, String rel, PathFilter filter, List<Path> entries, List<String> names)
            throws IOException {
        List<Path> children;
        try (Stream<Path> s = Files.list(dir)) {
            children = new ArrayList<>(s.toList());
        }
        children.sort((x, y) -> x.getFileName().toString().compareTo(y.getFileName().toString()));
        boolean any = false;
        for (Path c : children) {
            String name = c.getFileName().toString();
            String crel = rel.isEmpty() ? name : rel + "/" + name;
            boolean isDir = Files.isDirectory(c, NOFOLLOW);
            PathFilter.Decision decision = filter.decide(crel, isDir);
            if (decision == PathFilter.Decision.EXCLUDE_TREE) {
                continue;
            }
            int at = entries.size();
            boolean below = isDir && counted(c, crel, filter, entries, names);
            if (decision == PathFilter.Decision.INCLUDE || below) {
                entries.add(at, c); // before what is below it
                names.add(at, crel);
                any = true;
            }
        }
        return any;
    }

    /**
     * Moves every entry of {@code from} into {@code into}, merging directories that exist in both.
     * Into another filesystem (a build root that is an overlay mount, LayeredRoot) the entries are
     * copied with one tar, which keeps their hard links among each other, and {@code from} removed.
     */
    static void mergeMove(Path from, Path into) throws IOException, StepFailure, InterruptedException {
        Files.createDirectories(into);
        if (Files.getAttribute(from, "unix:dev", NOFOLLOW).equals(Files.getAttribute(into, "unix:dev", NOFOLLOW))) {
            mergeRename(from, into);
            return;
        }
        List<String> moved = new ArrayList<>();
        clearFor(from, into, "", moved);
        if (!moved.isEmpty()) {
            Path list = Files.createTempFile(from.getParent(), ".merge.", ".list");
            try {
                Files.writeString(list, String.join("\0", moved) + "\0");
                HostTool.run(List.of("bash", "-o", "pipefail", "-c",
                        "tar -C \"$1\" --null --no-unquote -T \"$3\" --numeric-owner --xattrs --xattrs-include='*' -cf - "
                        + "| tar -C \"$2\" -xpf - --numeric-owner --xattrs --xattrs-include='*'",
                        "merge", from.toString(), into.toString(), list.toString()), "tar");
            } finally {
                Files.deleteIfExists(list);
            }
        }
        delete(from);
    }

    /** What {@link #mergeRename} would move, as paths relative to {@code from}; what they replace is deleted. */
    private static void clearFor(Path from, Path into, String rel, List<String> moved) throws IOException {
        List<Path> entries;
        try (Stream<Path> s = Files.list(from)) {
            entries = s.toList();
        }
        for (Path e : entries) {
            String name = e.getFileName().toString();
            String r = rel.isEmpty() ? name : rel + "/" + name;
            Path t = into.resolve(name);
            if (Files.isDirectory(e, NOFOLLOW) && Files.isDirectory(t, NOFOLLOW)) {
                clearFor(e, t, r, moved);
                continue;
            }
            delete(t);
            moved.add(r);
        }
    }

    private static void mergeRename(Path from, Path into) throws IOException {
        List<Path> entries;
        try (Stream<Path> s = Files.list(from)) {
            entries = s.toList();
        }
        for (Path e : entries) {
            Path t = into.resolve(e.getFileName().toString());
            boolean srcDir = Files.isDirectory(e, NOFOLLOW);
            if (srcDir && Files.isDirectory(t, NOFOLLOW)) {
                mergeRename(e, t);
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
