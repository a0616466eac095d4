// Ours (vagga _restart, _status): a running supervisor's Unix socket under .vagga/.supervisors, and its client side.
package vagga.runtime;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import vagga.linux.LinuxException;
import vagga.linux.Syscalls;
import vagga.linux.UnixSocket;

/**
 * One socket per supervisor, {@code .vagga/.supervisors/PID.sock}: the directory is 0700 and the socket
 * 0600, so only the user running the supervisor can connect. A request is one line ({@code status},
 * {@code restart NAME...}); the answer is text, then the connection closes. Requests are handed to
 * the supervisor's own thread (its event queue) and answered from there: the control thread owns no
 * state. A supervisor that dies without closing it (kill -9, SIGHUP) cannot remove its file: the
 * next supervisor of the project, {@code _status} and {@code _restart} find nobody listening there
 * and remove it (SPEC 5: nothing of a dead run may pass for a live one). A live supervisor that
 * does not answer (stopped by Ctrl-Z) is named as such after {@link #ASK_SECONDS}, never waited
 * for without end.
 */
public final class ControlSocket implements AutoCloseable {
    /** A request line and where its answer goes. */
    public record Request(String line, CompletableFuture<String> reply) {}

    private static final int MAX_REQUEST = 4096;
    private static final long ANSWER_SECONDS = 30;
    /** How long a client waits for a supervisor's answer. */
    public static final long ASK_SECONDS = 10;

    private final Path path;
    private final UnixSocket server;

    private ControlSocket(Path path, UnixSocket server, Consumer<Request> sink) {
        this.path = path;
        this.server = server;
        Thread thread = new Thread(new Runnable() { // no lambda: the first one costs ~7 ms at startup
            @Override
            public void run() {
                serve(sink);
            }
        }, "vagga-control");
        thread.setDaemon(true);
        thread.start();
    }

    /** The directory of the sockets of a project's supervisors. */
    public static Path directory(Path vaggaDir) {
        return vaggaDir.resolve(".supervisors");
    }

    /** Listens at {@code .vagga/.supervisors/PID.sock}; requests go to {@code sink}. */
    public static ControlSocket open(Path vaggaDir, Consumer<Request> sink) throws IOException {
        Path dir = directory(vaggaDir);
        for (Path p : new Path[] {vaggaDir, dir}) {
            if (Files.isSymbolicLink(p)) {
                throw new IOException(p + " is a symbolic link (planted?): not followed");
            }
        }
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        scan(vaggaDir); // sockets of supervisors that died without closing them go now
        Path path = dir.resolve(Syscalls.getpid() + ".sock");
        Files.deleteIfExists(path); // a pid reused after a kill -9
        try {
            return new ControlSocket(path, UnixSocket.listen(path), sink);
        } catch (LinuxException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private void serve(Consumer<Request> sink) {
        while (true) {
            UnixSocket.Connection c;
            try {
                c = server.accept();
            } catch (LinuxException e) {
                continue; // a client that went away before it was accepted: next one
            }
            if (c == null) {
                return; // closed: the run ended
            }
            try (c) {
                String line = c.readLine(MAX_REQUEST);
                if (line.isEmpty()) {
                    continue; // a scan checking that we listen
                }
                Request request = new Request(line, new CompletableFuture<>());
                sink.accept(request);
                String answer;
                try {
                    answer = request.reply().get(ANSWER_SECONDS, TimeUnit.SECONDS);
                } catch (Exception e) {
                    answer = "error: the supervisor did not answer\n";
                }
                c.write(answer);
            } catch (LinuxException e) {
                // a client that went away: next one
            }
        }
    }

    /** Stops listening and removes the socket file. */
    @Override
    public void close() {
        server.close();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // the directory went away with the project: nothing left to remove
        }
    }

    /**
     * The project's supervisor sockets: {@code live} those a supervisor listens on, {@code removed}
     * the pids whose socket nobody listened on any more (its supervisor died without closing it),
     * now removed.
     */
    public record Scan(List<Path> live, List<Long> removed) {}

    /** Finds the live sockets and removes the stale ones (connection refused: nobody listens). */
    public static Scan scan(Path vaggaDir) {
        List<Path> live = new ArrayList<>();
        List<Long> removed = new ArrayList<>();
        Path dir = directory(vaggaDir);
        if (!Files.isDirectory(dir) || Files.isSymbolicLink(dir)) {
            return new Scan(live, removed);
        }
        // java.io's list, not a glob DirectoryStream (its pattern compiles a regex at every start)
        String[] names = dir.toFile().list();
        if (names == null) {
            return new Scan(live, removed);
        }
        for (String name : names) {
            if (!name.endsWith(".sock")) {
                continue;
            }
            Path p = dir.resolve(name);
            try {
                if (UnixSocket.listening(p)) {
                    live.add(p);
                } else if (Files.deleteIfExists(p)) {
                    removed.add(pidOf(p));
                }
            } catch (LinuxException | IOException e) {
                // not a socket we can judge (gone meanwhile, not permitted): left alone
            }
        }
        live.sort(null);
        removed.sort(null);
        return new Scan(live, removed);
    }

    /** The pid a socket belongs to (its file name). */
    public static long pidOf(Path socket) {
        String name = socket.getFileName().toString();
        try {
            return Long.parseLong(name.substring(0, name.length() - ".sock".length()));
        } catch (NumberFormatException e) {
            return -1; // not one of ours
        }
    }

    /** A supervisor that took longer than {@link #ASK_SECONDS} to answer (stopped, e.g. by Ctrl-Z). */
    public static final class NoAnswer extends IOException {
        NoAnswer(Path socket) {
            super("supervisor " + pidOf(socket) + " does not answer within " + ASK_SECONDS
                    + " s (is it stopped, e.g. by Ctrl-Z? fg or kill -CONT resumes it)");
        }
    }

    /** Sends one request line and returns the answer, waiting at most {@link #ASK_SECONDS}. */
    public static String ask(Path socket, String line) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ASK_SECONDS);
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket));
             java.nio.channels.Selector selector = java.nio.channels.Selector.open()) {
            write(c, line + "\n");
            c.shutdownOutput();
            c.configureBlocking(false);
            c.register(selector, java.nio.channels.SelectionKey.OP_READ);
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            while (true) {
                int n = c.read(buf);
                if (n < 0) {
                    return out.toString(StandardCharsets.UTF_8);
                }
                if (n > 0) {
                    out.write(buf.array(), 0, buf.position());
                    buf.clear();
                    continue;
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new NoAnswer(socket);
                }
                selector.select(left);
                selector.selectedKeys().clear();
            }
        }
    }

    private static void write(SocketChannel c, String text) throws IOException {
        ByteBuffer buf = StandardCharsets.UTF_8.encode(text);
        while (buf.hasRemaining()) {
            c.write(buf);
        }
    }
}
