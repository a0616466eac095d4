// What a build reports while it runs; the caller decides how it is shown (cli prints it as lines).
package vagga.image;

import java.nio.file.Path;

/**
 * Called on the building thread, in order. Implementations must not throw; the image package
 * itself never prints.
 */
public interface BuildProgress {
    /** Step {@code number} of {@code total} (1-based) of {@code container} starts; {@code label} as in errors. */
    void stepStarted(String container, int number, int total, String label);

    /** A download for {@code container} starts. */
    void downloading(String container, String url);

    /**
     * Bytes of a download so far ({@code total} -1 when the server did not say); {@code url} is
     * non-null on the last call, when the download is complete.
     */
    void downloaded(String container, long bytes, long total, String url);

    /** Another vagga process holds the project's build lock; this one waits for it. */
    void waitingForLock(Path lockFile);

    /** Another vagga process is building {@code container}, which this one needs; it waits (build-lock-wait: true). */
    void otherBuildRunning(String container);

    /** A line a builder family wants the user to see (a package manager's summary, say). */
    void note(String container, String text);

    /** Reports nothing (`_clean`, tests). */
    BuildProgress SILENT = new BuildProgress() {
        @Override
        public void stepStarted(String container, int number, int total, String label) {}

        @Override
        public void downloading(String container, String url) {}

        @Override
        public void downloaded(String container, long bytes, long total, String url) {}

        @Override
        public void waitingForLock(Path lockFile) {}

        @Override
        public void otherBuildRunning(String container) {}

        @Override
        public void note(String container, String text) {}
    };
}
