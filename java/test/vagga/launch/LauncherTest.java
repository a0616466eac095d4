// What each purpose's shim invocation gets: root mode, work dir, ids, host files, the build step's mounts.
package vagga.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import vagga.config.BuildStep;
import vagga.config.CommandSpec;
import vagga.config.Container;
import vagga.config.Position;
import vagga.config.Run;
import vagga.config.WriteMode;
import vagga.linux.MountSpec;
import vagga.linux.ShimInvocation;

class LauncherTest {
    private static final Path PROJECT = Path.of("/srv/project");
    private static final Path ROOT = Path.of("/srv/project/.vagga/.roots/app.1234abcd/root");
    private static final Environment.Caller CALLER = Environment.Caller.of(Map.of("TERM", "xterm"));

    private static Container container(List<String> shell) {
        return new Container("app", new Position("vagga.yaml", 1, 1), List.of(new BuildStep.Sh(null, "true")),
                Map.of("C", "1"), Map.of(), shell, List.of(), List.of(), "/etc/resolv.conf", "/etc/hosts");
    }

    @Test
    void workDirIsUnderWork() {
        assertEquals("/work", Launcher.workDir(""));
        assertEquals("/work", Launcher.workDir(null));
        assertEquals("/work", Launcher.workDir("."));
        assertEquals("/work/site/app", Launcher.workDir("/site/app/"));
    }

    @Test
    void runIsReadOnlyRootAtTheCallersPlaceAsRoot() throws Exception {
        ShimInvocation inv = Launcher.run(PROJECT, container(null), ROOT, CALLER, "sub", List.of(), List.of("ls", "-l"));
        assertEquals(ROOT, inv.rootDir());
        assertFalse(inv.writableRoot());
        assertEquals("/work/sub", inv.cwd());
        assertEquals(List.of("ls", "-l"), inv.argv());
        assertEquals(0, inv.uid());
        assertEquals(-1, inv.newNetwork(), "the host's network");
        assertTrue(inv.env().contains("C=1"));
    }

    @Test
    void hostRootGetsNoHostFiles() throws Exception {
        ShimInvocation inv = Launcher.run(PROJECT, container(null), null, CALLER, "", List.of(), List.of("true"));
        assertNull(inv.hostsFile());
        assertNull(inv.resolvConf());
        if (Files.isReadable(Path.of("/etc/resolv.conf"))) {
            ShimInvocation built = Launcher.run(PROJECT, container(null), ROOT, CALLER, "", List.of(), List.of("true"));
            assertEquals(Path.of("/etc/resolv.conf"), built.resolvConf());
        }
    }

    @Test
    void buildStepIsWritableWithItsTmpAndReadOnlySys() {
        ShimInvocation inv = Launcher.buildStep(PROJECT, ROOT, ROOT.resolve("tmp"), CALLER, Map.of("E", "v"), List.of("/bin/sh", "-c", "x"));
        assertTrue(inv.writableRoot());
        assertEquals("/work", inv.cwd());
        assertEquals(List.of(new MountSpec.Bind(ROOT.resolve("tmp").toString(), "/tmp", false),
                new MountSpec.Bind("/sys", "/sys", true)), inv.mounts());
        assertEquals(-1, inv.newNetwork(), "the host's network, for package managers");
        assertTrue(inv.env().contains("E=v"));
        assertTrue(inv.env().contains("HOME=/tmp"));
    }

    @Test
    void childRunsAShellScriptThroughTheContainersShellWithArguments() throws Exception {
        CommandSpec command = new CommandSpec(null, "app", Run.shell("echo \"$@\""), Map.of("X", "y"), "site",
                Map.of(), 5, 6, List.of(7), null, WriteMode.READ_ONLY, List.of(), null, null, List.of(), null, false,
                List.of(), null, null, null);
        ShimInvocation inv = Launcher.child(PROJECT, container(List.of("/bin/bash", "-c")), ROOT, false, command,
                CALLER, Map.of(), "cmd", null, "ignored", List.of(), List.of("a", "b"), -1, -1);
        assertEquals(List.of("/bin/bash", "-c", "echo \"$@\"", "sh", "a", "b"), inv.argv());
        assertEquals("/work/site", inv.cwd(), "work-dir beats the caller's place");
        assertEquals(5, inv.uid());
        assertEquals(6, inv.gid());
        assertEquals(List.of(7), inv.groups());
        assertTrue(inv.env().contains("X=y"));
        assertTrue(inv.env().contains("VAGGA_COMMAND=cmd"));
    }

    @Test
    void aShellScriptWithoutDefaultShellIsVaggasShDashDashArguments() {
        assertEquals(List.of("/bin/sh", "-c", "echo \"$@\"", "--", "a", "b"),
                Launcher.argv(container(null), shellCommand(), List.of("a", "b")));
        assertEquals(List.of("/bin/sh", "-c", "echo \"$@\"", "--"), Launcher.argv(container(null), shellCommand(), List.of()));
    }

    private static CommandSpec shellCommand() {
        return new CommandSpec(null, "app", Run.shell("echo \"$@\""), Map.of(), null, Map.of(), 0, 0, List.of(), null,
                WriteMode.READ_ONLY, List.of(), null, null, List.of(), null, true, List.of(), null, null, null);
    }

    @Test
    void resolvConfPathElsewhereIsCopiedIntoItsTmpfsOrBound() throws Exception {
        Path resolv = Path.of("/etc/resolv.conf");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(resolv), "no readable /etc/resolv.conf here");
        Container moved = new Container("app", new Position("vagga.yaml", 1, 1), List.of(new BuildStep.Sh(null, "true")),
                Map.of(), Map.of(), null, List.of(), List.of(), "/state/resolv.conf", "/etc/hosts");
        MountSpec.Tmpfs state = new MountSpec.Tmpfs("/state", 1024, 0755, Map.of(), Map.of("other", "x"));
        ShimInvocation inv = Launcher.run(PROJECT, moved, ROOT, CALLER, "", List.of(state), List.of("true"));
        assertNull(inv.resolvConf(), "not bound over /etc/resolv.conf");
        assertEquals(List.of(new MountSpec.Tmpfs("/state", 1024, 0755, Map.of(),
                Map.of("other", "x", "resolv.conf", Files.readString(resolv)))), inv.mounts());

        Container bound = new Container("app", new Position("vagga.yaml", 1, 1), List.of(new BuildStep.Sh(null, "true")),
                Map.of(), Map.of(), null, List.of(), List.of(), "/var/lib/resolv.conf", "/etc/hosts");
        inv = Launcher.run(PROJECT, bound, ROOT, CALLER, "", List.of(), List.of("true"));
        assertEquals(List.of(new MountSpec.Bind("/etc/resolv.conf", "/var/lib/resolv.conf", true)), inv.mounts());
    }
}
