// A volume cannot be mounted as written (escapes the project, no mount point...), or the container's
// uids/gids do not fit the user's subordinate ids: one line, exit 121
// (124 where vagga fails inside its container setup).
package vagga.runtime;

import vagga.plan.ExitCodes;

public final class VolumeException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public VolumeException(String message) {
        this(message, ExitCodes.RUNTIME_ERROR);
    }

    private VolumeException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    /** vagga finds this one while it sets the container up: its message alone, exit 124. */
    static VolumeException inSetup(String message) {
        return new VolumeException(message, ExitCodes.SETUP_FAILED);
    }

    public int exitCode() {
        return exitCode;
    }
}
