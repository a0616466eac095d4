// An existing user namespace held by an fd (vagga's gateway one, for an ordinary user's network runs).
package vagga.linux;

/**
 * As vagga does it for an ordinary user: {@code vagga _create_netns} makes the gateway's network
 * namespace inside a user namespace of the user's (its subordinate ids mapped) and keeps both by
 * bind mounts; every namespace of a run with bridged children is then made inside that user
 * namespace, and those children run in it, so that no step of a run needs root.
 * A JVM cannot join a user namespace (setns needs a single-threaded process): a short child does
 * it for each new namespace (linux_user_namespace.c), and the shims are cloned from one that
 * joined it (Spawner).
 */
public final class UserNamespace implements AutoCloseable {
    static {
        LibraryLoader.load();
    }

    private final int fd;

    private UserNamespace(int fd) {
        this.fd = fd;
    }

    private static native int open0(String path);

    private static native int createNetwork0(int userns);

    private static native int connectLoopback0(int userns, int netns, int port, int millis);

    /** Opens {@code path} (a bind mount of one, or /proc/PID/ns/user); anything else is EINVAL. */
    public static UserNamespace open(java.nio.file.Path path) throws LinuxException {
        int r = open0(path.toString());
        if (r < 0) {
            throw new LinuxException("open", -r, path + ": " + (r == -22 ? "not a user namespace"
                    : Syscalls.strerror(-r)));
        }
        return new UserNamespace(r);
    }

    /** A new network namespace (with lo up) owned by this user namespace. */
    public NetworkNamespace createNetwork() throws LinuxException {
        int r = createNetwork0(fd);
        if (r < 0) {
            throw new LinuxException("setns(CLONE_NEWUSER)", -r,
                    "cannot create a network namespace in the gateway's user namespace: " + Syscalls.strerror(-r));
        }
        return NetworkNamespace.ofFd(r);
    }

    /**
     * A TCP connect to 127.0.0.1:{@code port} from inside the network namespace {@code netns}
     * owned by the user namespace {@code userns} (fds; an ordinary user's bridged child, whose
     * namespace no thread of ours may enter), at most {@code millis}; throws how it failed.
     */
    public static void connectLoopback(int userns, int netns, int port, int millis) throws LinuxException {
        int r = connectLoopback0(userns, netns, port, millis);
        if (r < 0) {
            throw new LinuxException("connect", -r, Syscalls.strerror(-r));
        }
    }

    /** The fd, for ShimInvocation#userNamespace. */
    public int fd() {
        return fd;
    }

    /** A path naming this namespace for another program (nsenter --user=) while this process lives. */
    public String procPath() {
        return "/proc/" + ProcessHandle.current().pid() + "/fd/" + fd;
    }

    @Override
    public void close() {
        Syscalls.closeQuietly(fd);
    }
}
