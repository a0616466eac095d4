// A listening TCP socket made before the children start (pass-tcp-socket; natives in linux_tcp_listener.c).
package vagga.linux;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class TcpListener implements AutoCloseable {
    static {
        LibraryLoader.load();
    }

    /** Compiled by the first listen(), not when the class loads: the library's load check links this
     *  class on every start, and a first regex costs a cold JVM ~20 ms of CPU. */
    private static final class Specs {
        static final Pattern BRACKETED = Pattern.compile("\\[([0-9a-fA-F:.]+)\\]:(\\d+)");
        static final Pattern HOST_PORT = Pattern.compile("([^:\\[\\]]+):(\\d+)");
    }
    private static final int BACKLOG = 128;

    private final int fd;

    private TcpListener(int fd) {
        this.fd = fd;
    }

    private static native int listen0(String ip, int port, int backlog);

    /** The fd to hand to the child (it becomes the child's fd 3). */
    public int fd() {
        return fd;
    }

    /**
     * Binds and listens (SO_REUSEADDR, backlog 128) on {@code PORT}, {@code *:PORT},
     * {@code IP:PORT} or {@code [IPv6]:PORT}.
     * @throws LinuxException with the message vagga prints after {@code Error listening "spec": }
     */
    public static TcpListener listen(String spec) throws LinuxException {
        String ip;
        String port;
        Matcher m;
        if (spec.matches("\\d+")) {
            ip = "0.0.0.0";
            port = spec;
        } else if ((m = Specs.BRACKETED.matcher(spec)).matches()) {
            ip = m.group(1);
            port = m.group(2);
        } else if ((m = Specs.HOST_PORT.matcher(spec)).matches()) {
            ip = m.group(1).equals("*") ? "0.0.0.0" : m.group(1);
            port = m.group(2);
        } else {
            throw new LinuxException("listen", 22, "invalid address (expected PORT, *:PORT, IP:PORT or [IPv6]:PORT)");
        }
        int portNumber;
        try {
            portNumber = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            portNumber = -1;
        }
        if (portNumber < 0 || portNumber > 65535) {
            throw new LinuxException("listen", 22, "invalid port " + port);
        }
        int r = listen0(ip, portNumber, BACKLOG);
        if (r < 0) {
            String why = r == -22 ? "invalid IP address \"" + ip + "\"" : Syscalls.strerror(-r);
            throw new LinuxException("listen", -r, why);
        }
        return new TcpListener(r);
    }

    @Override
    public void close() {
        Syscalls.closeQuietly(fd);
    }
}
