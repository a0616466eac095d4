// vagga's compression options of _pack_image: the filter tar runs its archive through.
package vagga.export;

public enum Compression {
    GZIP("-z"), BZIP2("-j"), XZ("-J");

    private final String tarOption;

    Compression(String tarOption) {
        this.tarOption = tarOption;
    }

    /** GNU tar's (and busybox tar's) option for this filter. */
    public String tarOption() {
        return tarOption;
    }
}
