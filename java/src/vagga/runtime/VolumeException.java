// A volume cannot be mounted as written (escapes the project, no mount point...): one line, exit 121.
package vagga.runtime;

public final class VolumeException extends Exception {
    private static final long serialVersionUID = 1L;

    public VolumeException(String message) {
        super(message);
    }
}
