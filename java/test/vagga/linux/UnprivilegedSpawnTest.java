// Spawning as an ordinary user: the spawner adds a user namespace mapping the user to root inside.
package vagga.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnprivilegedSpawnTest {
    private static final int NOBODY = 65534;

    @TempDir
    Path project;

    /** Runs as nobody: spawns `id -u; cat uid_map` into /work and prints the exit event. */
    public static void main(String[] args) throws Exception {
        BlockingQueue<ReactorEvent> events = new LinkedBlockingQueue<>();
        try (var reactor = new ProcessReactor(events::add)) {
            reactor.spawn(new ShimInvocation(null, false, Path.of(args[0]), "/work",
                    List.of("/bin/sh", "-c", "{ id -u; cat /proc/self/uid_map; } > /work/out; exit 3"),
                    List.of("PATH=/usr/bin:/bin"), 0, 0, List.of(), List.of(), null, null, -1, -1));
            System.out.println(events.poll(20, TimeUnit.SECONDS));
        } catch (LinuxException e) {
            System.out.println(e.getMessage() + (e.hint() != null ? "\nhint: " + e.hint() : ""));
        }
    }

    @Test
    void nobodyGetsAUserNamespace() throws Exception {
        assumeTrue(Syscalls.geteuid() == 0, "needs root to switch to nobody");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        String classPath = codeSource(UnprivilegedSpawnTest.class) + File.pathSeparator
                + codeSource(ProcessReactor.class);
        Files.setOwner(project, project.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName("nobody"));
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder("/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", java, "-Xrs", "-cp", classPath,
                "-Dvagga.libdir=" + Path.of(System.getProperty("vagga.libdir")).toAbsolutePath(),
                UnprivilegedSpawnTest.class.getName(), project.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor());
        assumeTrue(!output.contains("unprivileged user namespaces are disabled"), output);
        assertEquals("ChildExited[child=shim pid " + output.replaceAll(".*shim pid (\\d+).*", "$1")
                + ", status=Exited[exitCode=3]]", output);
        String[] lines = Files.readString(project.resolve("out")).strip().split("\n");
        assertEquals("0", lines[0]);
        assertEquals(List.of("0", Integer.toString(NOBODY), "1"), List.of(lines[1].trim().split("\\s+")));
    }

    private static String codeSource(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
