// vagga's build modes (--no-image-download, --no-build, --no-version-check): how far a run may go to get a root.
package vagga.image;

public enum BuildMode {
    /** Build a container whose current version is missing. */
    NORMAL,
    /** As NORMAL, but never fetch a prebuilt image (image-cache-url): build locally. */
    NO_IMAGE_DOWNLOAD,
    /** Use the root of the current version if it is built; never build (exit 29 when it is not). */
    NO_BUILD,
    /** Use whatever root .vagga/NAME links to, without computing a version (exit 29 when none). */
    NO_VERSION_CHECK;

    /**
     * The mode a command-line flag asks for, or null when {@code option} is not one: vagga's
     * {@code --no-image} (its completion spells it {@code --no-image-download}), {@code --no-build},
     * {@code --no-version-check}. The one reading of these flags, for the global options and for
     * every built-in that takes them.
     */
    public static BuildMode ofOption(String option) {
        return switch (option) {
            case "--no-image", "--no-image-download" -> NO_IMAGE_DOWNLOAD;
            case "--no-build" -> NO_BUILD;
            case "--no-version-check" -> NO_VERSION_CHECK;
            default -> null;
        };
    }
}
