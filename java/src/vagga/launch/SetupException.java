// A container that cannot be set up for its command: vagga reports it from inside its setup, exit 124.
package vagga.launch;

public final class SetupException extends Exception {
    private static final long serialVersionUID = 1L;

    public SetupException(String message) {
        super(message);
    }
}
