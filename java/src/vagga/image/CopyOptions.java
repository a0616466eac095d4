// How a !Copy writes what it copies: which files, owners, vagga's modes (umask) and times.
package vagga.image;

/**
 * As vagga's {@code Copy::calc_mode}: without {@code preserve-permissions} a directory gets
 * {@code 0777 & ~umask}, a file {@code 0666 & ~umask} ({@code 0777 & ~umask} when its owner may
 * execute it), so 775/664 with the default umask 0002; with it, the source's mode bits. Times are
 * 1 (1970-01-01 00:00:01) unless {@code preserve-times}, so a copy does not change with the clock.
 * Owners: the given ones, else the source's (set only when vagga runs as the host's root).
 */
record CopyOptions(PathFilter filter, Integer ownerUid, Integer ownerGid, int umask,
                   boolean preservePermissions, boolean preserveTimes) {
    static final int DEFAULT_UMASK = 0002;
    /** vagga's DEFAULT_ATIME / DEFAULT_MTIME, in seconds. */
    static final long DEFAULT_TIME = 1;

    int mode(boolean dir, int sourceMode) {
        if (preservePermissions) {
            return sourceMode & 07777;
        }
        int base = dir ? 0777 : (sourceMode & 0100) != 0 ? 0777 : 0666;
        return base & ~umask;
    }
}
