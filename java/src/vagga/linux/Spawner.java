// Runs an executable as PID 1 of new PID, mount and IPC (and user) namespaces; natives in linux_spawner.c.
package vagga.linux;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

final class Spawner {
    static {
        LibraryLoader.load();
    }

    private Spawner() {}

    /** Returns the pid or -errno; out = {pidfd, step that failed (see linux_spawner.c)}. */
    private static native int spawn0(byte[] path, byte[][] argv, byte[][] envp, int[] fds, int[] stdio,
                                     boolean userns, boolean noNamespaces, int uid, int gid, int joinUserns,
                                     int[] out);

    /** fds 0, 1, 2 of the child left as they are (inherited). */
    static final int[] INHERIT = {-1, -1, -1};

    private static final int STEP_CLONE = 1, STEP_SETGROUPS = 4, STEP_UID_MAP = 5,
            STEP_GID_MAP = 6, STEP_EXEC = 8, STEP_JOIN_USERNS = 9;
    private static final String[] STEP_CALLS = {
        "?", "clone", "rt_sigprocmask", "prctl(PR_SET_PDEATHSIG)", "write /proc/self/setgroups",
        "write /proc/self/uid_map", "write /proc/self/gid_map", "dup2", "execve", "setns(CLONE_NEWUSER)",
    };
    private static final int EPERM = 1, ENOSPC = 28, EUSERS = 87, EINVAL = 22;

    /** A started process: its host pid and a pidfd for it (O_CLOEXEC, ours to close). */
    record Spawned(int pid, int pidfd) {}

    /**
     * Clones with CLONE_VM|CLONE_VFORK (no page-table copy, FACTS.md) and execs {@code executable};
     * returns once the exec happened. {@code fds[i]} becomes fd 3+i in the child; 0-2 are inherited,
     * all other fds are closed. With {@code userns}, the child maps its own uid/gid to 0.
     */
    static Spawned spawn(Path executable, List<String> argv, List<String> env, int[] fds,
                         boolean userns) throws LinuxException {
        return spawn(executable, argv, env, fds, INHERIT, userns, true);
    }

    /**
     * selfMap false: the child leaves its id maps to the caller (newuidmap, --wait-userns);
     * {@code stdio[i] >= 0} becomes fd i of the child ({@link #INHERIT}: none does).
     */
    static Spawned spawn(Path executable, List<String> argv, List<String> env, int[] fds, int[] stdio,
                         boolean userns, boolean selfMap) throws LinuxException {
        return spawn(executable, argv, env, fds, stdio, userns, selfMap, false);
    }

    /** noNamespaces: the child stays in ours (a shim that enters a running container, --enter). */
    static Spawned spawn(Path executable, List<String> argv, List<String> env, int[] fds, int[] stdio,
                         boolean userns, boolean selfMap, boolean noNamespaces) throws LinuxException {
        return spawn(executable, argv, env, fds, stdio, userns, selfMap, noNamespaces, -1);
    }

    /**
     * {@code joinUserns} >= 0: the new namespaces are made inside that existing user namespace
     * (vagga's gateway one, for an ordinary user's bridged children) instead of a new one: a first
     * child joins it and clones the real one (linux_spawner.c); {@code userns} is then ignored.
     */
    static Spawned spawn(Path executable, List<String> argv, List<String> env, int[] fds, int[] stdio,
                         boolean userns, boolean selfMap, boolean noNamespaces, int joinUserns)
            throws LinuxException {
        int[] out = new int[2];
        int r = spawn0(bytes(executable.toString()), bytesArray(argv), bytesArray(env), fds, stdio,
                userns, noNamespaces, selfMap ? Syscalls.getuid() : -1, Syscalls.getgid(), joinUserns, out);
        if (r < 0) {
            throw failure(executable, -r, out[1], userns && joinUserns < 0);
        }
        return new Spawned(r, out[0]);
    }

    static LinuxException failure(Path executable, int errno, int step, boolean userns) {
        String call = step > 0 && step < STEP_CALLS.length ? STEP_CALLS[step] : "spawn";
        String text = Syscalls.strerror(errno);
        String hint = null;
        String message;
        if (step == STEP_CLONE) {
            message = "cannot create " + (userns ? "user and " : "") + "PID namespace: " + text;
            if (userns && (errno == EPERM || errno == ENOSPC || errno == EUSERS || errno == EINVAL)) {
                hint = "unprivileged user namespaces are disabled; see /proc/sys/user/max_user_namespaces";
            } else if (errno == ENOSPC || errno == EUSERS) {
                hint = "too many namespaces; see /proc/sys/user/max_pid_namespaces";
            } else if (errno == EPERM) {
                hint = "creating namespaces needs root or unprivileged user namespaces "
                        + "(a container may forbid both)";
            }
        } else if (step >= STEP_SETGROUPS && step <= STEP_GID_MAP) {
            message = "cannot map ids in the new user namespace (" + call + "): " + text;
            hint = "unprivileged user namespaces may be restricted; see /proc/sys/user/max_user_namespaces";
        } else if (step == STEP_JOIN_USERNS) {
            message = "cannot join the network's user namespace: " + text;
            hint = "vagga _create_netns made it; run vagga _destroy_netns and vagga _create_netns again";
        } else if (step == STEP_EXEC) {
            message = "cannot run the init shim " + executable + ": " + text;
        } else {
            message = "cannot start the init shim (" + call + "): " + text;
        }
        return new LinuxException(call, errno, message, hint);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[][] bytesArray(List<String> strings) {
        byte[][] b = new byte[strings.size()][];
        for (int i = 0; i < b.length; i++) {
            b[i] = bytes(strings.get(i));
        }
        return b;
    }
}
