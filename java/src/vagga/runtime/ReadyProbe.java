// Ours (SPEC 7): one child's readiness probe, polled on the probe thread until ready or its timeout.
package vagga.runtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import vagga.config.Readiness;
import vagga.linux.Prefixer;

/**
 * {@link #check} answers null when the child is ready, else what was seen (for the failure line).
 * port: a TCP connect to 127.0.0.1:N (the host's network, which is the child's unless
 * isolate-network); file: the path under /proc/PID/root of the child's shim (its root and mounts);
 * line: a line of its output (through the prefixer) matches.
 */
final class ReadyProbe {
    private static final int CONNECT_MILLIS = 1000;

    private final Readiness ready;
    private final int pid;
    private final Prefixer.Attached output;
    private final Pattern line;
    private volatile boolean matched;

    ReadyProbe(Readiness ready, int pid, Prefixer.Attached output) {
        this.ready = ready;
        this.pid = pid;
        this.output = output;
        this.line = ready.kind().equals("line") ? Pattern.compile(ready.value()) : null;
    }

    Readiness readiness() {
        return ready;
    }

    String check() {
        switch (ready.kind()) {
            case "port" -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(ready.value())), CONNECT_MILLIS);
                    return null;
                } catch (IOException e) {
                    return "connect to 127.0.0.1:" + ready.value() + ": " + e.getMessage();
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
                if (matched || lines.stream().anyMatch(l -> line.matcher(l).find())) {
                    matched = true;
                    return null;
                }
                return lines.isEmpty() ? "no output" : "last line \"" + lines.get(lines.size() - 1) + "\"";
            }
            default -> {
                return "probe " + ready.kind() + " is not supported yet";
            }
        }
    }
}
