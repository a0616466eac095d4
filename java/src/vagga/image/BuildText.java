// The one home of the wording of build and container errors (each ends up one line on stderr, exit 121).
package vagga.image;

final class BuildText {
    private BuildText() {}

    /** vagga's words when an image-cache-url image cannot be had. */
    static String imageFailed(String why) {
        return "Error when unpacking image: " + why + ". Will clean and build it locally...";
    }

    /** vagga's warning for !Copy/!Depends rules that are all exclusions. */
    static final String NO_INCLUDE_RULES = "warning: You didn't add any include rules. So no files will be matched. "
            + "If you want to match all files in the source directory you should add \"/\" rule.";
    static final String SETUP_FAILED = "container setup failed (exit code 124, see the vagga-init message above)";

    static String notSupported(String container, String tag) {
        return "container \"" + container + "\": build step !" + tag + " is not supported yet";
    }

    static String hostRootNotAlone(String container) {
        return "container \"" + container + "\": !HostRoot must be the only setup step";
    }

    /** Prefixes what went wrong in a step: {@code container "app": step 3 (!Sh "make"): why}. */
    static String stepFailed(String container, int index, vagga.config.BuildStep step, String why) {
        return StepLabel.prefix(container, index, step) + ": " + why;
    }

    static String containerIo(String container, String why) {
        return "container \"" + container + "\": " + why;
    }

    static String exited(int code) {
        return "exited with code " + code;
    }

    static String killed(String signal) {
        return "killed by signal " + signal;
    }

    static String interrupted() {
        return "interrupted";
    }

    static String distributionOverlap(String wanted, String existing) {
        return "cannot set up " + wanted + ": the container is already based on " + existing;
    }

    static String sourceMissing(String source) {
        return "source " + source + " does not exist";
    }

    /** A !Copy source outside /work is a path in the container being built, as in vagga. */
    static String containerSourceMissing(String source) {
        return "source " + source + " does not exist in the container (a source outside /work is the "
                + "container's path, not the host's)";
    }

    static String copiesNothing(String source) {
        return "!Copy: " + source + " is an empty directory of the container (a source outside /work is the "
                + "container's path, not the host's): nothing to copy";
    }

    static String notADirectory(String subdir, Object archive) {
        return "subdir \"" + subdir + "\" is not a directory in " + archive;
    }

    static String cannotClean(Object dir, String why) {
        return "vagga: cannot clean " + dir + ": " + why;
    }

    static String notBuilt(String container, String version) {
        return "Container \"" + container + "\" is not built (version " + version
                + ") and --no-build forbids building it\nhint: run `vagga _build " + container + "` first";
    }

    static String notLinked(String container) {
        return "Container \"" + container + "\" has never been built (no .vagga/" + container
                + ") and --no-version-check forbids building it\nhint: run `vagga _build " + container + "` first";
    }

    static String caBundleUnreadable(String path) {
        return "VAGGA_BUILD_CA_BUNDLE names " + path + ", which cannot be read";
    }
}
