// Layers.replaced on an upper layer the kernel's overlayfs wrote: whiteouts, opaque and merged directories.
package vagga.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayersTest {
    @TempDir
    Path dir;

    @Test
    void replacedIsEveryEntryButTheDirectoriesTheLayerMerges() throws Exception {
        assumeTrue(Syscalls.geteuid() == 0, "needs root to mount an overlay");
        Path lower = dir.resolve("lower");
        for (String d : List.of("etc", "gone", "tmp", "usr/local/bin", "keep")) {
            Files.createDirectories(lower.resolve(d));
        }
        for (String f : List.of("etc/a", "etc/b", "gone/x", "tmp/old", "wasfile", "keep/k")) {
            Files.writeString(lower.resolve(f), f);
        }
        for (String d : List.of("upper", "work", "merged")) {
            Files.createDirectory(dir.resolve(d));
        }
        // the steps' changes made through a real overlay in a mount namespace of their own
        String script = "set -e; mount -t overlay overlay -o lowerdir=lower,upperdir=upper,workdir=work merged; cd merged;"
                + " echo changed > etc/a; rm etc/b; rm -r gone; rm wasfile; mkdir wasfile; touch wasfile/y;"
                + " rm -r tmp; mkdir tmp; touch tmp/new; mkdir newdir; touch newdir/z; touch usr/local/bin/x;"
                + " ln -s /etc keep/link";
        Process p = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c", script)
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(true, p.waitFor(30, TimeUnit.SECONDS));
        assumeTrue(p.exitValue() == 0, "no overlay mount here: " + out);
        Set<String> replaced = new TreeSet<>(Layers.replaced(dir.resolve("upper"), lower));
        // merged (not listed, gone into): etc, usr, usr/local, usr/local/bin, keep; whiteouts: etc/b, gone;
        // opaque: tmp (made again after its removal); over a lower file: wasfile; not in the lower: newdir
        assertEquals(new TreeSet<>(List.of("etc/a", "etc/b", "gone", "keep/link", "newdir", "tmp", "usr/local/bin/x",
                "wasfile")), replaced);
    }
}
