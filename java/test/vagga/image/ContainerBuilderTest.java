// Building roots from host-side steps: layout, reuse, rebuild, failures leaving nothing, symlinks kept inside.
package vagga.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vagga.image.Fixtures.AT;
import static vagga.image.Fixtures.config;
import static vagga.image.Fixtures.container;
import static vagga.image.Fixtures.tarball;
import static vagga.image.Fixtures.write;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vagga.config.BuildStep;
import vagga.config.Config;

class ContainerBuilderTest {
    @TempDir
    Path project;
    @TempDir
    Path scratch;

    private final ByteArrayOutputStream progressBytes = new ByteArrayOutputStream();
    private final PrintStream progress = new PrintStream(progressBytes, true, StandardCharsets.UTF_8);
    private final vagga.image.BuildProgress lines = new vagga.cli.ProgressLines(progress);

    /** No step of these tests runs a command: a runner that is called is a test failure. */
    private final ContainerBuilder builder = new ContainerBuilder(inv -> {
        throw new AssertionError("no command expected, got " + inv.argv());
    });

    private Path build(Config config, String name) throws BuildException {
        return builder.ensureBuilt(config, name, false, lines);
    }

    private Path baseTarball() throws Exception {
        Path tree = scratch.resolve("tree");
        write(tree.resolve("etc/os-release"), "NAME=test\n");
        write(tree.resolve("usr/bin/tool"), "#!/bin/sh\n");
        Files.createDirectories(tree.resolve("pkg-1.0/share"));
        write(tree.resolve("pkg-1.0/share/doc"), "docs\n");
        Files.createSymbolicLink(tree.resolve("bin"), Path.of("usr/bin"));
        return tarball(tree, project.resolve("base.tar.gz"));
    }

    @Test
    void buildsEveryHostSideStepInOrder() throws Exception {
        baseTarball();
        write(project.resolve("conf/app.conf"), "port=80\n");
        write(project.resolve("req.txt"), "x\n");
        Config config = config(project, container("app", List.of(
                new BuildStep.Tar(AT, "./base.tar.gz", "/", "", null),
                new BuildStep.Tar(AT, "./base.tar.gz", "/opt/pkg", "pkg-1.0", null),
                new BuildStep.Env(AT, Map.of("LANG", "C.UTF-8")),
                new BuildStep.Text(AT, Map.of("/etc/motd", "hello\n")),
                new BuildStep.Copy(AT, "/work/conf", "/etc/app", null, null),
                new BuildStep.EnsureDir(AT, "/var/lib/app/data"),
                new BuildStep.Depends(AT, "req.txt", List.of()),
                new BuildStep.Text(AT, Map.of("/var/cache/junk", "x")),
                new BuildStep.Remove(AT, "/var/cache"),
                new BuildStep.Text(AT, Map.of("/tmp/build-only", "x")))));
        Path root = build(config, "app");
        String hash = new VersionHash(config).shortOf("app");
        assertEquals(project.toAbsolutePath().resolve(".vagga/.roots/app." + hash + "/root"), root);
        assertEquals(Path.of(".roots/app." + hash + "/root"), Files.readSymbolicLink(project.resolve(".vagga/app")));
        assertEquals("NAME=test\n", Files.readString(root.resolve("etc/os-release")));
        assertEquals(Path.of("usr/bin"), Files.readSymbolicLink(root.resolve("bin")));
        assertEquals("docs\n", Files.readString(root.resolve("opt/pkg/share/doc")), "subdir of the archive");
        assertEquals("hello\n", Files.readString(root.resolve("etc/motd")));
        assertEquals("port=80\n", Files.readString(root.resolve("etc/app/app.conf")));
        assertTrue(Files.isDirectory(root.resolve("var/lib/app/data")));
        assertFalse(Files.exists(root.resolve("var/cache")), "!Remove");
        assertFalse(Files.exists(root.resolve("tmp/build-only")), "/tmp is emptied after the build");
        for (String d : List.of("proc", "dev", "work", "tmp", "run", "sys", "etc/hosts", "etc/resolv.conf")) {
            assertTrue(Files.exists(root.resolve(d)), d);
        }
        assertEquals(01777, (int) Files.getAttribute(root.resolve("tmp"), "unix:mode") & 07777);
        assertEquals(Map.of("LANG", "C.UTF-8"), ContainerBuilder.buildEnviron(root));
        String lines = progressBytes.toString(StandardCharsets.UTF_8);
        assertTrue(lines.contains("[app] step 1/10: !Tar \"./base.tar.gz\"\n"), lines);
        assertTrue(lines.contains("[app] step 9/10: !Remove \"/var/cache\"\n"), lines);
        assertNoTemporaries();
    }

