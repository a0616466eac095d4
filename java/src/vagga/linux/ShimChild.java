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
    /** Completed by the reactor thread when the shim has been reaped (or killed at close). */
    final java.util.concurrent.CompletableFuture<ExitStatus> exit = new java.util.concurrent.CompletableFuture<>();

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

    /** The final status line the shim wrote (the first that is not a "stopped" notice), or null. */
    String statusLine() {
        String s = status.toString(java.nio.charset.StandardCharsets.US_ASCII);
        int start = 0;
        int nl;
        while ((nl = s.indexOf('\n', start)) >= 0) {
            String line = s.substring(start, nl);
            if (StatusLine.parseStopped(line) == null) {
                return line;
            }
            start = nl + 1;
        }
        return null;
    }

    /** Removes the complete "stopped N" notices read so far and returns their signals. */
    java.util.List<Integer> takeStopNotices() {
        String s = status.toString(java.nio.charset.StandardCharsets.US_ASCII);
        java.util.List<Integer> signals = new java.util.ArrayList<>();
        StringBuilder rest = new StringBuilder();
        int start = 0;
        int nl;
        while ((nl = s.indexOf('\n', start)) >= 0) {
            String line = s.substring(start, nl);
            Integer signal = StatusLine.parseStopped(line);
            if (signal != null) {
                signals.add(signal);
            } else {
                rest.append(line).append('\n');
            }
            start = nl + 1;
        }
        rest.append(s.substring(start));
        if (!signals.isEmpty()) {
            status.reset();
            status.writeBytes(rest.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        return signals;
    }

    @Override
    public String toString() {
        return "shim pid " + pid;
    }
}
