// The stored input walks: every kind of change is still seen, an unchanged tree or file is not read again.
package vagga.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vagga.image.Fixtures.AT;
import static vagga.image.Fixtures.config;
import static vagga.image.Fixtures.container;
import static vagga.image.Fixtures.write;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vagga.config.BuildStep;
import vagga.linux.TreeWalk;

class InputTreesTest {
    private static final FileTime LONG_AGO = FileTime.fromMillis(1_600_000_000_000L);
    /** A clock an hour ahead: everything the test wrote is long past the racy window. */
    private static final LongSupplier LATER =
            () -> TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis() + 3_600_000);
    /** The real clock: everything the test just wrote is racily clean. */
    private static final LongSupplier NOW = () -> TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());

    @TempDir
    Path project;

    @BeforeEach
    void inputs() throws Exception {
        write(project.resolve("deps/a.txt"), "aaaa");
        write(project.resolve("deps/sub/b.txt"), "bbbb");
        write(project.resolve("deps/.git/HEAD"), "ref: refs/heads/main");
        Files.setLastModifiedTime(project.resolve("deps/a.txt"), LONG_AGO);
    }

    private Path store() {
        return InputTrees.directory(project);
    }

    /** A fresh VersionHash each time, as each vagga run has: only the store is shared. */
    private String hash(LongSupplier clock) throws Exception {
        return new VersionHash(config(project, container("app", List.of(
                new BuildStep.Depends(AT, "deps", List.of())))), new InputTrees(store(), clock)).of("app");
    }

    /** The same hash computed from the files alone, with no store. */
    private String fresh() throws Exception {
        return new VersionHash(config(project, container("app", List.of(
                new BuildStep.Depends(AT, "deps", List.of())))), InputTrees.none()).of("app");
    }

    /** Hashes through the store (trusted), checks it against a hash from the files, returns it. */
    private String checked() throws Exception {
        String h = hash(LATER);
        assertEquals(fresh(), h, "the stored walk gave what the files give");
        return h;
    }

    private Path storedFile() throws Exception {
        try (Stream<Path> s = Files.list(store())) {
            List<Path> files = s.toList();
            assertEquals(1, files.size(), files.toString());
            return files.get(0);
        }
    }

    /** Replaces {@code from} by as many zeros in the stored file (a forged hash, stat data kept). */
    private void forge(String from) throws Exception {
        Path f = storedFile();
        String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertTrue(text.contains(from), "the stored file holds " + from);
        Files.write(f, text.replace(from, "0".repeat(from.length())).getBytes(StandardCharsets.ISO_8859_1));
    }

    private String treeHash() throws Exception {
        return InputTrees.none().treeHash(project.resolve("deps"), PathFilter.of(List.of(), null, null, null), false);
    }

    /** A change made after the store was written: its ctime must differ, as the racy rule relies on. */
    private static void ctimeMoved(Path p, Object before) throws Exception {
        assertNotEquals(before, Files.getAttribute(p, "unix:ctime", java.nio.file.LinkOption.NOFOLLOW_LINKS),
                "the kernel gave the change the stored ctime (a coarse clock): the test cannot tell");
    }

    private static Object ctime(Path p) throws Exception {
        return Files.getAttribute(p, "unix:ctime", java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void anUnchangedTreeIsNotReadAgain() throws Exception {
        String first = checked();
        assertEquals(first, hash(LATER));
        // proof: a forged tree hash in the store is believed while the tree is unchanged
        forge(treeHash());
        assertNotEquals(first, hash(LATER), "the stored tree hash was used, the files were not read");
    }

    @Test
    void aChangedTreeRereadsOnlyTheFilesWhoseStatChanged() throws Exception {
        checked();
        forge(InputTrees.contentOf(project.resolve("deps/a.txt")));
        Path b = project.resolve("deps/sub/b.txt");
        Object before = ctime(b);
        Files.writeString(b, "BBBB");
        ctimeMoved(b, before);
        assertNotEquals(fresh(), hash(LATER), "a.txt's stored content hash was used: it was not read again");
    }

    @Test
    void sameSizeContentChangeWithMtimeSetBackIsSeen() throws Exception {
        String before = checked();
        Path a = project.resolve("deps/a.txt");
        Object c = ctime(a);
        Files.writeString(a, "AAAA");
        Files.setLastModifiedTime(a, LONG_AGO); // ctime moves anyway
        ctimeMoved(a, c);
        assertNotEquals(before, checked());
    }

    @Test
    void renameNewEmptyDirModeAndSymlinkChangesAreSeen() throws Exception {
        String h0 = checked();
        Files.move(project.resolve("deps/sub/b.txt"), project.resolve("deps/sub/c.txt"));
        String h1 = checked();
        assertNotEquals(h0, h1, "rename");
        Files.createDirectory(project.resolve("deps/empty"));
        String h2 = checked();
        assertNotEquals(h1, h2, "new empty directory");
        Path a = project.resolve("deps/a.txt");
        Object c = ctime(a);
        Files.setPosixFilePermissions(a, PosixFilePermissions.fromString("rwxr-xr-x"));
        ctimeMoved(a, c);
        String h3 = checked();
        assertNotEquals(h2, h3, "mode change");
        Path link = project.resolve("deps/link");
        Files.createSymbolicLink(link, Path.of("a.txt"));
        String h4 = checked();
        Files.delete(link);
        Files.createSymbolicLink(link, Path.of("b.txt")); // same length, maybe the same inode
        assertNotEquals(h4, checked(), "symlink target change");
    }

    @Test
    void aFileReplacedByAnotherWithTheSameStatTimesIsSeen() throws Exception {
        String before = checked();
        Path other = project.resolve("other.txt");
        write(other, "zzzz");
        Files.setLastModifiedTime(other, LONG_AGO);
        Files.move(other, project.resolve("deps/a.txt"), StandardCopyOption.REPLACE_EXISTING); // new inode
        assertNotEquals(before, checked());
    }

    @Test
    void excludedDirectoriesAreNotEnteredAndDoNotCount() throws Exception {
        String before = checked();
        write(project.resolve("deps/.git/objects/xx"), "a new object");
        assertEquals(before, checked(), ".git is left out");
        forge(treeHash());
        assertNotEquals(before, hash(LATER), "a change inside the excluded .git keeps the stored walk valid");
    }

    @Test
    void racilyCleanEntriesAreNotTrusted() throws Exception {
        // stored at a time the files had just been written: neither the walk nor their hashes count
        String first = hash(NOW);
        assertEquals(fresh(), first);
        forge(treeHash());
        assertEquals(first, hash(LATER), "a racy walk is not trusted: the tree was walked and read again");
        FileTrees.delete(store());
        hash(NOW);
        forge(InputTrees.contentOf(project.resolve("deps/sub/b.txt")));
        write(project.resolve("deps/new.txt"), "n");
        assertEquals(fresh(), hash(LATER), "a racy file's stored hash is not used");
    }

    @Test
    void aSingleFileInputIsStoredToo() throws Exception {
        Path f = project.resolve("deps/a.txt");
        InputTrees t = new InputTrees(store(), LATER);
        String h = t.contentHash(f);
        assertEquals(InputTrees.contentOf(f), h);
        forge(h);
        assertEquals("0".repeat(64), new InputTrees(store(), LATER).contentHash(f), "not read again");
        Object c = ctime(f);
        Files.writeString(f, "AAAA");
        Files.setLastModifiedTime(f, LONG_AGO);
        ctimeMoved(f, c);
        assertEquals(InputTrees.contentOf(f), new InputTrees(store(), LATER).contentHash(f));
    }

    @Test
    void aDirectoryModeChangeIsSeenWhenModesCount() throws Exception {
        Path deps = project.resolve("deps");
        PathFilter filter = PathFilter.of(List.of(), null, null, null);
        String before = new InputTrees(store(), LATER).treeHash(deps, filter, true);
        Path sub = deps.resolve("sub");
        Object c = ctime(sub);
        Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwx------"));
        ctimeMoved(sub, c);
        String after = new InputTrees(store(), LATER).treeHash(deps, filter, true);
        assertNotEquals(before, after, "preserve-permissions copies the directory's mode");
        assertEquals(InputTrees.none().treeHash(deps, filter, true), after);
    }

    @Test
    void aBrokenStoredFileIsIgnored() throws Exception {
        String good = checked();
        Path f = storedFile();
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertEquals(good, hash(LATER), "truncated");
        Files.writeString(f, "garbage");
        assertEquals(good, hash(LATER), "garbage");
        Files.write(f, new byte[0]);
        assertEquals(good, hash(LATER), "empty");
    }

    /** A name of 150 bytes: fewer files (each made costs ~1 ms on a busy disk) give as many stored bytes. */
    private static final String LONG = "-" + "n".repeat(146);

    /**
     * 400 files of ~200 bytes of stored walk each: past linux_tree_walk.c's PARALLEL_MIN (64 KiB);
     * with two walkers the no-change check walks the tree in parts, split over two levels.
     */
    private void largeTree() throws Exception {
        for (int d = 0; d < 40; d++) {
            for (int e = 0; e < 2; e++) {
                Path dir = Files.createDirectories(project.resolve(String.format("deps/big/d%02d/e%d", d, e)));
                for (int f = 0; f < 5; f++) {
                    Files.write(dir.resolve(String.format("f%d%s", f, LONG)), new byte[] {'x'});
                }
            }
        }
        write(project.resolve("deps/big/d07/.git/HEAD"), "ref: refs/heads/main");
    }

    /** Changes {@code rel} (same size, mtime kept): the forged stored tree hash is not believed; forges the new one. */
    private void changedAndSeen(String what, String rel, String forged) throws Exception {
        Path p = project.resolve(rel);
        Object c = ctime(p);
        Files.write(p, new byte[] {'y'});
        Files.setLastModifiedTime(p, LONG_AGO);
        ctimeMoved(p, c);
        assertNotEquals(forged, hash(LATER), what);
        forge(treeHash());
    }

    @ParameterizedTest(name = "{0} walker(s)")
    @ValueSource(strings = {"1", "2"})
    void aLargeTreeCheckedInPartsSeesEveryChange(String walkers) throws Exception {
        System.setProperty(TreeWalk.WALKERS, walkers);
        try {
            largeTreeChecked();
        } finally {
            System.clearProperty(TreeWalk.WALKERS);
        }
    }

    private void largeTreeChecked() throws Exception {
        largeTree();
        String first = checked();
        forge(treeHash());
        String forged = hash(LATER); // the version from a stored tree hash of zeros
        assertNotEquals(first, forged, "unchanged: the stored walk was believed");
        write(project.resolve("deps/big/d07/.git/objects/xx"), "a new object");
        assertEquals(forged, hash(LATER), "inside an excluded .git, below the split: still unchanged");
        changedAndSeen("the first part", "deps/big/d00/e0/f0" + LONG, forged);
        changedAndSeen("the last part", "deps/big/d39/e1/f4" + LONG, forged);
        changedAndSeen("a middle part", "deps/big/d20/e1/f2" + LONG, forged);
        Files.createDirectory(project.resolve("deps/big/d39/e1/new"));
        assertNotEquals(forged, hash(LATER), "a new empty directory in the last part");
        forge(treeHash());
        Files.move(project.resolve("deps/big/d03/e1"), project.resolve("deps/big/d03/e9"));
        assertNotEquals(forged, hash(LATER), "a renamed directory at the split");
        forge(treeHash());
        Files.delete(project.resolve("deps/big/d39/e1/new"));
        assertNotEquals(forged, hash(LATER), "a removed directory");
        assertEquals(fresh(), hash(LATER), "each walk in parts stored what the files give");
        forge(treeHash());
        assertEquals(forged, hash(LATER), "and unchanged again: believed");
    }
}
