// A distribution step failed for a reason stated in a few words (the builder adds container and step).
package vagga.image.distro;

public final class DistroException extends Exception {
    private static final long serialVersionUID = 1L;

    public DistroException(String message) {
        super(message);
    }

    public DistroException(String message, Throwable cause) {
        super(message, cause);
    }
}
