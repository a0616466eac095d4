// The YAML dialect of SPEC 1.7, one fixture per rule, asserting the loaded model.
package vagga.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DialectTest {
    @Test
    void taggedCompactMapsTagTheMap() throws Exception {
        Config c = Fixtures.load("tagged-compact");
        List<BuildStep> setup = c.containers().get("base").setup();
        assertEquals(new BuildStep.Env(new Position("vagga.yaml", 4, 7), Map.of("HOME", "/x", "LANG", "C.UTF-8")),
                setup.get(0));
        BuildStep.Declared cache = assertInstanceOf(BuildStep.Declared.class, setup.get(2));
        assertEquals(Map.of("/var/cache", "c"), cache.pathMap());
        BuildStep.AptTrust trust = assertInstanceOf(BuildStep.AptTrust.class, setup.get(1));
        assertEquals(List.of("A1B2"), trust.keys());
        assertEquals(Map.of("/etc/motd", "hello"), ((BuildStep.Text) setup.get(3)).files());
        BuildStep.Tar tar = (BuildStep.Tar) setup.get(4);
        assertEquals("./root.tar", tar.url());
        assertEquals("/opt", tar.path());
        assertEquals("", tar.subdir());
        // vagga's documented one-line form, a second key below it; key ids stay the text written
        BuildStep.AptTrust second = assertInstanceOf(BuildStep.AptTrust.class, setup.get(5));
        assertEquals(List.of("0x1A2B", "12345678"), second.keys());
        assertEquals("hkp://keys.example:80", second.server());
    }

    @Test
    void mergeKeysIntoCommandsEnvironAndVolumes() throws Exception {
        Config c = Fixtures.load("merge");
        CommandSpec base = (CommandSpec) c.commands().get("base");
        assertEquals("app", base.container());
        assertEquals(Map.of("A", "1", "B", "2"), base.environ());
        // A tagged !Command anchor merged into another command: explicit keys win.
        CommandSpec derived = (CommandSpec) c.commands().get("derived");
        assertEquals("app", derived.container());
        assertEquals("echo derived", derived.run().script());
        assertEquals("the base", derived.description());
        assertEquals(Map.of("A", "1", "B", "3"), derived.environ());
        assertEquals(List.of("/var/tmp", "/tmp"), List.copyOf(derived.volumes().keySet()));
        assertInstanceOf(Volume.Tmpfs.class, derived.volumes().get("/tmp"));
        assertInstanceOf(Volume.Empty.class, derived.volumes().get("/var/tmp"));
        // A list of merges: the first mapping that has a key wins.
        CommandSpec listed = (CommandSpec) c.commands().get("listed");
        assertEquals("first wins", listed.description());
        assertEquals("echo listed", listed.run().script());
        assertEquals(List.of("base", "derived", "listed"), List.copyOf(c.commands().keySet()));
    }

    @Test
    void aWholeCommandAliasedAsSuperviseChild() throws Exception {
        Config c = Fixtures.load("alias-child");
        SuperviseSpec all = (SuperviseSpec) c.commands().get("all");
        assertEquals(c.commands().get("web"), all.children().get("web"));
        assertEquals(List.of("web"), all.children().get("web").run().argv());
        assertEquals(List.of("web", "worker"), List.copyOf(all.children().keySet()));
    }

    @Test
    void anAnchorDefinedTwiceTheLaterWins() throws Exception {
        CommandSpec cmd = (CommandSpec) Fixtures.load("anchors").commands().get("c");
        assertEquals(List.of("two"), cmd.run().argv());
    }

    @Test
    void aTagInFrontOfAnAliasIsAccepted() throws Exception {
        List<BuildStep> setup = Fixtures.load("tag-alias").containers().get("app").setup();
        BuildStep.BuildDeps deps = (BuildStep.BuildDeps) setup.get(1);
        assertEquals(List.of("gcc", "make"), deps.packages());
        BuildStep.Install install = (BuildStep.Install) setup.get(2);
        assertEquals(List.of("curl"), install.packages());
        // The same characters inside a quoted string are left alone.
        assertEquals("echo '!Tag *notalias' > /x", ((BuildStep.Sh) setup.get(3)).script());
    }

    @Test
    void includeLoadsRelativeFilesWithTheirOwnPositions() throws Exception {
        Config c = Fixtures.load("include");
        Container app = c.containers().get("app");
        assertEquals(new Position("parts/containers.yaml", 3, 5), app.setup().get(0).position());
        CommandSpec hello = (CommandSpec) c.commands().get("hello");
        assertEquals("echo hello", hello.run().script());
        assertEquals(Map.of("GREETING", "hi"), hello.environ());
        assertEquals(new Position("parts/hello.yaml", 1, 1), hello.position());
    }

    @Test
    void unpackSplicesListsAndMappings() throws Exception {
        Container app = Fixtures.load("unpack").containers().get("app");
        assertEquals(2, app.setup().size());
        assertEquals("Ubuntu", app.setup().get(0).tag());
        BuildStep.Install install = (BuildStep.Install) app.setup().get(1);
        assertEquals(List.of("curl", "git", "make", "vim"), install.packages());
        assertEquals(Map.of("A", "1", "B", "2"), app.environ());
        // an item `- !*Unpack [...]` splices into the list around it (quire), also an included list
        List<BuildStep> spliced = Fixtures.load("unpack").containers().get("spliced").setup();
        assertEquals(List.of("Ubuntu", "Sh", "EnsureDir", "EnsureDir", "Sh"),
                spliced.stream().map(BuildStep::tag).toList());
        assertEquals(new Position("steps.yaml", 2, 3), spliced.get(3).position());
    }

    @Test
    void scalarsKeepTheirTextSizesAndModesParse() throws Exception {
        Container app = Fixtures.load("scalars").containers().get("app");
        assertEquals(List.of("RUST_BACKTRACE", "CI", "EMPTY", "NOTHING", "PI", "OCT"),
                List.copyOf(app.environ().keySet()));
        assertEquals("1", app.environ().get("RUST_BACKTRACE"));
        assertEquals("true", app.environ().get("CI"));
        assertEquals("", app.environ().get("EMPTY"));
        assertEquals("", app.environ().get("NOTHING"));
        assertEquals("3.14", app.environ().get("PI"));
        assertEquals("0o17", app.environ().get("OCT"));
        Map<String, Volume> v = app.volumes();
        assertEquals(tmpfs(v, "/a"), List.of(100L * 1024 * 1024, (long) 01777));
        assertEquals(tmpfs(v, "/b"), List.of(1_000_000_000L, 777L)); // a plain 777 is decimal
        assertEquals(tmpfs(v, "/c"), List.of(200_000_000L, (long) 0700));
        assertEquals(tmpfs(v, "/d"), List.of(1L << 30, (long) 01777));
        assertEquals(tmpfs(v, "/e"), List.of(4096L, (long) 01777));
        Volume.Tmpfs f = (Volume.Tmpfs) v.get("/f");
        assertEquals(Map.of("x", new Volume.TmpfsDir(0700), "y", new Volume.TmpfsDir(0755)), f.subdirs());
        assertEquals(Map.of("hello.txt", "hi", "empty", ""), f.files());
    }

    private static List<Long> tmpfs(Map<String, Volume> volumes, String path) {
        Volume.Tmpfs t = (Volume.Tmpfs) volumes.get(path);
        return List.of(t.size(), (long) t.mode());
    }

    @Test
    void bareTagsMeanAllDefaults() throws Exception {
        Container u = Fixtures.load("bare-tags").containers().get("u");
        List<String> tags = u.setup().stream().map(BuildStep::tag).toList();
        assertEquals(List.of("Ubuntu", "UbuntuUniverse", "UbuntuUniverse", "NpmDependencies", "Py3Requirements"), tags);
        assertInstanceOf(BuildStep.UbuntuUniverse.class, u.setup().get(2));
        assertEquals(new Volume.Tmpfs(new Position("vagga.yaml", 10, 13), 100L << 20, 01777, Map.of(), Map.of()),
                u.volumes().get("/tmp"));
        assertEquals(new Volume.Snapshot(new Position("vagga.yaml", 11, 14), 100L << 20, null, null, null),
                u.volumes().get("/snap"));
        assertInstanceOf(Volume.Empty.class, u.volumes().get("/empty"));
        assertInstanceOf(Volume.VaggaBin.class, u.volumes().get("/vagga/bin"));
    }

    @Test
    void tagsWithSeveralShapes() throws Exception {
        Config c = Fixtures.load("multi-shape");
        Map<String, Volume> v = c.containers().get("app").volumes();
        assertEquals(new Volume.Persistent(new Position("vagga.yaml", 6, 14), "db", null, 0, 0), v.get("/data"));
        assertEquals(new Volume.Persistent(new Position("vagga.yaml", 7, 15), "other", "_init", 1000, 100),
                v.get("/other"));
        List<BuildStep> deps = c.containers().get("deps").setup();
        assertEquals(new BuildStep.Depends(new Position("vagga.yaml", 10, 7), "requirements.txt", List.of()),
                deps.get(0));
        assertEquals(new BuildStep.Depends(new Position("vagga.yaml", 11, 7), "package.json", List.of("/*.json")),
                deps.get(1));
    }

    @Test
    void mixinsAddNamesNotAlreadyDefined() throws Exception {
        Config c = Fixtures.load("mixins");
        assertEquals(List.of("app", "tools"), List.copyOf(c.containers().keySet()));
        assertTrue(c.containers().get("app").isHostRoot(), "the file's own app wins over the mixin's");
        assertEquals("echo main", ((CommandSpec) c.commands().get("mine")).run().script());
        assertEquals(new Position("mixins/extra.yaml", 10, 11), c.commands().get("theirs").position());
        assertEquals(List.of("vagga.yaml:3:3: skipping mixin \"mixins/missing.yaml\": no such file "
                + "mixins/missing.yaml"), c.warnings());
    }

    @Test
    void namesWithDotsCapitalsAndUtf8() throws Exception {
        Config c = Fixtures.load("names");
        assertEquals(List.of("Py.Test"), List.copyOf(c.containers().keySet()));
        assertEquals(List.of("manage.py", "py.test"), List.copyOf(c.commands().keySet()));
        assertEquals("Запуск ☃ 🚀", c.commands().get("manage.py").description());
        assertEquals(Map.of("ПРИВЕТ", "мир"), ((CommandSpec) c.commands().get("py.test")).environ());
    }

    @Test
    void underscoreKeysIgnoredDashAndUnderscoreSpellingsEqual() throws Exception {
        Config c = Fixtures.load("hidden-keys");
        assertEquals(List.of("_hidden", "sup"), List.copyOf(c.commands().keySet()), "hidden commands are kept");
        SuperviseSpec sup = (SuperviseSpec) c.commands().get("sup");
        assertEquals(7, sup.killUnresponsiveAfter());
        assertEquals(SuperviseMode.STOP_ON_FAILURE, sup.mode());
        CommandSpec x = sup.children().get("x");
        assertEquals(WriteMode.TRANSIENT_HARD_LINK_COPY, x.writeMode());
        assertEquals(false, x.acceptsArguments());
    }

    @Test
    void commandsNullOrMissingAndMinimumVaggaForms(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        for (String text : List.of("commands:\n", "minimum-vagga: 0.7.1\n", "minimum-vagga: v0.5.0-120-g42de958\n",
                "", "# only a comment\n", "containers: {}\ncommands: ~\n")) {
            java.nio.file.Files.writeString(dir.resolve("vagga.yaml"), text);
            Config c = ConfigLoader.loadFile(dir.resolve("vagga.yaml"), dir);
            assertTrue(c.commands().isEmpty(), text);
            assertTrue(c.containers().isEmpty(), text);
        }
    }
}
