// A running shim: its host pid plus the fds that tie it to the supervisor.
package vagga.linux;

/** Opaque to callers except for {@link #pid()}; owned by {@link ProcessReactor}. */
public interface SpawnedChild {
    /** The shim's pid as the host sees it (what vagga prints as the process pid). */
    int pid();
}
