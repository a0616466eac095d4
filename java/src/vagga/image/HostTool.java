// Runs a tool of the host (tar, cp, unzip, git) for a build step; its last output line explains a failure.
package vagga.image;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

final class HostTool {
    private HostTool() {}

    static void run(List<String> argv, String what) throws IOException, StepFailure, InterruptedException {
        output(argv, what);
    }

    /** Its stdout and stderr together; throws with the last line when it fails. */
    static String output(List<String> argv, String what) throws IOException, StepFailure, InterruptedException {
        Process p = new ProcessBuilder(dyingWithVagga(argv)).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        if (code != 0) {
            String text = output.strip();
            String last = text.isEmpty() ? "" : ": " + text.substring(text.lastIndexOf('\n') + 1);
            throw new StepFailure(what + " exited with code " + code + last);
        }
        return output;
    }

    /**
     * A kill -9 of vagga must not leave a tar or cp writing into the half-built root (the next
     * build could not remove it): util-linux's setpriv sets the parent-death signal before it
     * execs the tool. The parent is the building thread, which outlives the tool.
     */
    static List<String> dyingWithVagga(List<String> argv) {
        if (!Files.isExecutable(SETPRIV)) {
            return argv;
        }
        List<String> out = new ArrayList<>(List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--"));
        out.addAll(argv);
        return out;
    }

    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
}