    @Test
    void unchangedDefinitionIsReusedAndAChangeRebuilds() throws Exception {
        write(project.resolve("dep"), "1");
        List<BuildStep> steps = List.of(new BuildStep.Depends(AT, "dep", List.of()),
                new BuildStep.Text(AT, Map.of("/x", "1")));
        Config config = config(project, container("app", steps));
        Path first = build(config, "app");
        Files.writeString(first.resolve("marker"), "kept");
        progressBytes.reset();
        assertEquals(first, build(config, "app"));
        assertEquals("", progressBytes.toString(StandardCharsets.UTF_8), "nothing rebuilt");
        assertTrue(Files.exists(first.resolve("marker")));

        write(project.resolve("dep"), "2");
        Path second = build(config, "app");
        assertNotEquals(first, second);
        assertFalse(Files.exists(second.resolve("marker")));
        assertEquals(project.toAbsolutePath().resolve(".vagga").resolve(Files.readSymbolicLink(project.resolve(".vagga/app"))),
                second);

        Files.writeString(second.resolve("marker"), "x");
        assertEquals(second, builder.ensureBuilt(config, "app", true, lines));
        assertFalse(Files.exists(second.resolve("marker")), "--force rebuilds in place");
        assertNoTemporaries();
    }

    @Test
    void failedStepLeavesNoRootAndKeepsTheOldOne() throws Exception {
        Config good = config(project, container("app", List.of(new BuildStep.Text(AT, Map.of("/x", "1")))));
        Path old = build(good, "app");
        Config bad = config(project, container("app", List.of(
                new BuildStep.Text(AT, Map.of("/x", "2")),
                new BuildStep.Copy(AT, "/work/missing", "/y", null, null))));
        // the hash of a missing /work source already fails: name the step
        BuildException e = assertThrows(BuildException.class, () -> build(bad, "app"));
        assertTrue(e.getMessage().startsWith("container \"app\": step 2 (!Copy \"/work/missing\" -> \"/y\"): "),
                e.getMessage());
        Config bad2 = config(project, container("app", List.of(
                new BuildStep.Text(AT, Map.of("/x", "2")),
                new BuildStep.Copy(AT, "/nowhere", "/y", null, null))));
        e = assertThrows(BuildException.class, () -> build(bad2, "app"));
        assertEquals("container \"app\": step 2 (!Copy \"/nowhere\" -> \"/y\"): source /nowhere does not exist"
                + " in the container (a source outside /work is the container's path, not the host's)",
                e.getMessage());
        assertEquals(old, project.toAbsolutePath().resolve(".vagga").resolve(Files.readSymbolicLink(project.resolve(".vagga/app"))));
        assertEquals("1", Files.readString(old.resolve("x")));
        assertNoTemporaries();
        try (Stream<Path> s = Files.list(project.resolve(".vagga/.roots"))) {
            assertEquals(1, s.count(), "only the good root");
        }
    }

    @Test
    void staleTemporariesOfAKilledBuildAreRemoved() throws Exception {
        Path stale = project.resolve(".vagga/.roots/.tmp.app.1234/root/usr");
        Files.createDirectories(stale);
        build(config(project, container("other", List.of(new BuildStep.EnsureDir(AT, "/a")))), "other");
        assertFalse(Files.exists(project.resolve(".vagga/.roots/.tmp.app.1234")));
    }

    @Test
    void unsupportedStepFailsAtBuildTime() throws Exception {
        Config config = config(project, container("app", List.of(new BuildStep.Unsupported(AT, "Ubuntu", "jammy"))));
        BuildException e = assertThrows(BuildException.class, () -> build(config, "app"));
        assertEquals("container \"app\": build step !Ubuntu is not supported yet", e.getMessage());
        assertNoTemporaries();
    }

    @Test
    void unsupportedStepOfABaseIsReportedBeforeMissingInputs() throws Exception {
        Config config = config(project,
                container("base", List.of(new BuildStep.Unsupported(AT, "Alpine", "v3.4"))),
                container("app", List.of(new BuildStep.ContainerStep(AT, "base"),
                        new BuildStep.Depends(AT, "no-such-file", List.of()))));
        BuildException e = assertThrows(BuildException.class, () -> build(config, "app"));
        assertEquals("container \"base\": build step !Alpine is not supported yet", e.getMessage());
    }

    @Test
    void hostRootBuildsNothing() throws Exception {
        assertNull(build(config(project, container("host", List.of(new BuildStep.HostRoot(AT)))), "host"));
        assertFalse(Files.exists(project.resolve(".vagga/.roots")));
    }

