// Parses the shim's final status line (`exited N`, `signaled N [core]`, `setup-failed`, `exec-failed ERRNO`).
package vagga.linux;

import java.util.Optional;

final class StatusLine {
    private StatusLine() {}

    /** Exit code of the shim when setup failed, and when the command could not be exec'd. */
    static final int SETUP_FAILED = 124, NOT_EXECUTABLE = 126, NOT_FOUND = 127;
    private static final int ENOENT = 2;

    /** Prefix of the non-final notice "stopped N": the command was stopped by Ctrl-Z. */
    static final String STOPPED = "stopped ";

    /** The signal of a "stopped N" notice, or null for any other line. */
    static Integer parseStopped(String line) {
        if (!line.startsWith(STOPPED)) {
            return null;
        }
        try {
            int signal = Integer.parseInt(line.substring(STOPPED.length()).strip());
            return signal > 0 && signal < 65 ? signal : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The status the line reports; empty for anything that is not a well-formed line. */
    static Optional<ExitStatus> parse(String line) {
        String[] w = line.strip().split(" ");
        try {
            switch (w[0]) {
                case "exited":
                    if (w.length == 2) {
                        int code = Integer.parseInt(w[1]);
                        if (code >= 0 && code <= 255) {
                            return Optional.of(new ExitStatus.Exited(code));
                        }
                    }
                    break;
                case "signaled":
                    if (w.length == 2 || (w.length == 3 && w[2].equals("core"))) {
                        int signal = Integer.parseInt(w[1]);
                        if (signal > 0 && signal < 65) {
                            return Optional.of(new ExitStatus.Signalled(signal, w.length == 3));
                        }
                    }
                    break;
                case "setup-failed":
                    if (w.length == 1) {
                        return Optional.of(new ExitStatus.Exited(SETUP_FAILED));
                    }
                    break;
                case "exec-failed":
                    if (w.length == 2) {
                        int errno = Integer.parseInt(w[1]);
                        return Optional.of(new ExitStatus.Exited(
                                errno == ENOENT ? NOT_FOUND : NOT_EXECUTABLE));
                    }
                    break;
                default:
                    break;
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
