// `vagga _init_storage_dir NAME`: link .vagga/.lnk to STORAGE/NAME (a name of the user's, not the directory's).
package vagga.cli;

import java.nio.file.Path;
import java.util.List;

import vagga.config.Config;
import vagga.config.ConfigException;
import vagga.config.Settings;
import vagga.image.BuildException;
import vagga.image.StorageBase;
import vagga.plan.ExitCodes;

/** 0 and the directory made; 1 for a name with a slash (vagga's); 121 without storage-dir, when .vagga/.lnk exists, or when the name is taken. */
final class InitStorageDirCommand {
    private InitStorageDirCommand() {}

    static int run(Invocation inv, Config config, List<String> args) {
        if (args.size() == 1 && (args.get(0).equals("-h") || args.get(0).equals("--help"))) {
            inv.out().println("Usage:\n    vagga _init_storage_dir [--allow-multiple] NAME\n\nInitializes the directory for this project "
                    + "in the storage-dir under NAME (instead of the project directory's name)");
            return ExitCodes.OK;
        }
        // vagga's --allow-multiple: the name may already be another project's; no link back to this one
        boolean multiple = !args.isEmpty() && args.get(0).equals("--allow-multiple");
        if (multiple) {
            args = args.subList(1, args.size());
        }
        if (args.size() != 1 || args.get(0).startsWith("-") || args.get(0).isBlank()) {
            inv.err().println("Usage:\n    vagga _init_storage_dir [--allow-multiple] NAME");
            inv.err().println("vagga _init_storage_dir: exactly one name is required");
            return ExitCodes.BAD_ARGUMENTS;
        }
        if (args.get(0).contains("/")) {
            inv.err().println("Directory name must not contain slash");
            return 1;
        }
        if (args.get(0).equals(".") || args.get(0).equals("..")) {
            // ours: vagga would link .vagga/.lnk to the storage dir itself or its parent
            inv.err().println("Directory name must not be \"" + args.get(0) + "\"");
            return 1;
        }
        try {
            Path storage = Settings.forRun(inv.env(), config.projectRoot()).storageDir();
            if (storage == null) {
                inv.err().println("The storage-dir is not configured in settings: _init_storage_dir has nothing to do");
                return ExitCodes.RUNTIME_ERROR;
            }
            Path made = StorageBase.init(config.projectRoot(), storage, args.get(0), multiple);
            inv.out().println(made);
            return ExitCodes.OK;
        } catch (ConfigException e) {
            Dispatch.printProblems(inv.err(), e);
            return ExitCodes.CONFIG_ERROR;
        } catch (BuildException e) {
            inv.err().println(e.getMessage());
            return ExitCodes.RUNTIME_ERROR;
        }
    }
}
