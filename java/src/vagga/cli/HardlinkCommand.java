// `vagga _hardlink [--global]`: index the project's roots (or every project's in storage-dir) and link identical files.
package vagga.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import vagga.config.Config;
import vagga.config.ConfigException;
import vagga.config.Settings;
import vagga.image.ImageDirs;
import vagga.image.ImageIndex;
import vagga.image.StorageBase;
import vagga.plan.ExitCodes;

/** As vagga's wrapper/hardlink.rs: "Found and linked N (SIZE) identical files" on stderr, 0; errors 121. */
final class HardlinkCommand {
    private HardlinkCommand() {}

    static int run(Invocation inv, Config config, List<String> args) {
        boolean global = false;
        for (String a : args) {
            switch (a) {
                case "-h", "--help" -> {
                    inv.out().println("Usage:\n    vagga _hardlink [OPTIONS]\n\nIndexes and hardlinks containers\n\n"
                            + "Optional arguments:\n  -h,--help             Show this help message and exit\n"
                            + "  --global              Hardlink containers between projects.");
                    return ExitCodes.OK;
                }
                case "--global" -> global = true;
                default -> {
                    inv.err().println("Usage:\n    vagga _hardlink [OPTIONS]");
                    inv.err().println("vagga _hardlink: Unknown option or argument \"" + a + "\"");
                    return ExitCodes.BAD_ARGUMENTS;
                }
            }
        }
        try {
            Settings settings = Settings.forRun(inv.env(), config.projectRoot());
            List<Path> dirs;
            if (global) {
                if (settings.storageDir() == null) {
                    inv.err().println("The --global flag is only meaningful if you configure storage-dir in settings");
                    return ExitCodes.RUNTIME_ERROR;
                }
                dirs = ImageDirs.ofStorage(settings.storageDir());
            } else {
                dirs = ImageDirs.of(StorageBase.roots(config.projectRoot()));
            }
            for (Path dir : dirs) {
                if (!ImageIndex.exists(dir)) {
                    inv.err().println("Indexing container \"" + dir + "\" ...");
                    ImageIndex.write(dir);
                }
            }
            ImageIndex.Linked linked = ImageIndex.hardlink(dirs);
            inv.err().println("Found and linked " + linked.count() + " (" + ImageIndex.humanSize(linked.bytes())
                    + ") identical files");
            return ExitCodes.OK;
        } catch (ConfigException e) {
            Dispatch.printProblems(inv.err(), e);
            return ExitCodes.CONFIG_ERROR;
        } catch (IOException e) {
            inv.err().println("Error when linking container files: " + e.getMessage());
            return ExitCodes.RUNTIME_ERROR;
        }
    }
}
