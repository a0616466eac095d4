// Host-side reads and writes of a root follow its links as the container would (RootPath), and a
// file vagga replaces in it is replaced, never written through a link.
package vagga.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageLinksTest {
    @TempDir
    Path tmp;

    @Test
    void theWheelCacheIsNamedAfterTheImagesOsReleaseNotTheHostFileItsLinkNames() throws Exception {
        Path root = Fixtures.rootLinkingToHost(tmp, "etc/os-release", "ID=hostos\nVERSION_ID=\"1\"\n",
                "ID=debian\nVERSION_ID=\"12\"\n");
        assertEquals("debian-12", PipSteps.distroIdent(root));
    }

    @Test
    void replaceSwapsALinkForTheFileAndLeavesItsTargetAlone() throws Exception {
        Path target = Files.writeString(tmp.resolve("host-file"), "untouched\n");
        Path dir = Files.createDirectories(tmp.resolve("conf.d"));
        Files.createSymbolicLink(dir.resolve("vagga.ini"), target);
        // a link left at the temporary name is not followed either
        Files.createSymbolicLink(dir.resolve(".tmp.vagga.ini"), target);
        FileTrees.replace(dir.resolve("vagga.ini"), "include_path=.\n");
        assertEquals("untouched\n", Files.readString(target));
        assertFalse(Files.isSymbolicLink(dir.resolve("vagga.ini")));
        assertEquals("include_path=.\n", Files.readString(dir.resolve("vagga.ini")));
        assertFalse(Files.exists(dir.resolve(".tmp.vagga.ini"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }
}
