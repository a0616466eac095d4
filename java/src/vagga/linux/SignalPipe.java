// Signals caught by a native handler that writes each signal number to a self-pipe; natives in linux_signal_pipe.c.
package vagga.linux;

/** One per process (the handler has one pipe); owned by the {@link ProcessReactor}. */
final class SignalPipe {
    static {
        LibraryLoader.load();
    }

    private static native int init0(int writeFd);
    private static native int handle0(int signal);
    private static native int reset0(int signal);
    private static native int unblock0(int signal);
    private static native int defaultIfIgnored0(int signal);
    private static native int fatalFromOutside0(int signal);

    private static SignalPipe instance;

    /** Non-blocking; the write end belongs to the native handler for the life of the process. */
    final int readFd;

    private SignalPipe(int readFd) {
        this.readFd = readFd;
    }

    /** The process-wide pipe, created on first use. The read end is non-blocking. */
    static synchronized SignalPipe get() throws LinuxException {
        if (instance == null) {
            int[] fds = Syscalls.pipe();
            Syscalls.setNonBlocking(fds[0]);
            // A handler must never block in write: drop a signal rather than hang the JVM.
            Syscalls.setNonBlocking(fds[1]);
            init0(fds[1]);
            instance = new SignalPipe(fds[0]);
        }
        return instance;
    }

    void handle(int signal) throws LinuxException {
        int r = handle0(signal);
        if (r < 0) {
            throw Syscalls.error("sigaction(" + Signals.name(signal) + ")", r);
        }
    }

    void reset(int signal) throws LinuxException {
        int r = reset0(signal);
        if (r < 0) {
            throw Syscalls.error("sigaction(" + Signals.name(signal) + ", SIG_DFL)", r);
        }
    }

    /** pthread_sigmask(SIG_UNBLOCK) of one signal, on the calling thread. */
    static void unblock(int signal) throws LinuxException {
        int r = unblock0(signal);
        if (r < 0) {
            throw Syscalls.error("pthread_sigmask(SIG_UNBLOCK, " + Signals.name(signal) + ")", r);
        }
    }

    /** Sets an ignored signal to SIG_DFL; true when it was ignored. */
    static boolean defaultIfIgnored(int signal) throws LinuxException {
        int r = defaultIfIgnored0(signal);
        if (r < 0) {
            throw Syscalls.error("sigaction(" + Signals.name(signal) + ")", r);
        }
        return r == 1;
    }

    /** Sent by another process, the signal kills this one; raised by the kernel for a write of ours, ignored. */
    static void fatalFromOutside(int signal) throws LinuxException {
        int r = fatalFromOutside0(signal);
        if (r < 0) {
            throw Syscalls.error("sigaction(" + Signals.name(signal) + ")", r);
        }
    }
}
