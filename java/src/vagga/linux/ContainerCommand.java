// Ours (ready: {command: ...}): one command run inside a running child's container, its end and last line of output.
package vagga.linux;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The command is spawned by the reactor thread ({@link ProcessReactor#spawnInside}), so the kill -9
 * guarantee holds for it: its shim has the parent-death signal, and the command itself lives in
 * the child's PID namespace, which dies with the child. Its stdin reads EOF (never the terminal);
 * stdout and stderr go to one pipe of which the last 4 KiB are kept.
 */
public final class ContainerCommand {
    private static final int TAIL = 4096;
    private static final long POLL_MILLIS = 50;

    /** {@code status} null: it still ran at the deadline and was killed. */
    public record Outcome(ExitStatus status, String lastLine) {}

    private ContainerCommand() {}

    /** Runs {@code invocation} inside {@code target}'s container, for at most {@code timeoutMillis}. */
    public static Outcome run(ProcessReactor reactor, SpawnedChild target, ShimInvocation invocation,
                              long timeoutMillis) throws LinuxException, InterruptedException {
        int[] in = Syscalls.pipe();
        int[] out;
        try {
            out = Syscalls.pipe();
        } catch (LinuxException e) {
            Syscalls.closeQuietly(in[0]);
            Syscalls.closeQuietly(in[1]);
            throw e;
        }
        Syscalls.closeQuietly(in[1]); // stdin: EOF at once
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        SpawnedChild command;
        try {
            Syscalls.setNonBlocking(out[0]);
            command = reactor.spawnInside(target, invocation, new ChildOutput(in[0], out[1], out[1]));
        } catch (LinuxException | RuntimeException e) {
            Syscalls.closeQuietly(out[0]);
            throw e;
        } finally {
            Syscalls.closeQuietly(in[0]);
            Syscalls.closeQuietly(out[1]);
        }
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        try {
            while (true) {
                drain(out[0], tail);
                long left = (deadline - System.nanoTime()) / 1_000_000;
                ExitStatus status = reactor.awaitExit(command, Math.max(1, Math.min(POLL_MILLIS, left)));
                if (status != null) {
                    drain(out[0], tail);
                    return new Outcome(status, lastLine(tail));
                }
                if (left <= 0) {
                    reactor.kill(command);
                    reactor.awaitExit(command, 5000);
                    return new Outcome(null, lastLine(tail));
                }
            }
        } catch (InterruptedException e) {
            reactor.kill(command);
            throw e;
        } finally {
            Syscalls.closeQuietly(out[0]);
        }
    }

    /** Reads what the pipe holds now (non-blocking), keeping the last {@link #TAIL} bytes. */
    private static void drain(int fd, ByteArrayOutputStream tail) throws LinuxException {
        byte[] buf = new byte[TAIL];
        int n;
        while ((n = Syscalls.read(fd, buf, 0, buf.length)) > 0) {
            tail.write(buf, 0, n);
            if (tail.size() > 2 * TAIL) {
                byte[] all = tail.toByteArray();
                tail.reset();
                tail.write(all, all.length - TAIL, TAIL);
            }
        }
    }

    private static String lastLine(ByteArrayOutputStream tail) {
        String text = tail.toString(StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            return null;
        }
        return text.substring(text.lastIndexOf('\n') + 1).strip();
    }
}
