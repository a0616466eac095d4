// Ours (SPEC 7): one child's readiness probe, polled on a thread of its own until ready or its timeout.
package vagga.runtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import vagga.config.Readiness;
import vagga.linux.ContainerCommand;
import vagga.linux.ExitStatus;
import vagga.linux.LinuxException;
import vagga.linux.NetworkNamespace;
import vagga.linux.Prefixer;
import vagga.linux.ProcessReactor;
import vagga.linux.ShimInvocation;
import vagga.linux.Signals;
import vagga.linux.SpawnedChild;
import vagga.linux.UserNamespace;

/**
 * {@link #await} polls {@link #check} every {@code interval} until it answers null (ready) or the
 * {@code timeout} (counted from the child's start) has passed, and returns null or what was seen.
 * Every kind is checked inside the child's container:
 * port: a TCP connect to 127.0.0.1:N from the child's network (the host's, or, with
 * isolate-network, the probe's thread moved into the isolated namespace), at most 1 s per try;
 * file: the path under /proc/PID/root of the child's shim (its root and mounts);
 * line: a line of its output (through the prefixer) matches;
 * command: the command run in the child's namespaces and root (the shim's --enter), exit 0 is ready;
 * one try may take what is left of the timeout, and is killed at the deadline.
 */
final class ReadyProbe {
    private static final int CONNECT_MILLIS = 1000;

    private final Readiness ready;
    private final int pid;
    private final Prefixer.Attached output;
    private final int network;
    private final int userNamespace;
    private final ProcessReactor reactor;
    private final SpawnedChild child;
    private final ShimInvocation command;
    private final Pattern line;
    private boolean matched;
    /** What the last command that ran to its end said (a try cut off at the deadline reports it). */
    private String lastCompleted;

    /**
     * @param network the child's isolated network namespace fd, or -1 (the host's network)
     * @param userNamespace the user namespace owning {@code network} when it is not ours (an
     *                ordinary user's bridged child), else -1
     * @param command the readiness command's invocation (a command probe), else null
     */
    ReadyProbe(Readiness ready, int pid, Prefixer.Attached output, int network, int userNamespace,
               ProcessReactor reactor, SpawnedChild child, ShimInvocation command) {
        this.ready = ready;
        this.pid = pid;
        this.output = output;
        this.network = network;
        this.userNamespace = userNamespace;
        this.reactor = reactor;
        this.child = child;
        this.command = command;
        this.line = ready.kind().equals("line") ? Pattern.compile(ready.value()) : null;
    }

    /** Null once ready; else "not ready after T s: what was seen". Interrupted: the run is stopping. */
    String await() throws InterruptedException {
        long deadline = System.nanoTime() + (long) (ready.timeout() * 1e9);
        long interval = Math.max(1, (long) (ready.interval() * 1000));
        if (ready.kind().equals("port") && network >= 0 && userNamespace < 0) {
            try {
                NetworkNamespace.enterOnThisThread(network); // this thread only, for good
            } catch (LinuxException e) {
                return e.getMessage();
            }
        }
        while (true) {
            String seen = check(deadline);
            if (seen == null) {
                return null;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return "not ready after " + seconds(ready.timeout()) + " s: " + seen;
            }
            TimeUnit.MILLISECONDS.sleep(Math.min(interval, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))));
        }
    }

    /** Null when ready now, else what was seen. */
    private String check(long deadline) throws InterruptedException {
        switch (ready.kind()) {
            case "port" -> {
                if (userNamespace >= 0) {
                    // no thread of ours may enter it: the socket is made inside (UserNamespace)
                    try {
                        UserNamespace.connectLoopback(userNamespace, network, Integer.parseInt(ready.value()),
                                CONNECT_MILLIS);
                        return null;
                    } catch (LinuxException e) {
                        return "connect to 127.0.0.1:" + ready.value() + " (its network): " + e.getMessage();
                    }
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(ready.value())), CONNECT_MILLIS);
                    return null;
                } catch (IOException e) {
                    return "connect to 127.0.0.1:" + ready.value() + (network >= 0 ? " (its isolated network)" : "")
                            + ": " + e.getMessage();
                }
            }
            case "file" -> {
                String path = ready.value().replaceFirst("^/+", "");
                return Files.exists(Path.of("/proc/" + pid + "/root").resolve(path)) ? null
                        : ready.value() + " does not exist in its container";
            }
            case "line" -> {
                if (output == null) {
                    return "its output does not pass through vagga";
                }
                List<String> lines = output.lastLines(Integer.MAX_VALUE);
                for (int i = 0; !matched && i < lines.size(); i++) {
                    matched = line.matcher(lines.get(i)).find();
                }
                if (matched) {
                    return null;
                }
                return lines.isEmpty() ? "no output" : "last line \"" + lines.get(lines.size() - 1) + "\"";
            }
            case "command" -> {
                return runCommand(deadline);
            }
            default -> {
                return "probe " + ready.kind() + " is not supported";
            }
        }
    }

    private String runCommand(long deadline) throws InterruptedException {
        long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        ContainerCommand.Outcome outcome;
        try {
            outcome = ContainerCommand.run(reactor, child, command, left);
        } catch (LinuxException e) {
            return "cannot run the command: " + e.getMessage();
        } catch (IllegalStateException e) {
            throw new InterruptedException(e.getMessage()); // the reactor closed: the run is over
        }
        ExitStatus status = outcome.status();
        if (status instanceof ExitStatus.Exited e && e.exitCode() == 0) {
            return null;
        }
        if (status == null && lastCompleted != null) {
            return lastCompleted; // the last try was only cut short by the deadline
        }
        String how = status == null ? "still running at the deadline (killed)"
                : status instanceof ExitStatus.Signalled sig ? "killed by " + Signals.name(sig.signal())
                : "exited with code " + status.code();
        String seen = "command " + how + (outcome.lastLine() == null ? "" : ", last output \"" + outcome.lastLine() + "\"");
        if (status != null) {
            lastCompleted = seen;
        }
        return seen;
    }

    static String seconds(double s) {
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }
}
