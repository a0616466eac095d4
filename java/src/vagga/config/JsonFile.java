// Reads a JSON file (package.json) into plain Java values: Map, List, String, Number, Boolean, null.
package vagga.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** JSON is read with the YAML parser we already ship (JSON files are YAML documents). */
public final class JsonFile {
    private JsonFile() {}

    /** @throws IOException unreadable, or not valid JSON (the message says where) */
    public static Object read(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return load(r, file.toString());
        }
    }

    /** JSON text received from elsewhere (a registry's manifest); {@code what} names it in the error. */
    public static Object parse(String text, String what) throws IOException {
        return load(new java.io.StringReader(text), what);
    }

    // JSON's "\/" (PHP writes it) is no YAML escape: an escaped "/" is the "/" itself
    private static final java.util.regex.Pattern ESCAPED_SLASH = java.util.regex.Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\/");

    private static Object load(Reader r, String what) throws IOException {
        String text;
        try (Reader in = r) {
            StringBuilder b = new StringBuilder();
            char[] buf = new char[8192];
            for (int n; (n = in.read(buf)) > 0;) {
                b.append(buf, 0, n);
            }
            text = b.toString();
        }
        if (text.indexOf("\\/") >= 0) {
            text = ESCAPED_SLASH.matcher(text).replaceAll("$1/");
        }
        try {
            return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (RuntimeException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new IOException("bad JSON in " + what + ": " + msg, e);
        }
    }
}
