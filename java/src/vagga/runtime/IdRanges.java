// A container's uids/gids against the subordinate ranges an ordinary user has: vagga's check and words.
package vagga.runtime;

import java.util.ArrayList;
import java.util.List;

import vagga.config.Container;
import vagga.linux.SubordinateIds;

/**
 * As vagga's {@code map_users}: inside the user namespace of an ordinary user, id 0 is the user's
 * own and 1..N the range of /etc/subuid (/etc/subgid); the ids a container asks for (id 0 aside)
 * must not be more than N. As root every id is there. Without any range we map the user's own id
 * only and warn, where vagga refuses (README, known differences).
 */
final class IdRanges {
    private IdRanges() {}

    /** @param ids null as root or without a range: nothing to check */
    static void check(Container container, SubordinateIds ids) throws VolumeException {
        if (ids == null) {
            return;
        }
        check(container.uids(), ids.uidCount(), "subuids", "/etc/subuid", "uids");
        check(container.gids(), ids.gidCount(), "subgids", "/etc/subgid", "gids");
    }

    private static void check(List<String> required, long allowed, String what, String file, String key)
            throws VolumeException {
        long needed = 0;
        List<String> shown = new ArrayList<>();
        for (String range : required) {
            int dash = range.indexOf('-');
            long start = Long.parseLong(dash < 0 ? range : range.substring(0, dash));
            long end = dash < 0 ? start : Long.parseLong(range.substring(dash + 1));
            needed += end - start + 1 - (start == 0 ? 1 : 0);
            shown.add(start + "-" + end);
        }
        if (needed > allowed) {
            throw new VolumeException("Number of allowed " + what + " is too small. Required " + shown
                    + ", allowed [0-0" + (allowed > 0 ? ", 1-" + allowed : "") + "]. You either need to increase "
                    + "allowed numbers in " + file + " (preferred) or decrease needed ranges in vagga.yaml by "
                    + "adding `" + key + "` key to container config");
        }
    }
}
