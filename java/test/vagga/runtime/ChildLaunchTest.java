// ChildLaunch in-process with real spawns: a plain command's code, a missing container, a bind error, environment.
package vagga.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import vagga.config.CommandSpec;
import vagga.config.Config;
import vagga.config.ConfigLoader;
import vagga.image.BuildProgress;
import vagga.launch.Environment;
import vagga.plan.ExitCodes;

class ChildLaunchTest {
    @TempDir
    Path project;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Config config(String commands) throws Exception {
        Path file = project.resolve("vagga.yaml");
        Files.writeString(file, "containers: {host: {setup: [!HostRoot]}}\ncommands:\n" + commands);
        return ConfigLoader.loadFile(file, project);
    }

    private int command(Config config, String name, Map<String, String> setEnv) {
        ChildLaunch.Context ctx = new ChildLaunch.Context(config, project,
                Environment.Caller.of(Map.of("PATH", "/usr/bin:/bin"), List.of(), setEnv), false,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                BuildProgress.SILENT);
        return ChildLaunch.command(ctx, name, (CommandSpec) config.commands().get(name), List.of());
    }

    @Test
    void aPlainCommandsCodeAndEnvironment() throws Exception {
        Config c = config("  c: !Command {container: host, environ: {A: from-yaml}, "
                + "run: 'echo \"$A $B $HOME $VAGGA_COMMAND\" > /work/seen; exit 3'}\n");
        assertEquals(3, command(c, "c", Map.of("B", "from-E")));
        assertEquals("from-yaml from-E /tmp c\n", Files.readString(project.resolve("seen")));
    }

    @Test
    void aMissingContainerIs121WithItsPlace() throws Exception {
        Config c = config("  c: !Command {container: hots, run: 'true'}\n");
        assertEquals(ExitCodes.RUNTIME_ERROR, command(c, "c", Map.of()));
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("vagga.yaml:3:") && text.contains("Container \"hots\" not found"), text);
    }

    @Test
    void aSocketThatCannotBeBoundStartsNothing() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Config c = config("  c: !Command {container: host, pass-tcp-socket: '127.0.0.1:" + port
                    + "', run: 'touch /work/ran'}\n");
            assertEquals(ExitCodes.RUNTIME_ERROR, command(c, "c", Map.of()));
            assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("Error listening \"127.0.0.1:" + port + "\": "),
                    err.toString(StandardCharsets.UTF_8));
            assertTrue(!Files.exists(project.resolve("ran")));
        }
    }
}
