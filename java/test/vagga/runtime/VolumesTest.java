// Volume resolution: kinds, command-over-container precedence, order, and every refusal.
package vagga.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vagga.image.Fixtures.AT;
import static vagga.image.Fixtures.command;
import static vagga.image.Fixtures.container;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vagga.config.BuildStep;
import vagga.config.Volume;
import vagga.linux.MountSpec;

class VolumesTest {
    @TempDir
    Path project;
    @TempDir
    Path root;

    @BeforeEach
    void layout() throws Exception {
        for (String d : List.of("var/lib/db", "data", "cache", "empty", "etc", "tmp", "run")) {
            Files.createDirectories(root.resolve(d));
        }
        Files.createDirectories(project.resolve("state/db"));
    }

    private List<MountSpec> resolve(Map<String, Volume> containerVolumes, Map<String, Volume> commandVolumes)
            throws VolumeException {
        var c = container("app", List.of(new BuildStep.Sh(AT, "true")), containerVolumes);
        return Volumes.resolve(project, c, commandVolumes == null ? null : command("app", commandVolumes), root);
    }

    private String refused(Map<String, Volume> volumes) {
        return assertThrows(VolumeException.class, () -> resolve(volumes, null)).getMessage();
    }

    @Test
    void everySupportedKindBecomesAMount() throws Exception {
        Map<String, Volume> v = new LinkedHashMap<>();
        v.put("/tmp", new Volume.Tmpfs(AT, 1 << 20, 01777, Map.of("a", new Volume.TmpfsDir(0700)), Map.of("f", "x")));
        v.put("/var/lib/db", new Volume.BindRW(AT, "/work/state/db"));
        v.put("/etc", new Volume.BindRO(AT, "/work/state"));
        v.put("/empty", new Volume.Empty(AT));
        v.put("/data", new Volume.Persistent(AT, "pg", null, null, null));
        v.put("/cache", new Volume.CacheDir(AT, "pip"));
        List<MountSpec> m = resolve(v, null);
        Path real = project.toRealPath();
        assertEquals(List.of(
                new MountSpec.Bind(project.toAbsolutePath().resolve(".vagga/.cache/pip").toString(), "/cache", false),
                new MountSpec.Bind(project.toAbsolutePath().resolve(".vagga/.volumes/pg").toString(), "/data", false),
                new MountSpec.Bind(project.toAbsolutePath().resolve(".vagga/.empty").toString(), "/empty", true),
                new MountSpec.Bind(real.resolve("state").toString(), "/etc", true),
                new MountSpec.Tmpfs("/tmp", 1 << 20, 01777, Map.of("a", 0700), Map.of("f", "x")),
                new MountSpec.Bind(real.resolve("state/db").toString(), "/var/lib/db", false)), m);
        assertTrue(Files.isDirectory(project.resolve(".vagga/.volumes/pg")), "persistent volume made on demand");
        assertTrue(Files.isDirectory(project.resolve(".vagga/.cache/pip")));
    }

    @Test
    void commandVolumesOverrideTheContainersPerPath() throws Exception {
        List<MountSpec> m = resolve(
                Map.of("/data", new Volume.Empty(AT), "/cache", new Volume.CacheDir(AT, "c")),
                Map.of("/data", new Volume.Persistent(AT, "mine", null, null, null)));
        assertEquals(2, m.size());
        MountSpec.Bind data = (MountSpec.Bind) m.get(1);
        assertEquals("/data", data.dest());
        assertTrue(data.source().endsWith(".vagga/.volumes/mine"), data.source());
        assertEquals(false, data.readOnly());
    }

    @Test
    void parentsAreMountedBeforeWhatIsInsideThem() throws Exception {
        Map<String, Volume> v = new LinkedHashMap<>();
        v.put("/run/sub/x", new Volume.Persistent(AT, "x", null, null, null));
        v.put("/run", new Volume.Tmpfs(AT, 1 << 20, 0755, Map.of("sub", new Volume.TmpfsDir(0755),
                "sub/x", new Volume.TmpfsDir(0755)), Map.of()));
        v.put("/run-other", new Volume.Empty(AT));
        Files.createDirectories(root.resolve("run-other"));
        List<String> dests = resolve(v, null).stream().map(MountSpec::dest).toList();
        assertEquals(List.of("/run", "/run-other", "/run/sub/x"), dests);
    }

