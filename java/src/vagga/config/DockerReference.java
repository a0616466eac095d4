// !DockerImage's image reference: vagga's reading of the one-string form, and the syntax the registry accepts.
package vagga.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * As vagga ({@code src/builder/commands/docker.rs}): {@code python:3.11} is
 * {@code registry-1.docker.io}, {@code library/python}, tag {@code 3.11}; a first part that is
 * {@code localhost} or holds a "." or ":" is the registry ({@code localhost:5000/app:1}); an image
 * without "/" on the default registry is in Docker Hub's {@code library/} namespace.
 */
public final class DockerReference {
    public static final String DEFAULT_REGISTRY = "registry-1.docker.io";
    public static final String DEFAULT_TAG = "latest";
    private static final String DEFAULT_NAMESPACE = "library";

    // Docker's distribution/reference grammar (tag, path components, host[:port])
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern NAME = Pattern.compile(
            "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
    private static final Pattern REGISTRY = Pattern.compile(
            "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
            + "|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?");

    private DockerReference() {}

    /** The keys {@code !DockerImage TEXT} stands for (registry and tag only when the text names them). */
    static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        String image = text;
        boolean hasRegistry = false;
        int slash = text.indexOf('/');
        if (slash >= 0) {
            String first = text.substring(0, slash);
            if (first.equals("localhost") || first.contains(".") || first.contains(":")) {
                out.put("registry", first);
                image = text.substring(slash + 1);
                hasRegistry = true;
            }
        }
        int colon = image.lastIndexOf(':');
        if (colon >= 0) {
            out.put("tag", image.substring(colon + 1));
            image = image.substring(0, colon);
        }
        if (!image.contains("/") && !hasRegistry) {
            image = DEFAULT_NAMESPACE + "/" + image;
        }
        out.put("image", image);
        return out;
    }

    /** What is wrong with the reference, in words, or null when the registry would accept it. */
    public static String problem(String registry, String image, String tag) {
        if (!REGISTRY.matcher(registry).matches()) {
            return "bad docker registry \"" + registry + "\" (expected a host name or address, and an optional"
                    + " :port)";
        }
        if (image.length() > 255 || !NAME.matcher(image).matches()) {
            return "bad docker image name \"" + image + "\" (expected lower-case letters and digits, separated by"
                    + " \"/\", \".\", \"_\", \"__\" or \"-\")";
        }
        if (!TAG.matcher(tag).matches()) {
            return "bad docker image tag \"" + tag + "\" (expected up to 128 letters, digits, \"_\", \".\" and \"-\","
                    + " not starting with \".\" or \"-\")";
        }
        return null;
    }
}
