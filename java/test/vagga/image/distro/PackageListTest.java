// The package list beside a Debian or Ubuntu root (vagga's `dpkg -l`), read from dpkg's status file.
package vagga.image.distro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageListTest {
    @TempDir
    Path tmp;

    private String list(String status) throws Exception {
        Files.writeString(tmp.resolve("status"), status);
        AptDistribution.writePackageList(tmp.resolve("status"), tmp.resolve("out"));
        return Files.readString(tmp.resolve("out"));
    }

    @Test
    void installedPackagesOnlyWithVersionAndArchitecture() throws Exception {
        String status = String.join("\n",
                "Package: adduser",
                "Status: install ok installed",
                "Priority: important",
                "Architecture: all",
                "Version: 3.134",
                "Description: add and remove users",
                " Package: not-a-field (a continuation line)",
                "",
                "Package: gone",
                "Status: deinstall ok config-files",
                "Architecture: amd64",
                "Version: 1.0",
                "",
                "Package: libc6",
                "Status: install ok installed",
                "Architecture: amd64",
                "Version: 2.36-9+deb12u4");
        // the last paragraph without a newline at the end counts too
        assertEquals("ii  adduser 3.134 all\nii  libc6 2.36-9+deb12u4 amd64\n", list(status));
        assertEquals("ii  adduser 3.134 all\nii  libc6 2.36-9+deb12u4 amd64\n", list(status + "\n\n\n"));
    }

    @Test
    void notInstalledOrNothing() throws Exception {
        assertEquals("", list(""));
        assertEquals("", list("Package: x\nStatus: install ok half-installed\nVersion: 1\nArchitecture: all\n"));
        assertFalse(list("Package: y\nStatus: purge ok not-installed\n\n").contains("y"));
    }
}
