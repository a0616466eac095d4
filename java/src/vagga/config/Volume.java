// The values of `volumes:` maps (SPEC 1.6).
package vagga.config;

import java.util.Map;

public sealed interface Volume {
    Position position();

    /** A directory made inside a !Tmpfs: mode only. */
    record TmpfsDir(int mode) {}

    /** size in bytes (default 100 MiB), mode (default 0o1777). */
    record Tmpfs(Position position, long size, int mode, Map<String, TmpfsDir> subdirs,
                 Map<String, String> files) implements Volume {}

    /** path is a path inside the container: /work/... or /volumes/... */
    record BindRW(Position position, String path) implements Volume {}

    record BindRO(Position position, String path) implements Volume {}

    record Empty(Position position) implements Volume {}

    record VaggaBin(Position position) implements Volume {}

    /** size in bytes (default 100 MiB), owner ids or null. */
    record Snapshot(Position position, long size, Integer ownerUid, Integer ownerGid,
                    String container) implements Volume {}

    record ContainerVolume(Position position, String name) implements Volume {}

    /** initCommand: the command that initialises the volume when it does not exist yet, or null. */
    record Persistent(Position position, String name, String initCommand, Integer ownerUid,
                      Integer ownerGid) implements Volume {}

    record CacheDir(Position position, String name) implements Volume {}
}
