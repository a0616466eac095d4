// A failed system call: the call's name and errno, formatted like strerror.
package vagga.linux;

public class LinuxException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String call;
    private final int errno;
    private final String hint;

    public LinuxException(String call, int errno, String message) {
        this(call, errno, message, null);
    }

    /** hint: what the user can do about it (printed as a "hint:" line), or null. */
    public LinuxException(String call, int errno, String message, String hint) {
        super(message);
        this.call = call;
        this.errno = errno;
        this.hint = hint;
    }

    public String call() { return call; }

    public int errno() { return errno; }

    /** The remedy when the cause is known (without the "hint: " prefix), else null. */
    public String hint() { return hint; }
}