    @Test
    void bindEscapingWithDotDotIsRefused() {
        String msg = refused(Map.of("/data", new Volume.BindRW(AT, "/work/../../etc")));
        assertEquals("volume \"/data\" (!BindRW \"/work/../../etc\", vagga.yaml:3:5): "
                + "\"/work/../../etc\" is outside the project directory", msg);
    }

    @Test
    void bindEscapingThroughASymlinkIsRefused() throws Exception {
        Files.createSymbolicLink(project.resolve("sneaky"), Path.of("/etc"));
        String msg = refused(Map.of("/data", new Volume.BindRO(AT, "/work/sneaky")));
        assertTrue(msg.startsWith("volume \"/data\" (!BindRO \"/work/sneaky\", vagga.yaml:3:5): "), msg);
        assertTrue(msg.contains("through a symlink"), msg);
        Files.createSymbolicLink(project.resolve("deeper"), Path.of("/"));
        msg = refused(Map.of("/data", new Volume.BindRO(AT, "/work/deeper/etc/passwd")));
        assertTrue(msg.contains("through a symlink"), msg);
    }

    @Test
    void bindOutsideWorkIsRefused() {
        String msg = refused(Map.of("/data", new Volume.BindRW(AT, "/etc/ssl")));
        assertTrue(msg.contains("outside the project; only paths under /work can be bound"), msg);
    }

    @Test
    void missingBindSourceIsRefused() {
        String msg = refused(Map.of("/data", new Volume.BindRW(AT, "/work/nothing")));
        assertTrue(msg.contains("/work/nothing does not exist"), msg);
    }

    @Test
    void missingMountPointIsRefused() {
        String msg = refused(Map.of("/srv/www", new Volume.Empty(AT)));
        assertEquals("volume \"/srv/www\" (!Empty, vagga.yaml:3:5): mount point /srv/www does not exist in the container",
                msg);
        msg = refused(Map.of("/tmp/x", new Volume.Empty(AT)));
        assertTrue(msg.contains("inside the container's fresh tmp"), msg);
        msg = refused(Map.of("/work/nope", new Volume.Empty(AT)));
        assertTrue(msg.contains("does not exist in the project"), msg);
    }

    @Test
    void mountPointInsideAnEarlierTmpfsMustBeOneOfItsSubdirs() throws Exception {
        Map<String, Volume> v = new LinkedHashMap<>();
        v.put("/var", new Volume.Tmpfs(AT, 1 << 20, 0755, Map.of("lib", new Volume.TmpfsDir(0755)), Map.of()));
        v.put("/var/lib/db", new Volume.Empty(AT));
        String msg = refused(v);
        assertTrue(msg.contains("has no subdir or file \"lib/db\""), msg);
    }

    @Test
    void mountPointThroughAbsoluteSymlinkResolvesInsideTheRoot() throws Exception {
        // /srv -> /data inside the container: must be checked as <root>/data, not the host's /data
        Files.createSymbolicLink(root.resolve("srv"), Path.of("/data"));
        assertEquals(1, resolve(Map.of("/srv", new Volume.Empty(AT)), null).size());
        Files.createSymbolicLink(root.resolve("srv2"), Path.of("/nonexistent-on-purpose"));
        refused(Map.of("/srv2", new Volume.Empty(AT)));
    }

    @Test
    void snapshotBecomesATmpfsCopyWithItsOwners() throws Exception {
        Map<String, Volume> v = new LinkedHashMap<>();
        v.put("/var/lib/db", new Volume.Snapshot(AT, 10 << 20, null, null, null));
        v.put("/data", new Volume.Snapshot(AT, 100L << 20, 1000, 50, null));
        assertEquals(List.of(
                new MountSpec.Snapshot("/data", 100L << 20, 1000, 50),
                new MountSpec.Snapshot("/var/lib/db", 10 << 20, MountSpec.Snapshot.KEEP, MountSpec.Snapshot.KEEP)),
                resolve(v, null));
    }

    @Test
    void aMountInsideASnapshotNeedsItsMountPointInWhatWasCopied() throws Exception {
        Files.createDirectories(root.resolve("var/lib/db/sub"));
        assertEquals(2, resolve(Map.of("/var/lib/db", new Volume.Snapshot(AT, 1 << 20, null, null, null),
                "/var/lib/db/sub", new Volume.Empty(AT)), null).size());
        String msg = refused(Map.of("/var/lib/db", new Volume.Snapshot(AT, 1 << 20, null, null, null),
                "/var/lib/db/nope", new Volume.Empty(AT)));
        assertTrue(msg.endsWith("mount point /var/lib/db/nope does not exist in the container"), msg);
    }

