// One supervise child as the export files see it: image, argv, environment, mounts, readiness, order.
package vagga.export;

import java.util.List;
import java.util.Map;

import vagga.config.Position;
import vagga.config.Readiness;
import vagga.config.RestartPolicy;

/**
 * @param image     the image name (ours from _pack_image --oci, or --host-root-image)
 * @param workDir   the absolute work dir inside the container (/work/...)
 * @param readOnly  the root filesystem is read-only (vagga's default; write-mode makes it writable)
 * @param mounts    in path order; /work, /tmp and /run included
 */
public record ExportedChild(String name, Position position, String container, String image, List<String> argv,
                            Map<String, String> environ, String workDir, int userId, int groupId,
                            List<Integer> supplementaryGids, boolean readOnly, List<Mount> mounts,
                            Readiness ready, List<String> after, RestartPolicy restart) {

    /** A mount of the exported child, by kind. */
    public sealed interface Mount {
        String target();
    }

    /** The project (or a directory of it: {@code source} relative to the project root, "" for the root). */
    public record ProjectBind(String target, String source, boolean readOnly) implements Mount {}

    /** A named volume shared by every child that names it ({@code !Persistent}). */
    public record Named(String target, String name) implements Mount {}

    /** A fresh tmpfs; {@code readOnly} for vagga's {@code !Empty}. */
    public record Tmpfs(String target, long size, int mode, boolean readOnly) implements Mount {}

    /** A private writable copy of what the image has there ({@code !Snapshot}). */
    public record Snapshot(String target, Position position) implements Mount {}
}
