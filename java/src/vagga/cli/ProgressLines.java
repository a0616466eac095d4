// Build progress as the lines vagga prints on stderr: `[app] step 2/5: !Sh "make"`, downloads, waits.
package vagga.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

import vagga.image.BuildProgress;

public final class ProgressLines implements BuildProgress {
    private final PrintStream out;

    public ProgressLines(PrintStream out) {
        this.out = out;
    }

    @Override
    public void stepStarted(String container, int number, int total, String label) {
        out.println("[" + container + "] step " + number + "/" + total + ": " + label);
    }

    @Override
    public void downloading(String container, String url) {
        out.println("[" + container + "] downloading " + url);
    }

    @Override
    public void downloaded(String container, long bytes, long total, String url) {
        if (url != null) {
            out.println("[" + container + "] downloaded " + size(bytes) + " from " + url);
        } else {
            out.println("[" + container + "] downloaded " + size(bytes) + (total > 0 ? " of " + size(total) : ""));
        }
    }

    @Override
    public void waitingForLock(Path lockFile) {
        out.println("vagga: waiting for another vagga process of this project to finish building (" + lockFile + ")");
    }

    @Override
    public void otherBuildRunning(String container) {
        out.println("Other process is doing a build. Waiting..."); // vagga's line, as it says it
    }

    @Override
    public void note(String container, String text) {
        out.println("[" + container + "] " + text);
    }

    private static String size(long bytes) {
        if (bytes < 1024) {
            return bytes == 1 ? "1 byte" : bytes + " bytes"; // not "1 KiB" for an 11-byte file
        }
        if (bytes < 1024 * 1024) {
            return (bytes + 1023) / 1024 + " KiB";
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
