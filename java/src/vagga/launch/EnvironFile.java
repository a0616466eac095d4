// A container's environ-file: NAME=VALUE lines read from inside the container, as vagga reads them.
package vagga.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import vagga.image.RootPath;

/**
 * vagga's rules ({@code wrapper/setup.rs}): each line is split at its first {@code =}; a line without
 * one (an empty line too) is "bad format"; a value starting with {@code "} loses the quotes at both
 * ends; nothing else is interpreted (no comments, no escapes, no line continuation). The path is
 * inside the container: under {@code /work} the project's file, elsewhere the root's (its symlinks
 * followed inside the root; a !HostRoot container's files are the host's).
 */
public final class EnvironFile {
    private EnvironFile() {}

    /** @param root the built root, or null for !HostRoot */
    public static Map<String, String> read(Path project, Path root, String path) throws SetupException {
        String text;
        try {
            text = Files.readString(hostPath(project, root, path), StandardCharsets.UTF_8);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new SetupException(prefix(path) + describe(e));
        }
        return parse(path, text);
    }

    static Map<String, String> parse(String path, String text) throws SetupException {
        Map<String, String> env = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        int count = text.endsWith("\n") ? lines.length - 1 : lines.length;
        for (int i = 0; i < count && !text.isEmpty(); i++) {
            String line = lines[i];
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new SetupException(prefix(path) + "bad format");
            }
            String value = line.substring(eq + 1);
            if (value.startsWith("\"")) {
                value = trimQuotes(value);
            }
            env.put(line.substring(0, eq), value);
        }
        return env;
    }

    /** Rust's trim_matches('"'): every quote at either end. */
    private static String trimQuotes(String v) {
        int start = 0, end = v.length();
        while (start < end && v.charAt(start) == '"') {
            start++;
        }
        while (end > start && v.charAt(end - 1) == '"') {
            end--;
        }
        return v.substring(start, end);
    }

    private static Path hostPath(Path project, Path root, String path) throws IOException {
        if (!path.startsWith("/")) {
            throw new IOException("the path must be absolute (inside the container)");
        }
        if (path.equals("/work") || path.startsWith("/work/")) {
            return RootPath.resolve(project, path.substring("/work".length()), true);
        }
        return root == null ? Path.of(path) : RootPath.resolve(root, path, true);
    }

    private static String prefix(String path) {
        return "Error reading environment file \"" + path + "\": ";
    }

    private static String describe(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory (os error 2)";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "Permission denied (os error 13)";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
