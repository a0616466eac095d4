// ShimInvocation -> the shim's argv, option by option (native/shim PROTOCOL).
package vagga.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShimArgumentsTest {
    private static ShimInvocation invocation(Path root, List<MountSpec> mounts, List<Integer> groups) {
        return new ShimInvocation(root, false, Path.of("/prj"), "/work/sub", List.of("echo", "hi"),
                List.of("PATH=/bin"), 1000, 100, groups, mounts, null, null, -1, -1);
    }

    @Test
    void minimalHostRoot() {
        assertEquals(List.of("vagga-init", "--status-fd", "3", "--control-fd", "4", "--host-root",
                        "--project", "/prj", "--cwd", "/work/sub", "--uid", "1000", "--gid", "100",
                        "--", "echo", "hi"),
                ShimArguments.argv(invocation(null, List.of(), List.of()), -1, -1));
    }

    @Test
    void stageAndWaitForIdMaps() {
        assertEquals(List.of("vagga-init", "--status-fd", "3", "--control-fd", "4", "--wait-userns",
                        "--root", "/roots/c1", "--stage", "/usr/lib/vagga/stage",
                        "--project", "/prj", "--cwd", "/work/sub", "--uid", "1000", "--gid", "100",
                        "--", "echo", "hi"),
                ShimArguments.argv(invocation(Path.of("/roots/c1"), List.of(), List.of()), -1, -1, true,
                        Path.of("/usr/lib/vagga/stage")));
    }

    @Test
    void everyOption() {
        Map<String, Integer> dirs = new LinkedHashMap<>();
        dirs.put("a/b", 0700);
        dirs.put("a", 0755);
        Map<String, String> files = new LinkedHashMap<>();
        files.put("/x.txt", "hello world");
        var inv = new ShimInvocation(Path.of("/roots/c1"), true, Path.of("/prj"), "/work",
                List.of("sh", "-c", "true"), List.of(), 0, 0, List.of(1, 2, 3),
                List.of(new MountSpec.Tmpfs("/var/tmp", 1048576, 01777, dirs, files),
                        new MountSpec.Bind("/host/data", "/data", false),
                        new MountSpec.Bind("/host/ro", "/ro", true),
                        new MountSpec.Snapshot("/var/db", 104857600, MountSpec.Snapshot.KEEP, 50)),
                Path.of("/etc/hosts"), Path.of("/etc/resolv.conf"), 17, 18);
        assertEquals(List.of("vagga-init", "--status-fd", "3", "--control-fd", "4",
                        "--root", "/roots/c1", "--root-rw", "--project", "/prj", "--cwd", "/work",
                        "--uid", "0", "--gid", "0", "--groups", "1,2,3",
                        "--hosts", "/etc/hosts", "--resolv", "/etc/resolv.conf",
                        "--tmpfs", "/var/tmp", "1048576", "1777",
                        "--tmpfs-dir", "/var/tmp/a", "755", "--tmpfs-dir", "/var/tmp/a/b", "700",
                        "--tmpfs-file", "/var/tmp/x.txt", "hello world",
                        "--bind", "/host/data", "/data", "--bind-ro", "/host/ro", "/ro",
                        "--snapshot", "/var/db", "104857600", "-1", "50",
                        "--pass-fd", "5", "--netns-fd", "6", "--", "sh", "-c", "true"),
                ShimArguments.argv(inv, 5, 6));
    }
}
