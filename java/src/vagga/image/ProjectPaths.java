// Maps /work/... paths and project-relative paths to host paths, refusing any that leave the project.
package vagga.image;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import vagga.linux.LinuxException;
import vagga.linux.Syscalls;

public final class ProjectPaths {
    private ProjectPaths() {}

    /**
     * mkdir -p of a directory vagga keeps under the project ({@code .vagga/.volumes/NAME}, ...)
     * without following any symlink on the way: a container has the project read-write and may
     * have planted one. The shim binds such paths the same way (PROTOCOL.md).
     * @param rel   relative to the project, e.g. ".vagga/.cache/NAME"
     * @param uid   owner given to the last directory when it is created here, or -1 (gid alike)
     * @return the host path, and whether it was created
     */
    public static Created ensureDir(Path project, String rel, int uid, int gid) throws IOException {
        try {
            boolean created = Syscalls.makeDirsBeneath(project.toAbsolutePath(), rel, 0755, false, uid, gid);
            return new Created(project.toAbsolutePath().resolve(rel), created);
        } catch (LinuxException e) {
            throw new FileSystemException(e.getMessage());
        }
    }

    /**
     * Like {@link #ensureDir(Path, String)}, and the directory is for its owner only (0700, also when
     * it existed): .vagga/.roots and .vagga/.transient hold what tarballs bring (device nodes,
     * setuid files), which other local users must not reach.
     */
    public static Path ensurePrivateDir(Path project, String rel) throws IOException {
        try {
            Syscalls.makeDirsBeneath(project.toAbsolutePath(), rel, 0700, true, -1, -1);
            return project.toAbsolutePath().resolve(rel);
        } catch (LinuxException e) {
            throw new FileSystemException(e.getMessage());
        }
    }

    /** See {@link #ensureDir(Path, String, int, int)}. */
    public static Path ensureDir(Path project, String rel) throws IOException {
        return ensureDir(project, rel, -1, -1).path();
    }

    /** A directory {@link #ensureDir} made sure of. */
    public record Created(Path path, boolean created) {}

    /** The path leaves the project directory (through ".." or a symlink). */
    public static final class EscapeException extends IOException {
        private static final long serialVersionUID = 1L;

        EscapeException(String message) {
            super(message);
        }
    }

    /** For a container path "/work" or "/work/...": the host path in the project; otherwise null. */
    static Path workSource(Path project, String containerPath) throws IOException {
        if (containerPath.equals("/work") || containerPath.equals("/work/")) {
            return inProject(project, "");
        }
        if (containerPath.startsWith("/work/")) {
            return inProject(project, containerPath.substring("/work/".length()));
        }
        return null;
    }

    /**
     * A path relative to the project root (a leading "/work/" is accepted too) as a host path,
     * after checking that neither ".." nor a symlink on the way leads out of the project.
     * The path need not exist; its existing part is checked with toRealPath.
     */
    public static Path inProject(Path project, String relative) throws IOException {
        String rel = relative;
        if (rel.equals("/work") || rel.startsWith("/work/")) {
            rel = rel.substring("/work".length());
        }
        while (rel.startsWith("/")) {
            rel = rel.substring(1);
        }
        Path realProject = project.toRealPath();
        Path normal = Path.of(rel).normalize();
        if (normal.startsWith("..") || normal.isAbsolute()) {
            throw new EscapeException("\"" + relative + "\" is outside the project directory");
        }
        Path host = realProject.resolve(normal);
        Path existing = host;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing != null) {
            Path real;
            try {
                real = existing.toRealPath();
            } catch (NoSuchFileException e) {
                // a dangling symlink: where it points is what matters
                real = existing.getParent().toRealPath().resolve(Files.readSymbolicLink(existing)).normalize();
            }
            if (!real.startsWith(realProject)) {
                throw new EscapeException("\"" + relative + "\" leads outside the project directory (to "
                        + real + ") through a symlink");
            }
            return real.resolve(existing.relativize(host));
        }
        return host;
    }

    /** One short phrase for an I/O failure, for "container ...: step ...: <phrase>" lines. */
    public static String describe(IOException e) {
        if (e instanceof NoSuchFileException n) {
            return "no such file or directory: " + n.getFile();
        }
        if (e instanceof AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getFile() + ": " + f.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
