// A 600-line alias-heavy config loads in milliseconds after warm-up (no reflective constructors).
package vagga.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadSpeedTest {
    @Test
    void bigFileWithAnchorsAndMerges(@TempDir Path dir) throws Exception {
        StringBuilder y = new StringBuilder("""
                _defaults: &defaults
                  container: app
                  environ: &env {A: "1", B: "2"}
                  volumes: {/tmp: !Tmpfs {size: 10Mi}}
                containers:
                  app:
                    setup: [!HostRoot]
                commands:
                """);
        int commands = 120;
        for (int i = 0; i < commands; i++) {
            y.append("  c").append(i).append(": &c").append(i).append(" !Command\n")
                    .append("    <<: *defaults\n")
                    .append("    run: [echo, \"").append(i).append("\"]\n")
                    .append("    environ: {<<: *env, I: \"").append(i).append("\"}\n");
        }
        y.append("  all: !Supervise\n    children:\n");
        for (int i = 0; i < commands; i++) {
            y.append("      c").append(i).append(": *c").append(i).append('\n');
        }
        Files.writeString(dir.resolve("vagga.yaml"), y);
        assertTrue(y.toString().lines().count() >= 600);
        Config c = null;
        for (int i = 0; i < 200; i++) {
            c = ConfigLoader.loadFile(dir.resolve("vagga.yaml"), dir);
        }
        long start = System.nanoTime();
        int rounds = 50;
        for (int i = 0; i < rounds; i++) {
            c = ConfigLoader.loadFile(dir.resolve("vagga.yaml"), dir);
        }
        double ms = (System.nanoTime() - start) / 1e6 / rounds;
        System.out.printf("vagga.config: %d-line config loads in %.2f ms%n", y.toString().lines().count(), ms);
        assertEquals(commands + 1, c.commands().size());
        assertEquals(commands, ((SuperviseSpec) c.commands().get("all")).children().size());
    }
}
