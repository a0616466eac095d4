// The generic model codec: every kind of value comes back equal; an entry of another model shape is refused.
package vagga.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class ModelCodecTest {
    private static byte[] encode(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ModelCodec.Encoder(new DataOutputStream(bytes)).write(value);
        return bytes.toByteArray();
    }

    private static Object decode(byte[] bytes) throws IOException {
        return new ModelCodec.Decoder(new DataInputStream(new ByteArrayInputStream(bytes))).read();
    }

    @Test
    void recordsEnumsCollectionsAndNullsComeBackEqual() throws Exception {
        Position at = new Position("vagga.yaml", 3, 5);
        Object value = List.of(
                new Volume.Snapshot(at, 1L << 40, null, 7, "base"),
                new BuildStep.Unsupported(at, "Build", Arrays.asList("x", null, Map.of("k", List.of()))),
                new TreeMap<>(Map.of("b", WriteMode.TRANSIENT_HARD_LINK_COPY, "a", SuperviseMode.WAIT_ALL_SUCCESSFUL)),
                new Volume.Persistent(at, "db", "_init", 0, 0), Run.shell("echo"), "ünïcode", 42, -1L, false);
        assertEquals(value, decode(encode(value)));
        assertEquals(true, decode(encode(new TreeMap<>(Map.of("z", 1)))) instanceof java.util.SortedMap);
    }

    @Test
    void anEntryOfAnotherModelShapeIsRefused() throws Exception {
        byte[] bytes = encode(new Position("f", 1, 2));
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        // as if the running code's Position had a component named differently
        byte[] changed = text.replace("line:I", "lime:I").getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(bytes.length, changed.length);
        IOException e = assertThrows(IOException.class, () -> decode(changed));
        assertEquals(true, e.getMessage().startsWith("the model changed"), e.getMessage());
    }

    @Test
    void onlyThisPackagesClassesAreMade() throws Exception {
        byte[] bytes = encode(new Position("f", 1, 2));
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        byte[] foreign = text.replace("vagga.config.Position", "vagga.configXPosition")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThrows(IOException.class, () -> decode(foreign));
        assertThrows(IOException.class, () -> encode(new StringBuilder("not a model value")));
    }
}
