// kill -9 of a JVM that spawned a shim takes the shim and the command with it (SPEC 5).
package vagga.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SupervisorDeathTest {
    @TempDir
    Path project;

    /** The process the test kills: spawns one shim running sleep, prints its pid, waits. */
    public static void main(String[] args) throws Exception {
        var reactor = new ProcessReactor(e -> {});
        var child = reactor.spawn(new ShimInvocation(null, false, Path.of(args[0]), "/work",
                List.of("sleep", "1000"), List.of("PATH=/usr/bin:/bin"), 0, 0, List.of(), List.of(),
                null, null, -1, -1));
        System.out.println(child.pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    private static int firstChild(int pid) throws Exception {
        Path children = Path.of("/proc/" + pid + "/task/" + pid + "/children");
        for (int i = 0; i < 1000; i++) {
            String s = Files.readString(children).strip();
            if (!s.isEmpty()) {
                return Integer.parseInt(s.split(" ")[0]);
            }
            Thread.sleep(10);
        }
        throw new AssertionError("shim " + pid + " started no command within 10 s");
    }

    private static String codeSource(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void killingTheJvmKillsShimAndCommand() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        // Where this class and the library's classes are (surefire and IDEs differ in java.class.path).
        String classPath = codeSource(SupervisorDeathTest.class) + File.pathSeparator
                + codeSource(ProcessReactor.class);
        Process jvm = new ProcessBuilder(java, "-Xrs", "-cp", classPath,
                "-Dvagga.libdir=" + System.getProperty("vagga.libdir"),
                SupervisorDeathTest.class.getName(), project.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            String line = new BufferedReader(new InputStreamReader(jvm.getInputStream())).readLine();
            assertNotNull(line, "the spawning JVM printed no pid");
            int shim = Integer.parseInt(line.strip());
            int command = firstChild(shim);
            assertTrue(ProcessReactorTest.running(shim) && ProcessReactorTest.running(command));

            jvm.destroyForcibly();
            assertTrue(jvm.waitFor(10, TimeUnit.SECONDS));
            assertEquals(137, jvm.exitValue());
            for (int i = 0; i < 500 && (ProcessReactorTest.running(shim)
                    || ProcessReactorTest.running(command)); i++) {
                Thread.sleep(10);
            }
            assertFalse(ProcessReactorTest.running(shim), "shim survived the JVM");
            assertFalse(ProcessReactorTest.running(command), "command survived the JVM");
        } finally {
            jvm.destroyForcibly();
        }
    }
}
