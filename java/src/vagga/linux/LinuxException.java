// A failed system call: the call's name and errno, formatted like strerror.
package vagga.linux;

public class LinuxException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String call;
    private final int errno;

    public LinuxException(String call, int errno, String message) {
        super(message);
        this.call = call;
        this.errno = errno;
    }

    public String call() { return call; }

    public int errno() { return errno; }
}
