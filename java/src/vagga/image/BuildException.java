// A container could not be built (or its hash computed): one line for the user, exit 121 (29 with --no-build).
package vagga.image;

public final class BuildException extends Exception {
    private static final long serialVersionUID = 1L;

    /** vagga's code for "the container is not built and --no-build forbids building it". */
    public static final int NOT_BUILT = 29;

    private final int exitCode;

    public BuildException(String message) {
        this(message, 121);
    }

    public BuildException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    /** The exit code vagga gives for this failure: 121, or {@link #NOT_BUILT}. */
    public int exitCode() {
        return exitCode;
    }

    public BuildException(String message, Throwable cause) {
        super(message, cause);
        this.exitCode = 121;
    }
}
