// How a child (the command inside a shim) ended.
package vagga.linux;

public sealed interface ExitStatus {
    /** The shell-style code: the exit code, or 128+N for a signal. */
    int code();

    record Exited(int exitCode) implements ExitStatus {
        public int code() { return exitCode; }
    }

    record Signalled(int signal, boolean coreDumped) implements ExitStatus {
        public int code() { return 128 + signal; }
    }
}
