// A build step failed for a reason a few words state; the interpreter prefixes container and step.
package vagga.image;

public final class StepFailure extends Exception {
    private static final long serialVersionUID = 1L;

    public StepFailure(String message) {
        super(message);
    }

    public StepFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