    @Test
    void containerSnapshotsAndContainerVolumesUseTheOtherRoot() throws Exception {
        var c = container("app", List.of(new BuildStep.Sh(AT, "true")), Map.of(
                "/data", new Volume.Snapshot(AT, 1 << 20, null, null, "other"),
                "/srv", new Volume.ContainerVolume(AT, "other")));
        Files.createDirectories(root.resolve("data"));
        Files.createDirectories(root.resolve("srv"));
        assertEquals(List.of("other"), Volumes.containersNamed(c, null));
        Path other = project.resolve(".vagga/.roots/other.1234/root");
        // vagga copies the other container's folder at the mount path, not its whole root
        String missing = assertThrows(VolumeException.class,
                () -> Volumes.resolve(project, c, null, root, Map.of("other", other))).getMessage();
        assertTrue(missing.endsWith("container \"other\" has no directory /data to copy"), missing);
        Files.createDirectories(other.resolve("data"));
        List<MountSpec> mounts = Volumes.resolve(project, c, null, root, Map.of("other", other));
        assertEquals(List.of(
                new MountSpec.Snapshot("/data", 1 << 20, MountSpec.Snapshot.KEEP, MountSpec.Snapshot.KEEP,
                        other.resolve("data").toString()),
                new MountSpec.Bind(other.toString(), "/srv", true)), mounts);
        String msg = refused(Map.of("/data", new Volume.Snapshot(AT, 1 << 20, null, null, "other")));
        assertTrue(msg.startsWith("volume \"/data\" (!Snapshot"), msg);
        assertTrue(msg.endsWith("container \"other\" is not built"), msg);
        Map<String, Path> hostRoot = new java.util.HashMap<>();
        hostRoot.put("other", null);
        VolumeException e = assertThrows(VolumeException.class, () -> Volumes.resolve(project, c, null, root,
                hostRoot));
        assertTrue(e.getMessage().contains("is a !HostRoot"), e.getMessage());
    }

    @Test
    void externalVolumesBindUnderTheirConfiguredDirectory() throws Exception {
        Path shared = Files.createDirectories(project.resolve("../shared-ext").normalize().resolve("sub"));
        Files.createDirectories(root.resolve("data"));
        Files.createDirectories(root.resolve("srv"));
        var c = container("app", List.of(new BuildStep.Sh(AT, "true")), Map.of(
                "/data", new Volume.BindRW(AT, "/volumes/shared/sub"),
                "/srv", new Volume.BindRO(AT, "/volumes/shared")));
        assertTrue(Volumes.usesExternalVolumes(c, null));
        List<MountSpec> mounts = Volumes.resolve(project, c, null, root, Map.of(),
                Map.of("shared", shared.getParent()));
        assertEquals(List.of(new MountSpec.Bind(shared.toString(), "/data", false),
                new MountSpec.Bind(shared.getParent().toString(), "/srv", true)), mounts);
        String missing = refused(Map.of("/data", new Volume.BindRW(AT, "/volumes/nope")));
        assertTrue(missing.contains("external volume \"nope\" is not configured"), missing);
        var climbing = container("app", List.of(new BuildStep.Sh(AT, "true")), Map.of(
                "/data", new Volume.BindRW(AT, "/volumes/shared/../../etc")));
        VolumeException e = assertThrows(VolumeException.class, () -> Volumes.resolve(project, climbing, null, root,
                Map.of(), Map.of("shared", shared.getParent())));
        assertTrue(e.getMessage().contains("climbs out of the external volume"), e.getMessage());
    }

    @Test
    void badPersistentNameIsRefused() {
        String msg = refused(Map.of("/data", new Volume.Persistent(AT, "../x", null, null, null)));
        assertTrue(msg.contains("bad !Persistent name"), msg);
    }

    @Test
    void hostRootChecksTheHostsDirectories() throws Exception {
        var c = container("host", List.of(new BuildStep.HostRoot(AT)), Map.of("/etc", new Volume.Empty(AT)));
        assertEquals(1, Volumes.resolve(project, c, null, null).size());
        var bad = container("host", List.of(new BuildStep.HostRoot(AT)), Map.of("/nonexistent-dir", new Volume.Empty(AT)));
        assertThrows(VolumeException.class, () -> Volumes.resolve(project, bad, null, null));
    }
}
