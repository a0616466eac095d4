// Gives the terminal back to vagga's own process group after a child took it (SPEC 3.5).
package vagga.runtime;

import vagga.linux.LinuxException;
import vagga.linux.Syscalls;

final class Terminal {
    private final boolean wasForeground;

    private Terminal(boolean wasForeground) {
        this.wasForeground = wasForeground;
    }

    /** Notes whether we hold the terminal on stdin now; only then is it given back later. */
    static Terminal capture() {
        boolean fg = false;
        try {
            fg = Syscalls.isatty(0) && Syscalls.tcgetpgrp(0) == Syscalls.getpgrp();
        } catch (LinuxException e) {
            Logs.debug(Terminal.class, "no terminal: {}", e.getMessage());
        }
        return new Terminal(fg);
    }

    /**
     * A child ended while the run goes on: if the terminal's foreground group was its (that group
     * is gone now), take the terminal back, or Ctrl-C would reach nobody. A group that still
     * exists (another child reading the terminal) keeps it.
     */
    void reclaimFromEnded() {
        if (!wasForeground) {
            return;
        }
        try {
            if (!Syscalls.isatty(0)) {
                return;
            }
            int holder = Syscalls.tcgetpgrp(0);
            if (holder == Syscalls.getpgrp() || holder <= 0) {
                return;
            }
            try {
                Syscalls.kill(-holder, 0);
            } catch (LinuxException e) {
                if (e.errno() == ESRCH) {
                    Syscalls.tcsetpgrp(0, Syscalls.getpgrp());
                }
            }
        } catch (LinuxException e) {
            Logs.debug(Terminal.class, "cannot take the terminal back: {}", e.getMessage());
        }
    }

    private static final int ESRCH = 3;

    /** Takes the terminal back when a child holds it (before stopping ourselves, and at the end). */
    void reclaim() {
        if (!wasForeground) {
            return;
        }
        try {
            Syscalls.reclaimTerminal(0);
        } catch (LinuxException e) {
            Logs.debug(Terminal.class, "cannot take the terminal back: {}", e.getMessage());
        }
    }
}
