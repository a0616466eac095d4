// A docopt text that cannot be understood (the author's mistake, not the user's arguments).
package vagga.plan;

public final class DocoptException extends Exception {
    private static final long serialVersionUID = 1L;

    public DocoptException(String message) {
        super(message);
    }
}
