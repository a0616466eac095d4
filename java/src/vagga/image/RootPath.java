// Maps a path inside a container root to a host path, following the root's symlinks as the container would.
package vagga.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Host-side steps (!Text, !Copy, !EnsureDir, ...) write into a root that was unpacked from an
 * archive. A symlink in it such as {@code /etc/x -> /etc/passwd} must resolve against the
 * container root, never against the host's "/", or a build could overwrite host files.
 */
public final class RootPath {
    private static final int MAX_SYMLINKS = 40;

    private RootPath() {}

    /**
     * @param followLast follow a symlink in the last component too (false: for removing or
     *                   replacing the link itself)
     * @return a host path under {@code root}; missing components are simply appended
     */
    public static Path resolve(Path root, String containerPath, boolean followLast) throws IOException {
        Deque<String> todo = new ArrayDeque<>();
        for (String part : split(containerPath)) { // not the copying constructor: it links a lambda (~1 ms cold)
            todo.addLast(part);
        }
        List<String> done = new ArrayList<>();
        int hops = 0;
        while (!todo.isEmpty()) {
            String part = todo.pollFirst();
            if (part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                }
                continue;
            }
            Path candidate = join(root, done).resolve(part);
            boolean last = todo.isEmpty();
            if ((!last || followLast) && Files.isSymbolicLink(candidate)) {
                if (++hops > MAX_SYMLINKS) {
                    throw new IOException("too many levels of symbolic links in " + containerPath);
                }
                String target = Files.readSymbolicLink(candidate).toString();
                if (target.startsWith("/")) {
                    done.clear();
                }
                List<String> parts = split(target);
                for (int i = parts.size() - 1; i >= 0; i--) {
                    todo.addFirst(parts.get(i));
                }
                continue;
            }
            done.add(part);
        }
        return join(root, done);
    }

    /** True when the path exists in the root (symlinks followed inside the root). */
    public static boolean exists(Path root, String containerPath) throws IOException {
        return Files.exists(resolve(root, containerPath, true), LinkOption.NOFOLLOW_LINKS);
    }

    private static Path join(Path root, List<String> parts) {
        Path p = root;
        for (String s : parts) {
            p = p.resolve(s);
        }
        return p;
    }

    private static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }
}
