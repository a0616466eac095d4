// The stat-keyed cache of input hashes: every kind of change is still seen, an unchanged file is not read.
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
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vagga.config.BuildStep;

class HashCacheTest {
    private static final FileTime LONG_AGO = FileTime.fromMillis(1_600_000_000_000L);

    @TempDir
    Path project;

    @BeforeEach
    void inputs() throws Exception {
        write(project.resolve("deps/a.txt"), "aaaa");
        write(project.resolve("deps/sub/b.txt"), "bbbb");
        agePast();
    }

    /** Every input older than the racy window, so the cache remembers them. */
    private void agePast() throws Exception {
        try (var s = Files.walk(project.resolve("deps"))) {
            for (Path p : s.toList()) {
                if (!Files.isSymbolicLink(p)) {
                    Files.setLastModifiedTime(p, LONG_AGO);
                }
            }
        }
    }

    /** A fresh VersionHash each time, as each vagga run has: only the cache file is shared. */
    private String hash() throws Exception {
        return new VersionHash(config(project, container("app", List.of(
                new BuildStep.Depends(AT, "deps", List.of()))))).of("app");
    }

    private Path cacheFile() {
        return project.resolve(".vagga/.cache/input-hashes");
    }

    @Test
    void secondRunUsesTheCacheAndGivesTheSameHash() throws Exception {
        String first = hash();
        assertTrue(Files.isRegularFile(cacheFile()), "the cache was written");
        String cached = Files.readString(cacheFile(), StandardCharsets.UTF_8);
        assertTrue(cached.contains(project.resolve("deps/a.txt").toString()), cached);
        assertEquals(first, hash());
        // Proof that an unchanged file is not read: a forged hash for a.txt (stat data kept) is believed.
        String real = HashCache.hashOf(project.resolve("deps/a.txt"));
        Files.writeString(cacheFile(), cached.replace(real, "0".repeat(64)), StandardCharsets.UTF_8);
        assertNotEquals(first, hash(), "the cached hash was used, not the file");
    }

    @Test
    void sameSizeContentChangeWithMtimeSetBackIsSeen() throws Exception {
        String before = hash();
        Files.writeString(project.resolve("deps/a.txt"), "AAAA");
        Files.setLastModifiedTime(project.resolve("deps/a.txt"), LONG_AGO); // ctime moves anyway
        assertNotEquals(before, hash());
    }

    @Test
    void renameNewEmptyDirModeAndSymlinkChangesAreSeen() throws Exception {
        String h0 = hash();
        Files.move(project.resolve("deps/sub/b.txt"), project.resolve("deps/sub/c.txt"));
        agePast();
        String h1 = hash();
        assertNotEquals(h0, h1, "rename");
        Files.createDirectory(project.resolve("deps/empty"));
        agePast();
        String h2 = hash();
        assertNotEquals(h1, h2, "new empty directory");
        Files.setPosixFilePermissions(project.resolve("deps/a.txt"), PosixFilePermissions.fromString("rwxr-xr-x"));
        String h3 = hash();
        assertNotEquals(h2, h3, "mode change");
        Files.createSymbolicLink(project.resolve("deps/link"), Path.of("a.txt"));
        String h4 = hash();
        Files.delete(project.resolve("deps/link"));
        Files.createSymbolicLink(project.resolve("deps/link"), Path.of("sub"));
        assertNotEquals(h4, hash(), "symlink target change");
    }

    @Test
    void aFileReplacedByAnotherWithTheSameStatTimesIsSeen() throws Exception {
        String before = hash();
        Path a = project.resolve("deps/a.txt");
        Path other = project.resolve("other.txt");
        write(other, "zzzz");
        Files.setLastModifiedTime(other, LONG_AGO);
        Files.move(other, a, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // new inode, same size and mtime
        assertNotEquals(before, hash());
    }

    @Test
    void racilyCleanFilesAreNotRemembered() throws Exception {
        write(project.resolve("deps/new.txt"), "just written");
        hash();
        String cached = Files.readString(cacheFile(), StandardCharsets.UTF_8);
        assertTrue(cached.contains(project.resolve("deps/a.txt").toString()), cached);
        assertTrue(!cached.contains(project.resolve("deps/new.txt").toString()),
                "a file modified within the racy window is hashed again next time");
    }

    @Test
    void aBrokenCacheFileIsIgnored() throws Exception {
        String good = hash();
        Files.writeString(cacheFile(), "garbage\0x y z\0", StandardCharsets.UTF_8);
        assertEquals(good, hash());
        Files.writeString(cacheFile(), "vagga-input-hashes-1\0not numbers at all\0", StandardCharsets.UTF_8);
        assertEquals(good, hash());
    }
}
