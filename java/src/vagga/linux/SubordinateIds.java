// The uid/gid ranges /etc/subuid and /etc/subgid give the user, for a full user-namespace map.
package vagga.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Unprivileged, a process may map only its own id into a new user namespace; newuidmap and
 * newgidmap (setuid, from Debian's uidmap) may map the ranges the administrator granted. The map
 * is: 0 -> the user's own id, 1.. -> the subordinate range (as podman and vagga do).
 */
public record SubordinateIds(int uid, int gid, long uidStart, long uidCount, long gidStart, long gidCount) {
    static final Path NEWUIDMAP = Path.of("/usr/bin/newuidmap");
    static final Path NEWGIDMAP = Path.of("/usr/bin/newgidmap");

    /** The ranges of the current user, or null when there is no range or no newuidmap. */
    public static SubordinateIds forCurrentUser() {
        int uid = Syscalls.getuid();
        int gid = Syscalls.getgid();
        String user = System.getProperty("user.name");
        long[] u = range(Path.of("/etc/subuid"), user, uid);
        long[] g = range(Path.of("/etc/subgid"), user, uid);
        if (u == null || g == null || !Files.isExecutable(NEWUIDMAP) || !Files.isExecutable(NEWGIDMAP)) {
            return null;
        }
        return new SubordinateIds(uid, gid, u[0], u[1], g[0], g[1]);
    }

    /** The first "name:start:count" (or "uid:start:count") line of the user; null if none. */
    static long[] range(Path file, String user, int uid) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            return null;
        }
        for (String line : lines) {
            String[] f = line.strip().split(":");
            if (f.length == 3 && (f[0].equals(user) || f[0].equals(Integer.toString(uid)))) {
                try {
                    long start = Long.parseLong(f[1]);
                    long count = Long.parseLong(f[2]);
                    if (count > 0) {
                        return new long[] {start, count};
                    }
                } catch (NumberFormatException e) {
                    // a malformed line is skipped, as shadow-utils does
                }
            }
        }
        return null;
    }

    /** Writes the maps of the (waiting) process {@code pid} with newuidmap and newgidmap, run side
     *  by side (each is a setuid program start: this is most of an unprivileged child's start cost). */
    void writeMaps(int pid) throws LinuxException {
        List<String> uidCmd = List.of(NEWUIDMAP.toString(), Integer.toString(pid), "0", Integer.toString(uid), "1",
                "1", Long.toString(uidStart), Long.toString(uidCount));
        List<String> gidCmd = List.of(NEWGIDMAP.toString(), Integer.toString(pid), "0", Integer.toString(gid), "1",
                "1", Long.toString(gidStart), Long.toString(gidCount));
        Process uidMap = start(uidCmd);
        Process gidMap;
        try {
            gidMap = start(gidCmd);
        } catch (LinuxException e) {
            uidMap.destroy();
            throw e;
        }
        finish(uidMap, uidCmd);
        finish(gidMap, gidCmd);
    }

    private static Process start(List<String> command) throws LinuxException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            return p;
        } catch (IOException e) {
            throw new LinuxException(command.get(0), 0, "cannot run " + command.get(0) + ": " + e.getMessage());
        }
    }

    private static void finish(Process p, List<String> command) throws LinuxException {
        List<String> output = new ArrayList<>();
        int code;
        try {
            output.addAll(new String(p.getInputStream().readAllBytes()).strip().lines().toList());
            code = p.waitFor();
        } catch (IOException e) {
            throw new LinuxException(command.get(0), 0, "cannot read " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LinuxException(command.get(0), 4, command.get(0) + " was interrupted");
        }
        if (code != 0) {
            throw new LinuxException(command.get(0), 0, String.join(" ", command) + " failed: "
                    + String.join("; ", output), "check the ranges for your user in /etc/subuid and /etc/subgid");
        }
    }
}
