// JSON read through the YAML parser: what JSON allows that YAML does not spell the same way.
package vagga.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonFileTest {
    @Test
    void escapedSlashesTabsAndUnicodeEscapes() throws Exception {
        Object v = JsonFile.parse("{\n\t\"mediaType\": \"application\\/vnd.oci.image.index.v1+json\",\n"
                + "\t\"a\": [\"\\\\/\", \"\\\\\\/\", \"\\u00e9\\u003c\"]\n}", "m");
        assertEquals(Map.of("mediaType", "application/vnd.oci.image.index.v1+json",
                "a", List.of("\\/", "\\/", "é<")), v);
    }

    @Test
    void badJsonNamesWhat() {
        IOException e = assertThrows(IOException.class, () -> JsonFile.parse("{\"a\": ", "the manifest"));
        assertTrue(e.getMessage().startsWith("bad JSON in the manifest: "), e.getMessage());
    }
}
