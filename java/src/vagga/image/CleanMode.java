// What `vagga _clean` removes: --old, --everything, --transient, --tmp, --volumes.
package vagga.image;

public enum CleanMode {
    /** Roots that are not the current version of a container of vagga.yaml, and stale links. */
    OLD,
    /** All of .vagga (roots, volumes, caches, transient copies), except a vagga.yaml kept there. */
    EVERYTHING,
    /** Transient copies left by vagga processes that are not running any more. */
    TRANSIENT,
    /** Temporary directories of failed or killed builds. */
    TMP,
    /** Every !Persistent volume (they are created empty on the next run). */
    VOLUMES
}
