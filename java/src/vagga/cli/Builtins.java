// The built-in commands that build and inspect containers: _build, _run, _clean, _version_hash.
package vagga.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import vagga.image.BuildCommands;
import vagga.image.CleanMode;
import vagga.config.Config;
import vagga.plan.ExitCodes;

final class Builtins {
    static final Set<String> NAMES = Set.of("_build", "_run", "_clean", "_version_hash");

    private Builtins() {}

    static boolean handles(String name) {
        return NAMES.contains(name);
    }

    static int run(Main.Invocation inv, Config config, String name, List<String> args) {
        switch (name) {
            case "_build": {
                boolean force = false;
                String container = null;
                for (String a : args) {
                    if (a.equals("--force")) {
                        force = true;
                    } else if (a.equals("-h") || a.equals("--help")) {
                        inv.out().println("Usage: vagga _build [--force] CONTAINER\n\nBuilds a container (again with --force).");
                        return ExitCodes.OK;
                    } else if (a.startsWith("-") || container != null) {
                        return usage(inv, "_build [--force] CONTAINER", "unexpected argument \"" + a + "\"");
                    } else {
                        container = a;
                    }
                }
                if (container == null) {
                    return usage(inv, "_build [--force] CONTAINER", "a container name is required");
                }
                return BuildCommands.build(config, container, force, inv.out(), inv.err());
            }
            case "_version_hash": {
                boolean shortHash = args.contains("-s") || args.contains("--short");
                List<String> rest = new ArrayList<>(args);
                rest.removeIf(a -> a.equals("-s") || a.equals("--short"));
                if (rest.size() != 1 || rest.get(0).startsWith("-")) {
                    return usage(inv, "_version_hash [--short] CONTAINER", "exactly one container name is required");
                }
                return BuildCommands.versionHash(config, rest.get(0), shortHash, inv.out(), inv.err());
            }
            case "_clean": {
                if (args.size() != 1) {
                    return usage(inv, "_clean --old|--everything|--transient|--tmp|--volumes",
                            "exactly one of the modes is required");
                }
                CleanMode mode;
                switch (args.get(0)) {
                    case "--old" -> mode = CleanMode.OLD;
                    case "--everything" -> mode = CleanMode.EVERYTHING;
                    case "--transient" -> mode = CleanMode.TRANSIENT;
                    case "--tmp", "--tmp-folders" -> mode = CleanMode.TMP;
                    case "--volumes" -> mode = CleanMode.VOLUMES;
                    default -> {
                        return usage(inv, "_clean --old|--everything|--transient|--tmp|--volumes",
                                "unknown mode \"" + args.get(0) + "\"");
                    }
                }
                return BuildCommands.clean(config, mode, inv.out(), inv.err());
            }
            case "_run": {
                if (args.size() < 2) {
                    return usage(inv, "_run CONTAINER COMMAND [ARGS...]", "a container and a command are required");
                }
                return BuildCommands.run(config, inv.cwd(), args.get(0), args.subList(1, args.size()),
                        inv.out(), inv.err());
            }
            default:
                throw new IllegalArgumentException(name);
        }
    }

    private static int usage(Main.Invocation inv, String usage, String message) {
        inv.err().println("Usage: vagga " + usage);
        inv.err().println("vagga " + usage.split(" ")[0] + ": " + message);
        return ExitCodes.BAD_ARGUMENTS;
    }
}
