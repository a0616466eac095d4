// `vagga _verify CONTAINER`: compare the root .vagga/CONTAINER links to with its index (0 intact, 1 corrupted).
package vagga.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import vagga.config.Config;
import vagga.image.ContainerBuilder;
import vagga.image.ImageIndex;
import vagga.plan.ExitCodes;

/** As vagga's wrapper/hardlink.rs verify_cmd: "Checking container: DIR", then "Ok" or what differs. */
final class VerifyCommand {
    private VerifyCommand() {}

    static int run(Invocation inv, Config config, List<String> args) {
        if (args.size() == 1 && (args.get(0).equals("-h") || args.get(0).equals("--help"))) {
            inv.out().println("Usage:\n    vagga _verify CONTAINER\n\nVerifies container files checksum");
            return ExitCodes.OK;
        }
        if (args.size() != 1 || args.get(0).startsWith("-")) {
            inv.err().println("Usage:\n    vagga _verify CONTAINER");
            inv.err().println("vagga _verify: exactly one container name is required");
            return ExitCodes.BAD_ARGUMENTS;
        }
        String name = args.get(0);
        Path link = ContainerBuilder.vaggaDir(config.projectRoot().toAbsolutePath()).resolve(name);
        Path dir;
        try {
            if (!Files.isSymbolicLink(link)) {
                inv.err().println("Container \"" + name + "\" is not built (no .vagga/" + name + ")");
                return ExitCodes.RUNTIME_ERROR;
            }
            dir = link.toRealPath().getParent();
        } catch (IOException e) {
            inv.err().println("Can't read link .vagga/" + name + ": " + e.getMessage());
            return ExitCodes.RUNTIME_ERROR;
        }
        inv.out().println("Checking container: \"" + dir + "\"");
        try {
            ImageIndex.Diff diff = ImageIndex.verify(dir);
            if (diff.clean()) {
                inv.out().println("Ok");
                return ExitCodes.OK;
            }
            inv.out().println("Container is corrupted");
            list(inv, "Missing paths:", diff.missing());
            list(inv, "Extra paths:", diff.extra());
            list(inv, "Corrupted paths:", diff.corrupted());
            return 1;
        } catch (NoSuchFileException e) {
            inv.err().println("Error checking container signature: no index " + e.getFile()
                    + "\nhint: run `vagga _hardlink`, or set index-all-images: true and rebuild");
            return ExitCodes.RUNTIME_ERROR;
        } catch (IOException e) {
            inv.err().println("Error checking container signature: " + e.getMessage());
            return ExitCodes.RUNTIME_ERROR;
        }
    }

    private static void list(Invocation inv, String title, List<String> paths) {
        if (!paths.isEmpty()) {
            inv.out().println(title);
            for (String p : paths) {
                inv.out().println("\t" + p);
            }
        }
    }
}
