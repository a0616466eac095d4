// One running shim as the reactor tracks it: pid, pidfd, status pipe (read end), control pipe (write end).
package vagga.linux;

import java.io.ByteArrayOutputStream;

final class ShimChild implements SpawnedChild {
    final long id;
    private final int pid;
    /** fds are -1 once closed; changed only under this object's lock (signal() races the reactor). */
    int pidfd;
    int statusFd;
    int controlFd;
    boolean statusEof;
    final ByteArrayOutputStream status = new ByteArrayOutputStream();

    ShimChild(long id, int pid, int pidfd, int statusFd, int controlFd) {
        this.id = id;
        this.pid = pid;
        this.pidfd = pidfd;
        this.statusFd = statusFd;
        this.controlFd = controlFd;
    }

    @Override
    public int pid() {
        return pid;
    }

    /** The first complete line the shim wrote, or null. */
    String statusLine() {
        String s = status.toString(java.nio.charset.StandardCharsets.US_ASCII);
        int nl = s.indexOf('\n');
        return nl < 0 ? null : s.substring(0, nl);
    }

    @Override
    public String toString() {
        return "shim pid " + pid;
    }
}
