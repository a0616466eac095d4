// Only vagga.runtime.Logs may start slf4j: a static logger elsewhere costs every start ~10 ms (~120 classes).
package vagga.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class LoggersTest {
    /** The constant pool of a class that calls LoggerFactory.getLogger names the class this way. */
    private static final byte[] LOGGER_FACTORY = "org/slf4j/LoggerFactory".getBytes(StandardCharsets.US_ASCII);

    @Test
    void onlyLogsCallsLoggerFactory() throws IOException, URISyntaxException {
        Path classes = Path.of(Logs.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> callers;
        try (Stream<Path> files = Files.walk(classes.resolve("vagga"))) {
            callers = files.filter(f -> f.toString().endsWith(".class"))
                    .filter(LoggersTest::namesLoggerFactory)
                    .map(f -> classes.relativize(f).toString())
                    .filter(name -> !name.equals("vagga/runtime/Logs.class") && !name.startsWith("vagga/runtime/Logs$"))
                    .sorted().toList();
        }
        assertEquals(List.of(), callers, "classes that use org.slf4j.LoggerFactory: log through vagga.runtime.Logs");
    }

    private static boolean namesLoggerFactory(Path classFile) {
        try {
            byte[] bytes = Files.readAllBytes(classFile);
            outer:
            for (int i = 0; i + LOGGER_FACTORY.length <= bytes.length; i++) {
                for (int j = 0; j < LOGGER_FACTORY.length; j++) {
                    if (bytes[i + j] != LOGGER_FACTORY[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
