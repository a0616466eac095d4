// Every exit code vagga itself decides (SPEC 6); children's codes pass through unchanged.
package vagga.plan;

public final class ExitCodes {
    private ExitCodes() {}

    public static final int OK = 0;
    /** Runtime errors: unknown command, container not found, build failure, docopt error, bind error. */
    public static final int RUNTIME_ERROR = 121;
    /** Bad arguments of a supervise command without options:, bad global flags. */
    public static final int BAD_ARGUMENTS = 122;
    /** Container setup failed inside the shim (seen as a child's code). */
    public static final int SETUP_FAILED = 124;
    /** Config not found or invalid. */
    public static final int CONFIG_ERROR = 126;
    /** Bare vagga, no children selected, a child could not be started. */
    public static final int NOTHING_TO_RUN = 127;

    /** Exit code after the supervisor received signal N (130, 131, 143). */
    public static int forSignal(int signal) {
        return 128 + signal;
    }
}
