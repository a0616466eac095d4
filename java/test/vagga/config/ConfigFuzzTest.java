// make faults (fuzz half): every fixture and example, mutated; each load ends in a Config or a ConfigException, in bounded time.
package vagga.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs: every {@code *.yaml} of the JUnit fixtures, the bats fixtures and the examples, each
 * mutated by a few random edits (bytes flipped, ranges cut or repeated, YAML punctuation, tags,
 * anchors, deep nesting and long scalars inserted, lines swapped). {@code -Dfuzz.runs=N} (default
 * 1000, the short form in {@code make junit}; {@code make faults} runs more), {@code -Dfuzz.seed=S}
 * repeats a run. Fails on any stack trace (a Throwable other than ConfigException) or hang (over
 * 10 s); the failing inputs are kept in target/fuzz-failures.
 */
class ConfigFuzzTest {
    private static final String[] TOKENS = {"[", "]", "{", "}", ":", ": ", "- ", "-", ",", "!", "!Sh ", "!Tar ",
        "!*Include x.yaml", "!*Unpack ", "*a", "&a ", "<<: *a\n", "? ", "|\n", ">\n", "\"", "'", "#", "\t", "\u0000",
        "\n", "\n  ", "\n    - ", "%YAML 1.1\n", "---\n", "...\n", "~", "null", "0o777", "1e99", "-1",
        "99999999999999999999", "\\u", "\uFEFF", "é", "\uD83D\uDE00", "run: ", "container: ", "setup: ", "volumes: ",
        "mixins: [", "commands:\n  x: !Supervise\n    children:\n", "\n  y: !Command {container: nowhere, run: []}"};

    @TempDir
    Path dir;

    @Test
    void mutatedConfigsNeverCrashOrHang() throws Exception {
        int runs = Integer.getInteger("fuzz.runs", 1000);
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        List<String> seeds = seeds();
        Random random = new Random(seed);
        Path failures = Path.of("target", "fuzz-failures");
        int accepted = 0, refused = 0, traces = 0, hangs = 0;
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fuzz");
            t.setDaemon(true); // a hung load must not keep the JVM alive
            return t;
        });
        try {
            for (int i = 0; i < runs; i++) {
                String input = mutate(seeds.get(random.nextInt(seeds.size())), random);
                Path project = Files.createDirectories(dir.resolve("p" + i));
                Path file = project.resolve("vagga.yaml");
                // getBytes, not writeString: a mutation may split a surrogate pair (replaced by "?")
                Files.write(file, input.getBytes(StandardCharsets.UTF_8));
                Future<?> load = pool.submit(() -> ConfigLoader.loadFile(file, project));
                try {
                    load.get(10, TimeUnit.SECONDS);
                    accepted++;
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof ConfigException) {
                        refused++;
                    } else {
                        traces++;
                        keep(failures, "trace-" + i, input);
                        if (traces <= 3) {
                            e.getCause().printStackTrace();
                        }
                    }
                } catch (TimeoutException e) {
                    hangs++;
                    load.cancel(true);
                    keep(failures, "hang-" + i, input);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("fuzz: %d inputs from %d files (seed %d): %d accepted, %d refused, %d stack traces, %d hangs%n",
                runs, seeds.size(), seed, accepted, refused, traces, hangs);
        assertEquals(0, traces, "stack traces (inputs in " + failures + ")");
        assertEquals(0, hangs, "hangs (inputs in " + failures + ")");
    }

    private static void keep(Path failures, String name, String input) throws IOException {
        Files.createDirectories(failures);
        Files.write(failures.resolve(name + ".yaml"), input.getBytes(StandardCharsets.UTF_8));
    }

    /** Every fixture and example config of the project (run from the project root, as Maven does). */
    private static List<String> seeds() throws IOException {
        List<String> out = new ArrayList<>();
        for (String top : List.of("java/test-resources", "tests-bats", "examples")) {
            Path base = Path.of(top);
            if (!Files.isDirectory(base)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(base)) {
                for (Path p : s.filter(p -> p.toString().endsWith(".yaml") && Files.isRegularFile(p)).sorted().toList()) {
                    if (Files.size(p) < 1 << 20) {
                        out.add(Files.readString(p, StandardCharsets.ISO_8859_1));
                    }
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no fixtures found from " + Path.of("").toAbsolutePath());
        }
        return out;
    }

    private static String mutate(String text, Random r) {
        StringBuilder b = new StringBuilder(text);
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = b.length() == 0 ? 0 : r.nextInt(b.length() + 1);
            switch (r.nextInt(9)) {
                case 0 -> { if (at < b.length()) { b.setCharAt(at, (char) (b.charAt(at) ^ (1 << r.nextInt(7)))); } }
                case 1 -> b.delete(at, Math.min(b.length(), at + r.nextInt(40)));
                case 2 -> { int end = Math.min(b.length(), at + r.nextInt(200)); b.insert(at, b.substring(at, end)); }
                case 3, 4 -> b.insert(at, TOKENS[r.nextInt(TOKENS.length)]);
                case 5 -> b.insert(at, (r.nextBoolean() ? "[" : "{a: ").repeat(50 + r.nextInt(3000)));
                case 6 -> b.insert(at, "\"" + "x".repeat(r.nextInt(200_000)) + "\"");
                case 7 -> b.setLength(at);
                default -> {
                    String[] lines = b.toString().split("\n", -1);
                    if (lines.length > 2) {
                        int i = r.nextInt(lines.length), j = r.nextInt(lines.length);
                        String t = lines[i]; lines[i] = lines[j]; lines[j] = t;
                        b.setLength(0);
                        b.append(String.join("\n", lines));
                    }
                }
            }
        }
        return b.toString();
    }
}
