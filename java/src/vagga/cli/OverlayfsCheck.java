// vagga _check_overlayfs_support: can an overlayfs be mounted where vagga's containers are set up?
package vagga.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import vagga.plan.ExitCodes;

/**
 * As vagga's wrapper (docs/overlayfs.rst): prints {@code supported} or {@code unsupported}. The
 * mount is tried in a new mount namespace (as an ordinary user also a user namespace with the
 * user as root, as an unprivileged container gets) by util-linux's {@code unshare}, on empty
 * directories under the system's temporary directory, which are removed afterwards; nothing the
 * host sees is mounted. Exit 0 when supported, 1 when not (ours: vagga's code is not documented).
 */
final class OverlayfsCheck {
    private OverlayfsCheck() {}

    static int run(Invocation inv, List<String> args) {
        if (!args.isEmpty()) {
            if (args.size() == 1 && (args.get(0).equals("-h") || args.get(0).equals("--help"))) {
                inv.out().println("Usage: vagga _check_overlayfs_support\n\n"
                        + "Prints \"supported\" when an overlayfs can be mounted in vagga's containers, else \"unsupported\".");
                return ExitCodes.OK;
            }
            inv.err().println("Usage: vagga _check_overlayfs_support");
            inv.err().println("vagga _check_overlayfs_support: unexpected argument \"" + args.get(0) + "\"");
            return ExitCodes.BAD_ARGUMENTS;
        }
        boolean supported = tryMount(inv);
        inv.out().println(supported ? "supported" : "unsupported");
        return supported ? ExitCodes.OK : 1;
    }

    private static boolean tryMount(Invocation inv) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("vagga-overlayfs-");
            for (String d : List.of("lower", "upper", "work", "mnt")) {
                Files.createDirectory(dir.resolve(d));
            }
            Files.writeString(dir.resolve("lower/probe"), "lower\n");
            List<String> argv = new ArrayList<>(List.of("unshare", "--mount"));
            if (!SystemCheck.isRoot()) {
                argv.addAll(List.of("--user", "--map-root-user"));
            }
            // the mount is checked by reading the lower layer's file through it
            argv.addAll(List.of("--", "/bin/sh", "-c", "mount -t overlay overlay -o lowerdir=\"$1/lower\","
                    + "upperdir=\"$1/upper\",workdir=\"$1/work\" \"$1/mnt\" && test -f \"$1/mnt/probe\"",
                    "sh", dir.toString()));
            Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            if (inv.debug()) {
                inv.err().println("vagga: _check_overlayfs_support: " + e.getMessage());
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            if (dir != null) {
                try {
                    delete(dir);
                } catch (IOException e) {
                    inv.err().println("vagga: warning: cannot remove " + dir + ": " + e.getMessage());
                }
            }
        }
    }

    /** The probe's directories; overlayfs leaves work/work without permissions. */
    private static void delete(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isDirectory).toList()) {
                p.toFile().setWritable(true, true);
                p.toFile().setExecutable(true, true);
                p.toFile().setReadable(true, true);
            }
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
