// A listening Unix stream socket and its connections (the supervisor's control socket; natives in linux_unix_socket.c).
package vagga.linux;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * java.nio's Unix channels would do, but their first use loads the whole socket stack (selector
 * provider, InetAddress, SecureRandom seeding): ~20 ms of CPU at every supervisor start. One thread
 * accepts; {@link #close} wakes it, and that thread closes the fd, so an fd number reused after a
 * close is never accepted on.
 */
public final class UnixSocket {
    static {
        LibraryLoader.load();
    }

    private static final int EINVAL = 22, ECONNREFUSED = 111;

    private final int fd;
    private volatile boolean closed;

    private UnixSocket(int fd) {
        this.fd = fd;
    }

    private static native int listen0(String path, int backlog);
    private static native int accept0(int fd);
    private static native int probe0(String path);
    private static native int shutdown0(int fd);

    /** Binds and listens at {@code path} (its file mode 0600). */
    public static UnixSocket listen(Path path) throws LinuxException {
        int r = listen0(path.toString(), 16);
        if (r < 0) {
            throw Syscalls.error("bind " + path, r);
        }
        return new UnixSocket(r);
    }

    /** True when a process listens at {@code path}; false when nobody does (a stale socket file). */
    public static boolean listening(Path path) throws LinuxException {
        int r = probe0(path.toString());
        if (r == -ECONNREFUSED) {
            return false;
        }
        if (r < 0) {
            throw Syscalls.error("connect " + path, r);
        }
        return true;
    }

    /** The next connection; null once {@link #close} was called (the fd is then closed). */
    public Connection accept() throws LinuxException {
        int c = accept0(fd);
        if (closed || c == -EINVAL) {
            if (c >= 0) {
                Syscalls.closeQuietly(c);
            }
            Syscalls.closeQuietly(fd);
            return null;
        }
        if (c < 0) {
            throw Syscalls.error("accept", c);
        }
        return new Connection(c);
    }

    /** Stops listening: a thread in {@link #accept} returns null. Call once. */
    public void close() {
        closed = true;
        shutdown0(fd);
    }

    /** One accepted connection. */
    public static final class Connection implements AutoCloseable {
        private final int fd;

        private Connection(int fd) {
            this.fd = fd;
        }

        /** Up to the first newline or {@code max} bytes or the end, UTF-8, stripped. */
        public String readLine(int max) throws LinuxException {
            byte[] buf = new byte[max];
            int n = 0;
            while (n < max) {
                int r = Syscalls.read(fd, buf, n, max - n);
                if (r <= 0) {
                    break;
                }
                n += r;
                if (buf[n - 1] == '\n') {
                    break;
                }
            }
            return new String(buf, 0, n, StandardCharsets.UTF_8).strip();
        }

        /** Writes all of {@code text} (UTF-8). */
        public void write(String text) throws LinuxException {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            for (int off = 0; off < bytes.length; ) {
                off += Syscalls.write(fd, bytes, off, bytes.length - off);
            }
        }

        @Override
        public void close() {
            Syscalls.closeQuietly(fd);
        }
    }
}
