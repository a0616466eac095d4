// Ours (vagga _restart, _status): a running supervisor's Unix socket under .vagga/.supervisors, and its client side.
package vagga.runtime;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One socket per supervisor, {@code .vagga/.supervisors/PID.sock}: the directory is 0700 and the socket
 * 0600, so only the user running the supervisor can connect. A request is one line ({@code status},
 * {@code restart NAME...}); the answer is text, then the connection closes. Requests are handed to
 * the supervisor's own thread (its event queue) and answered from there: the control thread owns no
 * state. After a {@code kill -9} the socket file stays until a client finds nobody listening on it
 * and removes it.
 */
public final class ControlSocket implements AutoCloseable {
    /** A request line and where its answer goes. */
    public record Request(String line, CompletableFuture<String> reply) {}

    private static final int MAX_REQUEST = 4096;
    private static final long ANSWER_SECONDS = 30;

    private final Path path;
    private final ServerSocketChannel server;
    private final Thread thread;

    private ControlSocket(Path path, ServerSocketChannel server, Consumer<Request> sink) {
        this.path = path;
        this.server = server;
        this.thread = new Thread(() -> serve(sink), "vagga-control");
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
        for (Path p : List.of(vaggaDir, dir)) {
            if (Files.isSymbolicLink(p)) {
                throw new IOException(p + " is a symbolic link (planted?): not followed");
            }
        }
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path path = dir.resolve(ProcessHandle.current().pid() + ".sock");
        Files.deleteIfExists(path); // a pid reused after a kill -9
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            server.close();
            throw e;
        }
        return new ControlSocket(path, server, sink);
    }

    private void serve(Consumer<Request> sink) {
        while (server.isOpen()) {
            try (SocketChannel c = server.accept()) {
                String line = readLine(c);
                Request request = new Request(line, new CompletableFuture<>());
                sink.accept(request);
                String answer;
                try {
                    answer = request.reply().get(ANSWER_SECONDS, TimeUnit.SECONDS);
                } catch (Exception e) {
                    answer = "error: the supervisor did not answer\n";
                }
                write(c, answer);
            } catch (IOException e) {
                // closed (the run ended) or a client that went away: next one
            }
        }
    }

    /** Stops listening and removes the socket file. */
    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // the directory went away with the project: nothing left to remove
        }
    }

    /** The sockets of the project's supervisors; files nobody listens on any more (a kill -9) are removed. */
    public static List<Path> live(Path vaggaDir) {
        List<Path> out = new ArrayList<>();
        Path dir = directory(vaggaDir);
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.sock")) {
            for (Path p : files) {
                try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(p))) {
                    out.add(p);
                } catch (IOException e) {
                    if (e instanceof java.net.ConnectException) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException e) {
            return out;
        }
        out.sort(null);
        return out;
    }

    /** The pid a socket belongs to (its file name). */
    public static long pidOf(Path socket) {
        String name = socket.getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - ".sock".length()));
    }

    /** Sends one request line and returns the answer. */
    public static String ask(Path socket, String line) throws IOException {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            write(c, line + "\n");
            c.shutdownOutput();
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            StringBuilder out = new StringBuilder();
            while (c.read(buf) >= 0) {
                buf.flip();
                out.append(StandardCharsets.UTF_8.decode(buf));
                buf.clear();
            }
            return out.toString();
        }
    }

    private static String readLine(SocketChannel c) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(MAX_REQUEST);
        while (buf.hasRemaining() && c.read(buf) > 0) {
            if (buf.get(buf.position() - 1) == '\n') {
                break;
            }
        }
        buf.flip();
        return StandardCharsets.UTF_8.decode(buf).toString().strip();
    }

    private static void write(SocketChannel c, String text) throws IOException {
        ByteBuffer buf = StandardCharsets.UTF_8.encode(text);
        while (buf.hasRemaining()) {
            c.write(buf);
        }
    }
}
