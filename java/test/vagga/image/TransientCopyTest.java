// Transient hard-link copies: same files, independent directory tree, removed on close and after a dead owner.
package vagga.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vagga.image.Fixtures.write;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransientCopyTest {
    @TempDir
    Path project;

    @Test
    void copyLinksFilesAndIsRemovedOnClose() throws Exception {
        Path root = project.resolve(".vagga/.roots/app.x/root");
        write(root.resolve("etc/conf"), "c");
        Files.createSymbolicLink(root.resolve("lnk"), Path.of("/etc/conf"));
        Path copyRoot;
        try (TransientCopy copy = TransientCopy.create(project, "app", root)) {
            copyRoot = copy.root();
            assertTrue(copyRoot.getFileName().toString().startsWith("app." + ProcessHandle.current().pid() + "."));
            assertEquals(project.toAbsolutePath().resolve(".vagga/.transient"), copyRoot.getParent());
            assertTrue(Files.isSameFile(root.resolve("etc/conf"), copyRoot.resolve("etc/conf")), "hard link");
            assertEquals(Path.of("/etc/conf"), Files.readSymbolicLink(copyRoot.resolve("lnk")));
            write(copyRoot.resolve("etc/new"), "n");
            Files.delete(copyRoot.resolve("etc/conf"));
            assertFalse(Files.exists(root.resolve("etc/new")), "new files stay in the copy");
            assertTrue(Files.exists(root.resolve("etc/conf")), "removing in the copy leaves the original");
        }
        assertFalse(Files.exists(copyRoot));
    }

    @Test
    void copiesOfDeadProcessesAreRemoved() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        Path dead = project.resolve(".vagga/.transient/app." + p.pid() + ".1/etc");
        Files.createDirectories(dead);
        Path live = project.resolve(".vagga/.transient/app." + ProcessHandle.current().pid() + ".999/etc");
        Files.createDirectories(live);
        List<Path> removed = TransientCopy.removeDead(project.resolve(".vagga/.transient"));
        assertEquals(List.of(dead.getParent()), removed);
        assertTrue(Files.exists(live));
    }
}
