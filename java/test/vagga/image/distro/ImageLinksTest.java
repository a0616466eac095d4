// What vagga reads of an image on the host follows the image's links inside the image, never to a
// host file of the same name (an image may carry /etc/lsb-release -> /some/host/file).
package vagga.image.distro;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vagga.image.Fixtures;

class ImageLinksTest {
    @TempDir
    Path tmp;

    @Test
    void theCodenameIsTheImagesWhereItsLsbReleaseLinksToAnAbsolutePath() throws Exception {
        Path root = Fixtures.rootLinkingToHost(tmp, "etc/lsb-release", "DISTRIB_CODENAME=host\n",
                "DISTRIB_ID=Ubuntu\nDISTRIB_CODENAME=jammy\n");
        assertEquals("jammy", Ubuntu.readCodename(root));
    }
}
