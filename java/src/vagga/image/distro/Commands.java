// How the distribution steps run their tools: package managers inside the container, bootstrap tools on the host.
package vagga.image.distro;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import vagga.image.BuildContext;
import vagga.image.StepFailure;

/**
 * A failure names the failing command and its exit code and quotes the last lines of its output:
 * inside the container the output goes to the terminal as it comes and, when the root has a shell
 * and tee, also to a file in the build's /tmp that is read back on failure.
 */
final class Commands {
    private static final int TAIL = 3;
    private static final String OUTPUT = ".vagga-step-output";
    private static final String STATUS = ".vagga-step-status";

    private Commands() {}

    /** Runs argv inside the container being built (BuildContext.run: its own namespaces). */
    static void run(BuildContext ctx, List<String> argv) throws StepFailure, IOException, InterruptedException {
        String shown = String.join(" ", argv);
        Path root = ctx.root();
        Path tmp = ctx.inRoot("/tmp"); // where the step's /tmp is bound from (BuildContext.run), not a host path
        // the image's sh and tee, followed inside the root (an absolute link /bin/sh -> /bin/dash is the image's)
        boolean tee = Files.isExecutable(ctx.inRoot("/bin/sh"))
                && (Files.exists(root.resolve("usr/bin/tee"), LinkOption.NOFOLLOW_LINKS)
                    || Files.exists(root.resolve("bin/tee"), LinkOption.NOFOLLOW_LINKS));
        List<String> full = argv;
        if (tee) {
            // the exit status of the command, not of tee, is what counts
            full = new ArrayList<>(List.of("/bin/sh", "-c",
                    "{ \"$@\"; echo $? > /tmp/" + STATUS + "; } 2>&1 | tee /tmp/" + OUTPUT, "vagga-build"));
            full.addAll(argv);
        }
        ctx.note("running " + shown);
        Files.createDirectories(tmp);
        Files.deleteIfExists(tmp.resolve(STATUS));
        try {
            ctx.run(full);
            if (tee) {
                String status = Files.exists(tmp.resolve(STATUS)) ? Files.readString(tmp.resolve(STATUS)).trim() : "";
                if (!status.equals("0")) {
                    throw new StepFailure(shown + (status.isEmpty() ? " was killed" : " exited with code " + status)
                            + tail(tmp.resolve(OUTPUT)));
                }
            }
        } catch (StepFailure e) {
            if (e.getMessage().startsWith(shown)) {
                throw e;
            }
            throw new StepFailure(shown + ": " + e.getMessage() + (tee ? tail(tmp.resolve(OUTPUT)) : ""), e);
        } finally {
            Files.deleteIfExists(tmp.resolve(OUTPUT));
            Files.deleteIfExists(tmp.resolve(STATUS));
        }
    }

    /** Runs a tool on the host (tar, mmdebstrap), its lines shown as notes (not tar's), the last ones kept. */
    static void host(BuildContext ctx, List<String> argv, String what) throws StepFailure, InterruptedException {
        Deque<String> last = new ArrayDeque<>();
        int code;
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    if (!what.equals("tar")) {
                        ctx.note(line);
                    }
                    if (!line.isBlank()) {
                        last.addLast(line.strip());
                        if (last.size() > TAIL) {
                            last.removeFirst();
                        }
                    }
                }
            }
            code = p.waitFor();
        } catch (IOException e) {
            throw new StepFailure("cannot run " + what + ": " + e.getMessage()
                    + (what.equals("mmdebstrap") ? " (install Debian's mmdebstrap package)" : ""), e);
        }
        if (code != 0) {
            throw new StepFailure(what + " exited with code " + code
                    + (last.isEmpty() ? "" : "; last output: " + String.join(" | ", last)));
        }
    }

    /** "; last output: a | b | c" from the output file (non-empty lines only). */
    private static String tail(Path output) {
        try {
            if (!Files.exists(output)) {
                return "";
            }
            Deque<String> last = new ArrayDeque<>();
            for (String l : Files.readAllLines(output, StandardCharsets.UTF_8)) {
                if (!l.isBlank()) {
                    last.addLast(l.strip());
                    if (last.size() > TAIL) {
                        last.removeFirst();
                    }
                }
            }
            return last.isEmpty() ? "" : "; last output: " + String.join(" | ", last);
        } catch (IOException | java.io.UncheckedIOException e) {
            return "";
        }
    }
}
