// Runs the host's network tools (ip, iptables, sysctl, mount) for the network family, in a given namespace.
package vagga.runtime;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * vagga runs {@code ip} and {@code iptables} as separate commands too. A command for another
 * network namespace goes through util-linux's {@code nsenter --net=PATH}, PATH naming the namespace
 * (a bind mount, or an fd of this process under /proc), so no thread of vagga ever changes its
 * own namespace. Each tool gets the parent-death signal (setpriv): a kill -9 of vagga leaves no
 * half-run tool behind. These are short, synchronous helpers; containers are still only ever
 * cloned by the reactor thread.
 */
public final class NetworkTool {
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private NetworkTool() {}

    /** A tool failed: its command line and how it ended, as vagga words it ("Error running ..."). */
    public static final class Failure extends Exception {
        private final int code;

        Failure(String message, int code) {
            super(message);
            this.code = code;
        }

        /** The tool's exit code (-1: it could not be started). */
        public int code() {
            return code;
        }
    }

    /** Runs {@code argv} in the namespace {@code netns} (null: vagga's own) with {@code input} on stdin. */
    public static String run(String netns, List<String> argv, String input) throws Failure {
        List<String> full = new ArrayList<>();
        if (Files.isExecutable(SETPRIV)) {
            full.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--"));
        }
        if (netns != null) {
            full.addAll(List.of("nsenter", "--net=" + netns, "--"));
        }
        full.addAll(argv);
        Logs.debug(NetworkTool.class, "running {}", full);
        try {
            ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
            if (input == null) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            }
            Process p = pb.start();
            if (input != null) {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            if (code != 0) {
                String text = output.strip();
                String last = text.isEmpty() ? "" : ": " + text.substring(text.lastIndexOf('\n') + 1);
                throw new Failure("Error running " + show(argv) + ": exited with code " + code + last, code);
            }
            return output;
        } catch (IOException e) {
            throw new Failure("Error running " + show(argv) + ": " + e.getMessage(), -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("Error running " + show(argv) + ": interrupted", -1);
        }
    }

    /** Runs {@code argv} in {@code netns} (null: vagga's own). */
    public static String run(String netns, String... argv) throws Failure {
        return run(netns, List.of(argv), null);
    }

    /** A command line as vagga's _create_netns prints it: each word quoted. */
    public static String show(List<String> argv) {
        StringBuilder b = new StringBuilder();
        for (String a : argv) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append('\'').append(a.replace("'", "'\\''")).append('\'');
        }
        return b.toString();
    }
}
