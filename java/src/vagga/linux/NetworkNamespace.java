// A network namespace held by an fd: the isolated one (only "lo") of an isolate-network run, or one of
// the network family's (vagga's gateway, a run's bridge, a bridged child's).
package vagga.linux;

import java.util.concurrent.atomic.AtomicInteger;

public final class NetworkNamespace implements AutoCloseable {
    static {
        LibraryLoader.load();
    }

    private final int fd;

    private NetworkNamespace(int fd) {
        this.fd = fd;
    }

    /** Takes over {@code fd}, a network namespace's (UserNamespace#createNetwork). */
    static NetworkNamespace ofFd(int fd) {
        return new NetworkNamespace(fd);
    }

    private static native int create0();

    private static native int enter0(int fd);

    private static native int open0(String path);

    /**
     * Opens an existing network namespace: a file a namespace is bind-mounted on (vagga's
     * {@code netns}) or {@code /proc/PID/ns/net}; anything else is EINVAL.
     */
    public static NetworkNamespace open(java.nio.file.Path path) throws LinuxException {
        int r = open0(path.toString());
        if (r < 0) {
            throw new LinuxException("open", -r, path + ": " + (r == -22 ? "not a network namespace"
                    : Syscalls.strerror(-r)));
        }
        return new NetworkNamespace(r);
    }

    /**
     * A path naming this namespace for another program ({@code nsenter --net=}, {@code ip link set
     * ... netns}) while this process lives: its fd under /proc.
     */
    public String procPath() {
        return "/proc/" + ProcessHandle.current().pid() + "/fd/" + fd;
    }

    /** The namespace's identity as the kernel shows it in /proc ({@code net:[4026532001]}). */
    public String identity() throws LinuxException {
        try {
            return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + fd)).toString();
        } catch (java.io.IOException e) {
            throw new LinuxException("readlink", 5, "cannot read the namespace of fd " + fd + ": " + e.getMessage());
        }
    }

    /**
     * Moves the calling thread (only it: namespaces are per thread) into the network namespace
     * {@code fd} for good; for a thread of its own, e.g. a readiness probe of an isolated child.
     */
    public static void enterOnThisThread(int fd) throws LinuxException {
        int r = enter0(fd);
        if (r < 0) {
            throw new LinuxException("setns(CLONE_NEWNET)", -r,
                    "cannot enter the isolated network namespace: " + Syscalls.strerror(-r));
        }
    }

    /** The namespace's fd, for ShimInvocation.newNetwork. */
    public int fd() {
        return fd;
    }

    /**
     * Creates the namespace on a throw-away platform thread: unshare(CLONE_NEWNET) moves only the
     * calling thread, and no thread of the supervisor may stay in it.
     */
    public static NetworkNamespace create() throws LinuxException {
        AtomicInteger result = new AtomicInteger();
        Thread thread = new Thread(() -> result.set(create0()), "vagga-netns");
        thread.start();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        int r = result.get();
        if (r < 0) {
            String hint = r == -1 || r == -13
                    ? "an isolated network needs root (CAP_SYS_ADMIN); run vagga as root or drop isolate-network"
                    : null;
            throw new LinuxException("unshare(CLONE_NEWNET)", -r,
                    "cannot create the isolated network namespace: " + Syscalls.strerror(-r), hint);
        }
        return new NetworkNamespace(r);
    }

    @Override
    public void close() {
        Syscalls.closeQuietly(fd);
    }
}
