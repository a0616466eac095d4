// What vagga reads of an image on the host follows the image's links inside the image, never to a
// host file of the same name (an image may carry /etc/lsb-release -> /some/host/file).
package vagga.image.distro;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageLinksTest {
    @TempDir
    Path tmp;

    @Test
    void theCodenameIsTheImagesWhereItsLsbReleaseLinksToAnAbsolutePath() throws Exception {
        Path host = Files.writeString(tmp.resolve("host-lsb-release"), "DISTRIB_CODENAME=host\n");
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("etc"));
        Path inImage = root.resolve(host.toString().substring(1));
        Files.createDirectories(inImage.getParent());
        Files.writeString(inImage, "DISTRIB_ID=Ubuntu\nDISTRIB_CODENAME=jammy\n");
        Files.createSymbolicLink(root.resolve("etc/lsb-release"), host);
        assertEquals("jammy", Ubuntu.readCodename(root));
    }
}
