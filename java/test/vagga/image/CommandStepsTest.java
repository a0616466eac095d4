// !Sh and !Cmd run inside the container being built, through the real shim and ProcessReactor.
package vagga.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vagga.image.Fixtures.AT;
import static vagga.image.Fixtures.config;
import static vagga.image.Fixtures.container;
import static vagga.image.Fixtures.tarball;
import static vagga.image.Fixtures.write;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vagga.config.BuildStep;
import vagga.config.Config;

class CommandStepsTest {
    @TempDir
    Path project;
    @TempDir
    Path scratch;

    private final PrintStream progress = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    private final vagga.image.BuildProgress lines = new vagga.cli.ProgressLines(progress);
    private ContainerBuilder builder;

    @BeforeEach
    void busyboxTarball() throws Exception {
        Path tree = scratch.resolve("tree");
        Files.createDirectories(tree.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), tree.resolve("bin/busybox"));
        for (String tool : List.of("sh", "cat", "echo", "ls", "touch", "id", "env", "mkdir")) {
            Files.createSymbolicLink(tree.resolve("bin/" + tool), Path.of("busybox"));
        }
        Files.createDirectories(tree.resolve("etc"));
        tarball(tree, project.resolve("busybox.tar.gz"));
        builder = new ContainerBuilder();
    }

    @AfterEach
    void close() {
        builder.close();
    }

    @Test
    void commandsRunInsideTheRootWithTheProjectAtWorkAndBuildEnv() throws Exception {
        write(project.resolve("input.txt"), "from the project\n");
        Config config = config(project, container("app", List.of(
                new BuildStep.Tar(AT, "./busybox.tar.gz", "/", "", null),
                new BuildStep.Env(AT, Map.of("GREETING", "hello")),
                new BuildStep.Text(AT, Map.of("/tmp/from-text", "tmp is shared\n")),
                new BuildStep.Sh(AT, "echo \"$GREETING $(cat /work/input.txt)\" > /etc/greeting; "
                        + "cat /tmp/from-text > /etc/tmp-seen; pwd > /etc/cwd; echo $PATH > /etc/path"),
                new BuildStep.Cmd(AT, List.of("touch", "/made-by-cmd")))));
        Path root = builder.ensureBuilt(config, "app", false, lines);
        assertEquals("hello from the project\n", Files.readString(root.resolve("etc/greeting")));
        assertEquals("tmp is shared\n", Files.readString(root.resolve("etc/tmp-seen")));
        assertEquals("/work\n", Files.readString(root.resolve("etc/cwd")));
        assertEquals(vagga.launch.Environment.DEFAULT_PATH + "\n", Files.readString(root.resolve("etc/path")));
        assertTrue(Files.exists(root.resolve("made-by-cmd")));
        assertFalse(Files.exists(root.resolve("tmp/from-text")));
        assertFalse(Files.exists(project.resolve("made-by-cmd")), "the command wrote into the root, not the host");
    }

    @Test
    void failingCommandNamesTheStepAndLeavesNothing() throws Exception {
        Config config = config(project, container("app", List.of(
                new BuildStep.Tar(AT, "./busybox.tar.gz", "/", "", null),
                new BuildStep.Sh(AT, "touch /half-done"),
                new BuildStep.Sh(AT, "exit 3"))));
        BuildException e = assertThrows(BuildException.class, () -> builder.ensureBuilt(config, "app", false, lines));
        assertEquals("container \"app\": step 3 (!Sh \"exit 3\"): exited with code 3", e.getMessage());
        assertFalse(Files.exists(project.resolve(".vagga/app")));
        try (Stream<Path> s = Files.list(project.resolve(".vagga/.roots"))) {
            assertEquals(List.of(), s.toList(), "no root, no temporary directory");
        }

        Config missing = config(project, container("app", List.of(
                new BuildStep.Tar(AT, "./busybox.tar.gz", "/", "", null),
                new BuildStep.Cmd(AT, List.of("no-such-tool")))));
        e = assertThrows(BuildException.class, () -> builder.ensureBuilt(missing, "app", false, lines));
        assertEquals("container \"app\": step 2 (!Cmd [\"no-such-tool\"]): exited with code 127", e.getMessage());
    }

    @Test
    void commandsGetProxiesHomeReadOnlySysAndTheHostsResolvConf() throws Exception {
        Path hostResolv = Path.of("/etc/resolv.conf");
        Assumptions.assumeTrue(Files.isReadable(hostResolv), "the host has no readable /etc/resolv.conf");
        Config config = config(project, container("app", List.of(
                new BuildStep.Tar(AT, "./busybox.tar.gz", "/", "", null),
                new BuildStep.Sh(AT, "env > /etc/env-seen; cat /proc/mounts > /etc/mounts-seen; "
                        + "cat /etc/resolv.conf > /etc/resolv-seen"))));
        try (ContainerBuilder proxied = new ContainerBuilder(null, vagga.launch.Environment.Caller.of(
                Map.of("https_proxy", "http://127.0.0.1:3128", "HOME", "/home/caller", "VAGGAENV_X", "no")))) {
            Path root = proxied.ensureBuilt(config, "app", false, lines);
            List<String> env = Files.readAllLines(root.resolve("etc/env-seen"));
            assertTrue(env.contains("https_proxy=http://127.0.0.1:3128"), env.toString());
            assertTrue(env.contains("HOME=/tmp"), env.toString());
            assertFalse(env.contains("X=no"), env.toString());
            boolean sysReadOnly = Files.readAllLines(root.resolve("etc/mounts-seen")).stream()
                    .map(l -> l.split(" "))
                    .anyMatch(f -> f.length > 3 && f[1].equals("/sys") && List.of(f[3].split(",")).contains("ro"));
            assertTrue(sysReadOnly, "/sys is mounted read-only in build steps");
            assertEquals(Files.readString(hostResolv), Files.readString(root.resolve("etc/resolv-seen")));
        }
    }
}
