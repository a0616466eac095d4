// The container version: what changes it (definition, inputs, base container) and what does not.
package vagga.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vagga.image.Fixtures.AT;
import static vagga.image.Fixtures.config;
import static vagga.image.Fixtures.container;
import static vagga.image.Fixtures.write;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vagga.config.BuildStep;
import vagga.config.Position;

class VersionHashTest {
    @TempDir
    Path project;

    private String hash(BuildStep... steps) throws Exception {
        return new VersionHash(config(project, container("app", List.of(steps)))).of("app");
    }

    @Test
    void sameDefinitionSameHashAndShortFormIsAPrefix() throws Exception {
        String a = hash(new BuildStep.Sh(AT, "echo hi"));
        VersionHash vh = new VersionHash(config(project, container("app", List.of(new BuildStep.Sh(AT, "echo hi")))));
        assertEquals(a, vh.of("app"));
        assertEquals(64, a.length());
        assertEquals(a.substring(0, 8), vh.shortOf("app"));
    }

    @Test
    void definitionChangeChangesHash() throws Exception {
        String a = hash(new BuildStep.Sh(AT, "echo hi"));
        assertNotEquals(a, hash(new BuildStep.Sh(AT, "echo ho")));
        assertNotEquals(a, hash(new BuildStep.Cmd(AT, List.of("echo hi"))));
        assertNotEquals(a, hash(new BuildStep.Sh(AT, "echo hi"), new BuildStep.EnsureDir(AT, "/x")));
        // field boundaries count: ("ab", "c") is not ("a", "bc")
        assertNotEquals(hash(new BuildStep.Env(AT, Map.of("ab", "c"))), hash(new BuildStep.Env(AT, Map.of("a", "bc"))));
    }

    @Test
    void positionInTheFileDoesNotChangeHash() throws Exception {
        assertEquals(hash(new BuildStep.Sh(AT, "x")), hash(new BuildStep.Sh(new Position("vagga.yaml", 40, 9), "x")));
    }

    @Test
    void dependsFileContentChangesHash() throws Exception {
        write(project.resolve("req.txt"), "flask==1\n");
        String a = hash(new BuildStep.Depends(AT, "req.txt", List.of()));
        assertEquals(a, hash(new BuildStep.Depends(AT, "req.txt", List.of())));
        write(project.resolve("req.txt"), "flask==2\n");
        assertNotEquals(a, hash(new BuildStep.Depends(AT, "req.txt", List.of())));
    }

    @Test
    void copyFromWorkHashesTheTreeButNotIgnoredFiles() throws Exception {
        write(project.resolve("src/a.py"), "print(1)\n");
        BuildStep copy = new BuildStep.Copy(AT, "/work/src", "/app", null, null);
        String a = hash(copy);
        write(project.resolve("src/a.py~"), "backup\n");
        write(project.resolve("src/.git/HEAD"), "ref\n");
        assertEquals(a, hash(copy), "vagga's default ignore-regex skips backups and .git");
        write(project.resolve("src/sub/b.py"), "print(2)\n");
        String b = hash(copy);
        assertNotEquals(a, b);
        Files.setPosixFilePermissions(project.resolve("src/sub/b.py"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        assertNotEquals(b, hash(copy), "the executable bit is part of the version");
    }

    @Test
    void localTarContentChangesHash() throws Exception {
        write(project.resolve("root.tar"), "one");
        BuildStep tar = new BuildStep.Tar(AT, "./root.tar", "/", "", null);
        String a = hash(tar);
        write(project.resolve("root.tar"), "two");
        assertNotEquals(a, hash(tar));
    }

    @Test
    void baseContainerChangeChangesDerivedHash() throws Exception {
        var derived = container("app", List.of(new BuildStep.ContainerStep(AT, "base"), new BuildStep.Sh(AT, "x")));
        String a = new VersionHash(config(project, container("base", List.of(new BuildStep.Sh(AT, "1"))), derived))
                .of("app");
        String b = new VersionHash(config(project, container("base", List.of(new BuildStep.Sh(AT, "2"))), derived))
                .of("app");
        assertNotEquals(a, b);
    }

    @Test
    void containerCycleIsReported() {
        var a = container("a", List.of(new BuildStep.ContainerStep(AT, "b")));
        var b = container("b", List.of(new BuildStep.ContainerStep(AT, "a")));
        BuildException e = assertThrows(BuildException.class, () -> new VersionHash(config(project, a, b)).of("a"));
        assertTrue(e.getMessage().contains("cycle: a -> b -> a"), e.getMessage());
    }

    @Test
    void missingDependsFileNamesTheStep() {
        BuildException e = assertThrows(BuildException.class,
                () -> hash(new BuildStep.Sh(AT, "x"), new BuildStep.Depends(AT, "nope.txt", List.of())));
        assertTrue(e.getMessage().startsWith("container \"app\": step 2 (!Depends \"nope.txt\"): no such file"),
                e.getMessage());
    }

    @Test
    void dependsOutsideTheProjectIsRefused() {
        BuildException e = assertThrows(BuildException.class,
                () -> hash(new BuildStep.Depends(AT, "../../etc/passwd", List.of())));
        assertTrue(e.getMessage().contains("outside the project"), e.getMessage());
    }

    /** The digest of exactly what a hash was fed, with and without the cache; nothing written when nothing changed. */
    @Test
    void cachedVersionsAreTheDigestsOfWhatWasFed() throws Exception {
        write(project.resolve("req.txt"), "flask==1\n");
        List<BuildStep> steps = List.of(new BuildStep.Sh(AT, "echo hi"), new BuildStep.Depends(AT, "req.txt", List.of()));
        vagga.config.Config config = config(project, container("app", steps), container("base", List.of(
                new BuildStep.Sh(AT, "x".repeat(VersionCache.MAX_FED + 1)))));
        String uncached = new VersionHash(config, InputTrees.of(project), null).of("app");
        assertEquals(uncached, new VersionHash(config).of("app")); // computed, then stored when vagga next waits
        Path file = project.resolve(".vagga/.cache/versions");
        assertFalse(Files.exists(file), "written at the next CacheWrites.flush, not before");
        vagga.config.CacheWrites.flush();
        byte[] stored = Files.readAllBytes(file);
        java.nio.file.attribute.FileTime written = Files.getLastModifiedTime(file);
        assertEquals(uncached, new VersionHash(config).of("app")); // from the file
        assertEquals(new VersionHash(config, InputTrees.of(project), null).of("base"), new VersionHash(config).of("base"));
        assertTrue(java.util.Arrays.equals(stored, Files.readAllBytes(file)), "a start with nothing changed writes nothing");
        assertEquals(written, Files.getLastModifiedTime(file));

        write(project.resolve("req.txt"), "flask==2\n");
        String changed = new VersionHash(config).of("app");
        vagga.config.CacheWrites.flush();
        assertNotEquals(uncached, changed);
        assertEquals(new VersionHash(config, InputTrees.of(project), null).of("app"), changed);

        Files.write(file, new byte[] {1, 2, 3}); // a broken file is an empty cache
        assertEquals(changed, new VersionHash(config).of("app"));
    }
}
