// What `vagga _clean` removes: vagga's modes, several of which may be given at once.
package vagga.image;

public enum CleanMode {
    /** --tmp, --tmp-folders: temporary directories of failed or killed builds. */
    TMP,
    /** --old, --old-containers: roots that no .vagga/NAME link points at (vagga looks at the links only). */
    OLD,
    /** --unused: roots that are not the current version of a container (versions computed), or with
     *  --at-least, roots not used for that long. */
    UNUSED,
    /** --transient: transient copies left by vagga processes that are not running any more. */
    TRANSIENT,
    /** --everything: all of .vagga (and the project's storage dir), except a vagga.yaml kept there. */
    EVERYTHING,
    /** --unused-volumes: !Persistent volumes no command or container of the config names. */
    UNUSED_VOLUMES,
    /** --volumes: every !Persistent volume (they are created empty on the next run). */
    VOLUMES
}
