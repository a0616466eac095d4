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
        long[] g = ownIdProblem(Path.of("/etc/subgid"), user, gid) != null ? null
                : firstRange(Path.of("/etc/subgid"), user, uid);
        if (u == null || g == null || !Files.isExecutable(NEWUIDMAP) || !Files.isExecutable(NEWGIDMAP)) {
            return null;
        }
        return new SubordinateIds(uid, gid, u[0], u[1], g[0], g[1]);
    }

    /**
     * The first "name:start:count" (or "uid:start:count") line of the user; null if none, or if a line
     * of the user's includes the user's own id (vagga then maps only the user's own id: {@link #problems}).
     */
    static long[] range(Path file, String user, int uid) {
        return ownIdProblem(file, user, uid) != null ? null : firstRange(file, user, uid);
    }

    private static long[] firstRange(Path file, String user, int uid) {
        List<String> lines = lines(file);
        for (String line : lines) {
            long[] r = parse(line, user, uid);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }

    /** start and count of a line of the user's; null for another user's or a malformed line (skipped, as shadow-utils does). */
    private static long[] parse(String line, String user, int uid) {
        String[] f = line.strip().split(":");
        if (f.length == 3 && (f[0].equals(user) || f[0].equals(Integer.toString(uid)))) {
            try {
                long start = Long.parseLong(f[1]);
                long count = Long.parseLong(f[2]);
                return count > 0 ? new long[] {start, count} : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** vagga's read_id_map check: a range of the user's that holds the user's own id {@code id}. */
    static String ownIdProblem(Path file, String user, int id) {
        List<String> lines = lines(file);
        for (int i = 0; i < lines.size(); i++) {
            long[] r = parse(lines.get(i), user, id);
            // vagga's bounds: start <= id < start + count - 1
            if (r != null && id >= r[0] && id < r[0] + r[1] - 1) {
                return file + ":" + (i + 1) + ": range " + r[0] + ".." + (r[0] + r[1] - 1) + " includes original id, "
                        + "they should only include additional ranges not user's own uid/gid";
            }
        }
        return null;
    }

    /**
     * Why the current user's ranges are not used although they are there, in vagga's words (its
     * {@code Error reading uidmap: ...} / {@code gidmap} lines); empty when nothing is wrong.
     */
    public static List<String> problems() {
        String user = System.getProperty("user.name");
        List<String> out = new ArrayList<>();
        String u = ownIdProblem(Path.of("/etc/subuid"), user, Syscalls.getuid());
        if (u != null) {
            out.add("Error reading uidmap: " + u);
        }
        String g = ownIdProblem(Path.of("/etc/subgid"), user, Syscalls.getgid());
        if (g != null) {
            out.add("Error reading gidmap: " + g);
        }
        return out;
    }

    /** Writes the maps of the (waiting) process {@code pid} with newuidmap and newgidmap, run side
     *  by side (each is a setuid program start: this is most of an unprivileged child's start cost). */
    public void writeMaps(int pid) throws LinuxException {
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
