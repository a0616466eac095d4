// The pieces of the export files that need no engine: YAML/JSON text, probes, names.
package vagga.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import vagga.config.Position;
import vagga.config.Readiness;

class ExportTextTest {
    @Test
    void stringsAreAlwaysQuotedSoNoReaderTakesThemForNumbersOrBooleans() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", "1");
        m.put("yes", "on");
        m.put("list", List.of("x\"y", "tab\there"));
        m.put("empty", Map.of());
        m.put("n", 3);
        assertEquals("a: \"1\"\n\"yes\": \"on\"\nlist:\n  - \"x\\\"y\"\n  - \"tab\\there\"\nempty: {}\n\"n\": 3\n",
                YamlText.yaml(m));
        assertEquals("{\"a\":\"1\",\"yes\":\"on\",\"list\":[\"x\\\"y\",\"tab\\there\"],\"empty\":{},\"n\":3}",
                YamlText.json(m));
    }

    @Test
    void mapsInListsStartOnTheDashLine() {
        assertEquals("- name: \"a\"\n  value: \"b\"\n", YamlText.yaml(List.of(ordered("name", "a", "value", "b"))));
    }

    @Test
    void thePortProbeLooksForAListeningSocketOfThatPortInHex() {
        Readiness r = new Readiness(Position.UNKNOWN, "port", "8080", 60, 0.5);
        String script = Probes.script(r);
        assertEquals(true, script.contains("*:1F90:0A) exit 0;;"), script);
        assertEquals(120, Probes.retries(r));
        assertEquals("500ms", Probes.duration(0.5));
        assertEquals("2s", Probes.duration(2));
        assertEquals("test -e '/a b'\\''c'", Probes.script(new Readiness(Position.UNKNOWN, "file", "/a b'c", 1, 1)));
    }

    @Test
    void kubernetesNamesAreDnsLabelsAndImageNamesLowerCase() {
        assertEquals("web-app", KubeManifest.label("Web_App"));
        assertEquals("run", KubeManifest.label("/run"));
        assertEquals("localhost/vagga/my-app.v2:0123abcd", ImagePack.imageName("My App.v2", "0123abcd"));
    }

    @Test
    void problemsAreSortedByLineNumberNotByText() {
        assertEquals(List.of("vagga.yaml:9:2: b", "vagga.yaml:58:1: a", "hint"),
                ExportModel.sorted(List.of("vagga.yaml:58:1: a", "vagga.yaml:9:2: b", "hint", "vagga.yaml:9:2: b")));
    }

    private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }
}
