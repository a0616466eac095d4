// One mount the shim makes inside the container after the standard ones (volumes, SPEC 1.6).
package vagga.linux;

import java.util.Map;

public sealed interface MountSpec {
    /** Mount point inside the container (absolute). */
    String dest();

    /** subdirs: relative path -> mode; files: relative path -> content. */
    record Tmpfs(String dest, long size, int mode, Map<String, Integer> subdirs,
                 Map<String, String> files) implements MountSpec {}

    /** source is a host path (already resolved and checked by the supervisor). */
    record Bind(String source, String dest, boolean readOnly) implements MountSpec {}

    /**
     * A tmpfs of {@code size} bytes at dest holding a private copy of what the container had there.
     * ownerUid/ownerGid: owner of every copied entry, or {@link #KEEP} for each entry's own.
     */
    /** source: a host directory to copy (another container's root), or null for what dest shows. */
    record Snapshot(String dest, long size, int ownerUid, int ownerGid, String source) implements MountSpec {
        public static final int KEEP = -1;

        public Snapshot(String dest, long size, int ownerUid, int ownerGid) {
            this(dest, size, ownerUid, ownerGid, null);
        }
    }
}
