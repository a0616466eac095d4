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

    /** vagga's words when another process builds the container (build-lock-wait: false); the cause is EAGAIN as Rust shows it. */
    static String buildLocked() {
        return "Can't lock container build (Resource temporarily unavailable (os error 11)). "
                + "Probably other process is doing build. Aborting...";
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

    static String caBundleBad(String path, String why) {
        return "VAGGA_BUILD_CA_BUNDLE names " + path + ", whose certificates cannot be read: " + why;
    }

    // ---- !DockerImage (vagga's progress lines, then our errors) ----

    static String dockerImage(String reference) {
        return "Downloading docker image: " + reference;
    }

    static String dockerLayer(String digest) {
        return "Downloading docker layer: " + digest;
    }

    static String dockerUnpacking(String digest) {
        return "Unpacking docker layer: " + digest;
    }

    static String dockerUnreachable(String registry, String url, String why, boolean tls) {
        return "cannot reach docker registry " + registry + " (" + url + "): " + why
                + (tls ? "; if it serves plain http, name it in the docker-insecure-registries setting"
                        + " or set insecure: true" : "");
    }

    static String dockerNotFound(String reference, String why) {
        return "docker image " + reference + " not found (HTTP 404" + (why.isEmpty() ? "" : ": " + why) + ")";
    }

    static String dockerHttpStatus(String url, int status, String why) {
        return "docker registry answered HTTP " + status + " for " + url + (why.isEmpty() ? "" : ": " + why);
    }

    static String dockerRefused(String registry, String image, String why) {
        return "docker registry " + registry + " refused an anonymous pull of " + image + " (HTTP 401"
                + (why.isEmpty() ? "" : ": " + why) + "); this vagga pulls without a login";
    }

    static String dockerNeedsLogin(String registry, String challenge) {
        return "docker registry " + registry + " wants a login (" + challenge + "); this vagga pulls without one";
    }

    static String dockerDigestMismatch(String what, String digest, String registry, String actual) {
        return "docker " + what + " " + digest + " from " + registry + " does not match its digest (got " + actual
                + "): not used";
    }

    static String dockerBlobBroken(String digest, String registry, long got, String why) {
        return "cannot download docker layer " + digest + " from " + registry + ": " + why + " after " + got + " bytes";
    }

    static String dockerBadDigest(String reference, String digest) {
        return "the manifest of " + reference + " names \"" + digest + "\", not a sha256 digest";
    }

    static String dockerManifestUnsupported(String reference, String type) {
        return "the manifest of " + reference + " is not one this vagga reads (" + type + "; expected a Docker v2"
                + " or OCI manifest, or a list of them)";
    }

    static String dockerNoAmd64(String reference, java.util.List<String> platforms) {
        return "docker image " + reference + " has no linux/amd64 image (it has "
                + (platforms.isEmpty() ? "none" : String.join(", ", platforms)) + ")";
    }
}