    @Test
    void unknownContainerIsReported() {
        BuildException e = assertThrows(BuildException.class, () -> build(config(project), "nope"));
        assertEquals("Container \"nope\" not found", e.getMessage().lines().findFirst().orElseThrow());
        assertTrue(e.getMessage().lines().toList().get(1).startsWith("hint: containers: "), e.getMessage());
    }

    @Test
    void containerStepCopiesTheBaseAndInheritsEnvAndRemoves() throws Exception {
        Config config = config(project,
                container("base", List.of(new BuildStep.Text(AT, Map.of("/etc/base", "b")),
                        new BuildStep.Env(AT, Map.of("A", "1")),
                        new BuildStep.Remove(AT, "/var/junk"))),
                container("app", List.of(new BuildStep.ContainerStep(AT, "base"),
                        new BuildStep.Text(AT, Map.of("/etc/app", "a", "/var/junk/x", "again")),
                        new BuildStep.Env(AT, Map.of("B", "2")))));
        Path root = build(config, "app");
        assertEquals("b", Files.readString(root.resolve("etc/base")));
        assertEquals("a", Files.readString(root.resolve("etc/app")));
        assertFalse(Files.exists(root.resolve("var/junk")), "the base's !Remove applies to the child too");
        assertEquals(Map.of("A", "1", "B", "2"), ContainerBuilder.buildEnviron(root));
        assertTrue(Files.isSymbolicLink(project.resolve(".vagga/base")), "the base was built too");
    }

    @Test
    void absoluteSymlinksInTheRootNeverReachTheHost() throws Exception {
        Path tree = scratch.resolve("evil");
        Files.createDirectories(tree.resolve("etc"));
        Path hostTarget = scratch.resolve("host-file");
        write(hostTarget, "host\n");
        Files.createSymbolicLink(tree.resolve("etc/passwd"), hostTarget);
        Files.createSymbolicLink(tree.resolve("etc/shadow"), Path.of("/srv/shadow"));
        Files.createSymbolicLink(tree.resolve("opt"), Path.of("/"));
        tarball(tree, project.resolve("evil.tar"));
        Path root = build(config(project, container("app", List.of(
                new BuildStep.Tar(AT, "./evil.tar", "/", "", null),
                new BuildStep.Text(AT, Map.of("/etc/passwd", "container\n", "/etc/shadow", "s")),
                new BuildStep.EnsureDir(AT, "/opt/made-here")))), "app");
        assertEquals("host\n", Files.readString(hostTarget));
        assertEquals("s", Files.readString(root.resolve("srv/shadow")), "the link was followed inside the root");
        assertTrue(Files.isDirectory(root.resolve("made-here")), "/opt -> / resolved to the container's /");
    }

    @Test
    void downloadsOnceWithProgressAndChecksSha256() throws Exception {
        byte[] body = "#!/bin/sh\necho downloaded\n".getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        int[] hits = {0};
        server.createContext("/tool", ex -> {
            hits[0]++;
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/tool";
            String sha = java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(body));
            Path root = build(config(project, container("app", List.of(
                    new BuildStep.Download(AT, url, "/usr/bin/tool", 0755, sha)))), "app");
            assertEquals(new String(body, StandardCharsets.UTF_8), Files.readString(root.resolve("usr/bin/tool")));
            assertEquals(0755, (int) Files.getAttribute(root.resolve("usr/bin/tool"), "unix:mode") & 07777);
            assertTrue(progressBytes.toString(StandardCharsets.UTF_8).contains("[app] downloading " + url));
            build(config(project, container("app2", List.of(
                    new BuildStep.Download(AT, url, "/tool", 0644, null)))), "app2");
            assertEquals(1, hits[0], "the second build used the cached download");

            String wrong = "0".repeat(64);
            BuildException e = assertThrows(BuildException.class, () -> build(config(project, container("app3",
                    List.of(new BuildStep.Download(AT, url, "/tool", 0644, wrong)))), "app3"));
            assertTrue(e.getMessage().startsWith("container \"app3\": step 1 (!Download \"" + url + "\"): Hashsum mismatch"),
                    e.getMessage());
        } finally {
            server.stop(0);
        }
    }

    private void assertNoTemporaries() throws Exception {
        for (Path dir : List.of(project.resolve(".vagga"), project.resolve(".vagga/.roots"))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> s = Files.list(dir)) {
                List<String> tmp = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".tmp.")).toList();
                assertEquals(List.of(), tmp);
            }
        }
    }
}
