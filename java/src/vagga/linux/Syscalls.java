// The plain system calls vagga needs (fds, pipes, epoll, pidfds, terminal); natives in linux_syscalls.c.
package vagga.linux;

/**
 * Each private {@code foo0} returns -errno on failure; each public {@code foo} throws
 * {@link LinuxException} naming the call.
 */
public final class Syscalls {
    static {
        LibraryLoader.load();
    }

    private Syscalls() {}

    static final int EPOLLIN = 0x001, EPOLLERR = 0x008, EPOLLHUP = 0x010;
    static final int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2;
    static final int WEXITED = 4, WNOHANG = 1;
    static final int CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3;
    static final int EINTR = 4, EAGAIN = 11, ESRCH = 3, EPIPE = 32, EBADF = 9;

    private static native int close0(int fd);
    private static native int read0(int fd, byte[] buf, int off, int len);
    private static native int write0(int fd, byte[] buf, int off, int len);
    private static native int pipe0(int[] out);
    private static native int setNonBlocking0(int fd);
    private static native int eventfd0();
    private static native int epollCreate0();
    private static native int epollCtl0(int epfd, int op, int fd, int events, long data);
    private static native int epollWait0(int epfd, long[] data, int[] events, int timeoutMs);
    private static native int kill0(int pid, int signal);
    private static native int pidfdSendSignal0(int pidfd, int signal);
    private static native int waitPidfd0(int pidfd, int options, int[] out);
    private static native int geteuid0();
    private static native int getuid0();
    private static native int getgid0();
    private static native int getpid0();
    private static native int getpgrp0();
    private static native int isatty0(int fd);
    private static native int tcgetpgrp0(int fd);
    private static native int tcsetpgrp0(int fd, int pgrp);
    private static native String strerror0(int errno);
    private static native int openFilesLimit0(long[] out);
    private static native int setOpenFilesLimit0(long soft, long hard);
    private static native int leaseRoot0(String dir);
    private static native int makeDirsBeneath0(String base, String rel, int mode, boolean exact, int uid, int gid,
                                               int[] failedAt);

    static final int ELOOP = 40, EXDEV = 18, ENOTDIR = 20;

    /**
     * mkdir -p of {@code rel} under the directory {@code base}, following no symlink and no ".."
     * on the way (openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS, native/shim/beneath.h): a container
     * has the project read-write, so a link under it may have been planted by a child.
     * {@code base} itself is followed (the project's own path is the user's).
     * @param exact give the last directory {@code mode} even when it exists
     * @param uid owner of the last directory when this call creates it, or -1
     * @return whether the last directory was created
     * @throws LinuxException naming the failing path; {@link LinuxException#errno()} is ELOOP for a
     *                        symlink on the way
     */
    public static boolean makeDirsBeneath(java.nio.file.Path base, String rel, int mode, boolean exact, int uid,
                                          int gid)
            throws LinuxException {
        int[] failedAt = new int[1];
        int r = makeDirsBeneath0(base.toString(), rel, mode, exact, uid, gid, failedAt);
        if (r >= 0) {
            return r == 1;
        }
        int errno = -r;
        String path = base.resolve(rel.substring(0, Math.min(failedAt[0], rel.length()))).toString();
        String why = errno == ELOOP ? "is a symlink (vagga does not follow symlinks under the project that a "
                + "container could have planted; remove it)"
                : errno == ENOTDIR ? "is not a directory" : strerror0(errno);
        throw new LinuxException("mkdir", errno, path + ": " + why);
    }

    /**
     * A built root's lease (image/RootLease): {@code dir/in-use} opened (created) without following
     * a link and share-locked with fcntl, as {@code FileChannel.lock(0, Long.MAX_VALUE, true)} does,
     * waiting while a removal holds it; {@code dir/last_use} truncated (created), so its mtime is
     * now. One call per container at every start, instead of two FileChannels.
     * @return the descriptor holding the lock: keep it open (closing any descriptor of the file
     *         drops every fcntl lock this process holds on it)
     */
    public static int leaseRoot(java.nio.file.Path dir) throws LinuxException {
        return check("lock " + dir.resolve("in-use"), leaseRoot0(dir.toString()));
    }

    /** RLIMIT_NOFILE: {soft, hard}, Long.MAX_VALUE for unlimited. */
    public static long[] openFilesLimit() throws LinuxException {
        long[] out = new long[2];
        check("getrlimit(RLIMIT_NOFILE)", openFilesLimit0(out));
        return out;
    }

    public static void setOpenFilesLimit(long soft, long hard) throws LinuxException {
        check("setrlimit(RLIMIT_NOFILE)", setOpenFilesLimit0(soft, hard));
    }

    /** strerror(3) text for {@code errno}. */
    public static String strerror(int errno) {
        return strerror0(errno);
    }

