// Every command kind, supervise key, step and volume shape of SPEC 1.3-1.6, with declared defaults.
package vagga.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShapesTest {
    @Test
    void superviseWithEveryKey() throws Exception {
        Config c = Fixtures.load("supervise");
        SuperviseSpec run = (SuperviseSpec) c.commands().get("run");
        assertEquals(new Position("vagga.yaml", 7, 8), run.position());
        assertEquals(SuperviseMode.WAIT_ALL_SUCCESSFUL, run.mode());
        assertEquals(5, run.killUnresponsiveAfter());
        assertTrue(run.isolateNetwork());
        assertEquals("Run everything", run.description());
        assertEquals("Done", run.epilog());
        assertEquals(List.of("build"), run.prerequisites());
        assertEquals(List.of("r"), run.aliases());
        assertEquals("main", run.group());
        assertEquals(List.of("db", "web"), List.copyOf(run.children().keySet()), "children start in name order");

        CommandSpec web = run.children().get("web");
        assertEquals("app", web.container());
        assertEquals(List.of("python3", "-m", "http.server", "8000"), web.run().argv());
        assertEquals(List.of("http", "frontend"), web.tags());
        assertEquals("*:8000", web.passTcpSocket());
        assertEquals("site", web.workDir());
        assertEquals(1000, web.userId());
        assertEquals(100, web.groupId());
        assertEquals(List.of(10, 20), web.supplementaryGids());
        assertEquals(01750, web.externalUserId());
        assertEquals(WriteMode.TRANSIENT_HARD_LINK_COPY, web.writeMode());
        assertEquals(Map.of("PORT", "8000"), web.environ());
        assertTrue(web.acceptsArguments(), "a list run accepts arguments by default");

        CommandSpec db = run.children().get("db");
        assertEquals("sleep 1000", db.run().script());
        assertEquals(false, db.acceptsArguments(), "a shell run does not by default");
    }

    @Test
    void defaultsDeclaredOnce() throws Exception {
        Config c = Fixtures.load("supervise");
        SuperviseSpec d = (SuperviseSpec) c.commands().get("defaults");
        assertEquals(SuperviseMode.STOP_ON_FAILURE, d.mode());
        assertEquals(2, d.killUnresponsiveAfter());
        assertEquals(false, d.isolateNetwork());
        assertNull(d.description());
        assertNull(d.epilog());
        assertEquals(List.of(), d.prerequisites());
        CommandSpec only = d.children().get("only");
        assertEquals(new CommandSpec(new Position("vagga.yaml", 36, 13), "app", Run.shell("true"), Map.of(), null,
                Map.of(), 0, 0, List.of(), null, WriteMode.READ_ONLY, List.of(), null, null, List.of(), null, false,
                List.of(), null, null, null), only);
        Container app = c.containers().get("app");
        assertEquals(Container.DEFAULT_SHELL, app.defaultShell());
        assertEquals(List.of("0-65535"), app.uids());
        assertEquals(List.of("0-65535"), app.gids());
        assertEquals("/etc/resolv.conf", app.resolvConfPath());
        assertEquals("/etc/hosts", app.hostsFilePath());
        assertTrue(app.isHostRoot());
    }

    @Test
    void everyStepOfVaggaParses() throws Exception {
        Config c = Fixtures.load("steps");
        List<BuildStep> built = c.containers().get("built").setup();
        assertEquals(new BuildStep.Tar(new Position("vagga.yaml", 4, 7), "./rootfs.tar.gz", "/", "rootfs", "abc123"),
                built.get(0));
        assertEquals("base", ((BuildStep.ContainerStep) built.get(1)).name());
        assertEquals("echo hi", ((BuildStep.Sh) built.get(2)).script());
        assertEquals(List.of("echo", "hi"), ((BuildStep.Cmd) built.get(3)).argv());
        assertEquals(Map.of("A", "b"), ((BuildStep.Env) built.get(4)).vars());
        assertEquals(Map.of("/etc/x", "y\n"), ((BuildStep.Text) built.get(5)).files());
        BuildStep.Copy copy = (BuildStep.Copy) built.get(6);
        assertEquals(List.of("/work/src", "/app", 1, 2), List.of(copy.source(), copy.path(), copy.ownerUid(),
                copy.ownerGid()));
        assertEquals(null, copy.ignoreRegex()); // vagga's default ignore rules then apply
        assertEquals(List.of(0002, false, false), List.of(copy.umask(), copy.preservePermissions(),
                copy.preserveTimes()));
        assertEquals("/var/lib/app", ((BuildStep.EnsureDir) built.get(7)).path());
        assertEquals("/var/cache/apt", ((BuildStep.Remove) built.get(8)).path());
        assertEquals("req.txt", ((BuildStep.Depends) built.get(9)).path());
        assertEquals(new BuildStep.Download(new Position("vagga.yaml", 14, 7), "https://example.com/x",
                "/usr/bin/x", 0755, "def"), built.get(10));
        assertEquals(0644, ((BuildStep.Download) built.get(11)).mode());

        List<String> names = c.containers().get("base").setup().stream().map(BuildStep::tag).toList();
        assertEquals(List.of("Alpine", "AlpineRepo", "Ubuntu", "UbuntuRelease", "UbuntuRepo", "UbuntuPPA",
                "UbuntuUniverse", "AptTrust", "Repo", "Install", "BuildDeps", "RunAs", "TarInstall", "Unzip", "Git",
                "GitInstall", "GitDescribe", "EmptyDir", "CacheDirs", "SubConfig", "PipConfig", "Py2Install",
                "Py3Install", "Py2Requirements", "Py3Requirements", "NpmConfig", "NpmInstall", "NpmDependencies",
                "YarnDependencies", "GemConfig", "GemInstall", "GemBundle", "ComposerConfig", "ComposerInstall",
                "ComposerDependencies"), names);
        BuildStep.Declared build = (BuildStep.Declared) c.containers().get("consumer").setup().get(0);
        Map<String, Object> expected = new java.util.HashMap<>(Map.of("container", "built", "source", "/app",
                "path", "/app", "content-hash", "false"));
        expected.put("temporary-mount", null);
        assertEquals(expected, build.options());
        // the distribution steps are built now; the rest are parsed for their shape only (!EmptyDir is its own)
        assertTrue(c.containers().get("base").setup().stream().skip(11).allMatch(s -> s instanceof BuildStep.Unsupported
                || s instanceof BuildStep.Declared || s instanceof BuildStep.EmptyDir));
        assertEquals(BuildStep.EmptyDir.class, c.containers().get("base").setup().get(17).getClass());
        assertTrue(c.containers().get("base").setup().stream().limit(11).noneMatch(s -> s instanceof BuildStep.Unsupported));
    }

    private static Config loadText(Path dir, String text) throws ConfigException, java.io.IOException {
        Files.writeString(dir.resolve("vagga.yaml"), text);
        return ConfigLoader.loadFile(dir.resolve("vagga.yaml"), dir);
    }

    @Test
    void dockerImageAsVaggaReadsItsOneStringForm(@TempDir Path dir) throws Exception {
        Config c = loadText(dir, """
                containers:
                  app:
                    setup:
                    - !DockerImage python:3.11
                    - !DockerImage busybox
                    - !DockerImage localhost:5000/team/app:v2
                    - !DockerImage registry.example.com/app
                    - !DockerImage me/tool:1
                    - !DockerImage {image: library/alpine, insecure: true, path: /opt}
                    - !GitDescribe /etc/version
                """);
        List<Map<String, Object>> steps = c.containers().get("app").setup().stream()
                .map(s -> ((BuildStep.Declared) s).options()).toList();
        // the other step with a one-string form: vagga's output-file
        assertEquals("/etc/version", steps.get(6).get("output-file"));
        assertEquals("/work", steps.get(6).get("repo"));
        assertEquals(List.of("registry-1.docker.io", "library/python", "3.11", "/"), keys(steps.get(0)));
        assertEquals(List.of("registry-1.docker.io", "library/busybox", "latest", "/"), keys(steps.get(1)));
        assertEquals(List.of("localhost:5000", "team/app", "v2", "/"), keys(steps.get(2)));
        // a registry of its own has no library/ namespace
        assertEquals(List.of("registry.example.com", "app", "latest", "/"), keys(steps.get(3)));
        assertEquals(List.of("registry-1.docker.io", "me/tool", "1", "/"), keys(steps.get(4)));
        assertEquals(List.of("registry-1.docker.io", "library/alpine", "latest", "/opt"), keys(steps.get(5)));
        assertNull(steps.get(0).get("insecure"));
        assertEquals("true", steps.get(5).get("insecure"));

        assertEquals(List.of("vagga.yaml:4:7: missing required key \"image\"",
                        "vagga.yaml:5:37: path \"opt\" must be absolute",
                        "vagga.yaml:6:7: output-file \"etc/version\" must be absolute",
                        "vagga.yaml:7:7: !DockerImage takes a string or a mapping, found a list"),
                errorsOf(dir, """
                        containers:
                          app:
                            setup:
                            - !DockerImage {tag: "1"}
                            - !DockerImage {image: a, path: opt}
                            - !GitDescribe etc/version
                            - !DockerImage [a]
                        """));
    }

    private static List<Object> keys(Map<String, Object> step) {
        return java.util.Arrays.asList(step.get("registry"), step.get("image"), step.get("tag"), step.get("path"));
    }

    private static List<String> errorsOf(Path dir, String text) throws java.io.IOException {
        try {
            loadText(dir, text);
            return List.of();
        } catch (ConfigException e) {
            return e.problems();
        }
    }

    @Test
    void everyVolumeKind(@TempDir Path dir) throws Exception {
        Config c = loadText(dir, """
                containers:
                  app:
                    setup: [!HostRoot]
                    volumes:
                      /a: !Tmpfs {size: 1Mi, mode: 0o700, subdirs: {logs: {mode: 0o777}}, files: {x.txt: hi}}
                      /b: !BindRW /work/data
                      /c: !BindRO /work/ro
                      /d: !Empty
                      /e: !VaggaBin
                      /f: !Snapshot {size: 10Mi, owner-uid: 1, owner-gid: 2, container: other}
                      /g: !Container other
                      /h: !Persistent {name: db, owner-uid: 5}
                      /i: !CacheDir pip
                """);
        Map<String, Volume> v = c.containers().get("app").volumes();
        assertEquals(new Volume.Tmpfs(new Position("vagga.yaml", 5, 11), 1 << 20, 0700,
                Map.of("logs", new Volume.TmpfsDir(0777)), Map.of("x.txt", "hi")), v.get("/a"));
        assertEquals("/work/data", ((Volume.BindRW) v.get("/b")).path());
        assertEquals("/work/ro", ((Volume.BindRO) v.get("/c")).path());
        assertInstanceOf(Volume.Empty.class, v.get("/d"));
        assertInstanceOf(Volume.VaggaBin.class, v.get("/e"));
        assertEquals(new Volume.Snapshot(new Position("vagga.yaml", 10, 11), 10 << 20, 1, 2, "other"), v.get("/f"));
        assertEquals("other", ((Volume.ContainerVolume) v.get("/g")).name());
        assertEquals(new Volume.Persistent(new Position("vagga.yaml", 12, 11), "db", null, 5, 0), v.get("/h"));
        assertEquals("pip", ((Volume.CacheDir) v.get("/i")).name());
    }

    @Test
    void everyCommandKind(@TempDir Path dir) throws Exception {
        Config c = loadText(dir, """
                containers:
                  app: {setup: [!HostRoot]}
                commands:
                  one: !Command
                    container: app
                    run: echo
                    options: |
                      Usage: vagga one [--x]
                  two: !Supervise
                    children:
                      b: !BridgeCommand {container: app, run: [b]}
                      n: !Command {container: app, run: [n], network: {ip: 172.23.0.2, ports: {80: 8080}}}
                  cap: !CapsuleCommand
                    description: capsule
                    run: [vagga, _build, app]
                """);
        assertEquals("Usage: vagga one [--x]\n", ((CommandSpec) c.commands().get("one")).options());
        SuperviseSpec two = (SuperviseSpec) c.commands().get("two");
        assertEquals(List.of("b"), two.children().get("b").run().argv());
        assertEquals("172.23.0.2", two.children().get("n").network().ip());
        CapsuleCommandSpec cap = (CapsuleCommandSpec) c.commands().get("cap");
        assertEquals(List.of("vagga", "_build", "app"), cap.run().argv());
        assertEquals("capsule", cap.description());
    }

    @Test
    void numbersInEveryForm() {
        assertEquals(100L << 20, Fields.parseNumber("100Mi"));
        assertEquals(1_000_000_000L, Fields.parseNumber("1G"));
        assertEquals(1L << 30, Fields.parseNumber("1Gi"));
        assertEquals(200_000_000L, Fields.parseNumber("200M"));
        assertEquals(1000L, Fields.parseNumber("1k"));
        assertEquals(1024L, Fields.parseNumber("1Ki"));
        assertEquals(01777L, Fields.parseNumber("0o1777"));
        assertEquals(777L, Fields.parseNumber("777"));
        assertEquals(755L, Fields.parseNumber("0755"));
        assertEquals(255L, Fields.parseNumber("0xff"));
        assertEquals(5L, Fields.parseNumber("0b101"));
        assertNull(Fields.parseNumber("big"));
        assertNull(Fields.parseNumber("1Xi"));
        assertNull(Fields.parseNumber(""));
    }
}