    static LinuxException error(String call, int negErrno) {
        int errno = -negErrno;
        return new LinuxException(call, errno, call + ": " + strerror0(errno));
    }

    private static int check(String call, int r) throws LinuxException {
        if (r < 0) {
            throw error(call, r);
        }
        return r;
    }

    /** Closes quietly: used on cleanup paths where the fd is ours and an error changes nothing. */
    static void closeQuietly(int fd) {
        if (fd >= 0) {
            close0(fd);
        }
    }

    /** read(2); 0 on EOF, -1 when a non-blocking fd has nothing. */
    static int read(int fd, byte[] buf, int off, int len) throws LinuxException {
        int r = read0(fd, buf, off, len);
        if (r == -EAGAIN) {
            return -1;
        }
        return check("read", r);
    }

    /** write(2) of at most 4096 bytes; returns the count written. */
    static int write(int fd, byte[] buf, int off, int len) throws LinuxException {
        return check("write", write0(fd, buf, off, len));
    }

    /** {read end, write end}, both O_CLOEXEC. */
    static int[] pipe() throws LinuxException {
        int[] fds = new int[2];
        check("pipe2", pipe0(fds));
        return fds;
    }

    static void setNonBlocking(int fd) throws LinuxException {
        check("fcntl(O_NONBLOCK)", setNonBlocking0(fd));
    }

    static int eventfd() throws LinuxException {
        return check("eventfd", eventfd0());
    }

    static int epollCreate() throws LinuxException {
        return check("epoll_create1", epollCreate0());
    }

    static void epollAdd(int epfd, int fd, int events, long data) throws LinuxException {
        check("epoll_ctl(ADD)", epollCtl0(epfd, EPOLL_CTL_ADD, fd, events, data));
    }

    static void epollDelete(int epfd, int fd) throws LinuxException {
        check("epoll_ctl(DEL)", epollCtl0(epfd, EPOLL_CTL_DEL, fd, 0, 0));
    }

    /** Returns the number of ready entries; 0 on timeout or EINTR. */
    static int epollWait(int epfd, long[] data, int[] events, int timeoutMs) throws LinuxException {
        int r = epollWait0(epfd, data, events, timeoutMs);
        if (r == -EINTR) {
            return 0;
        }
        return check("epoll_wait", r);
    }

    /** kill(2); pid may be negative for a process group. */
    public static void kill(int pid, int signal) throws LinuxException {
        check("kill", kill0(pid, signal));
    }

    /** pidfd_send_signal(2); returns false when the process is already gone. */
    static boolean pidfdSendSignal(int pidfd, int signal) throws LinuxException {
        int r = pidfdSendSignal0(pidfd, signal);
        if (r == -ESRCH) {
            return false;
        }
        check("pidfd_send_signal", r);
        return true;
    }

    /** waitid(P_PIDFD, WEXITED): reaps exactly this child and returns how it ended. */
    static ExitStatus waitPidfd(int pidfd) throws LinuxException {
        int[] out = new int[2];
        check("waitid(P_PIDFD)", waitPidfd0(pidfd, WEXITED, out));
        return switch (out[0]) {
            case CLD_EXITED -> new ExitStatus.Exited(out[1]);
            case CLD_KILLED -> new ExitStatus.Signalled(out[1], false);
            case CLD_DUMPED -> new ExitStatus.Signalled(out[1], true);
            default -> throw new LinuxException("waitid(P_PIDFD)", 0,
                    "waitid(P_PIDFD): unexpected si_code " + out[0]);
        };
    }

    public static int geteuid() {
        return geteuid0();
    }

    public static int getuid() {
        return getuid0();
    }

    public static int getgid() {
        return getgid0();
    }

    public static int getpid() {
        return getpid0();
    }

    public static int getpgrp() {
        return getpgrp0();
    }

    public static boolean isatty(int fd) {
        return isatty0(fd) == 1;
    }

    public static int tcgetpgrp(int fd) throws LinuxException {
        return check("tcgetpgrp", tcgetpgrp0(fd));
    }

    /** tcsetpgrp(3) with SIGTTOU blocked, so a background caller is not stopped by it. */
    public static void tcsetpgrp(int fd, int pgrp) throws LinuxException {
        check("tcsetpgrp", tcsetpgrp0(fd, pgrp));
    }

    /** Takes the terminal on {@code fd} back for our own process group if it is a tty and some
     *  other group (a child's) holds it; returns whether it did. */
    public static boolean reclaimTerminal(int fd) throws LinuxException {
        if (!isatty(fd)) {
            return false;
        }
        int own = getpgrp();
        if (tcgetpgrp(fd) == own) {
            return false;
        }
        tcsetpgrp(fd, own);
        return true;
    }

    /** Stops this whole process (SIGSTOP cannot be caught), as a shell's Ctrl-Z would. */
    public static void stopSelf() throws LinuxException {
        kill(getpid(), Signals.SIGSTOP);
    }
}
