// Parses the common global flags without picocli, so that running a command does not load it.
package vagga.cli;

import java.util.List;

import vagga.image.BuildMode;

/**
 * picocli is the CLI's definition (help, man page, completion, errors), but loading it costs
 * ~165 classes that the class-data-sharing archive cannot hold (Java 5 class files). Plain runs
 * (`vagga CMD ...`, `vagga -E A=b CMD`) are parsed here; anything else (help, version, an unknown or
 * malformed flag) returns null and goes through picocli, which gives the same result.
 */
final class QuickArgs {
    private QuickArgs() {}

    static GlobalOptions parse(String[] args) {
        GlobalOptions o = new GlobalOptions();
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            o.version = true;
            return o;
        }
        int i = 0;
        for (; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-") || a.equals("-")) {
                break;
            }
            switch (a) {
                case "--no-prerequisites" -> o.noPrerequisites = true;
                case "--containers-only" -> o.containersOnly = true;
                case "--ignore-owner-check" -> o.ignoreOwnerCheck = true;
                case "--isolate-network", "--no-network", "--no-net" -> o.isolateNetwork = true;
                case "-m", "--run-multi" -> o.runMulti = true;
                case "--debug" -> o.debug = true;
                case "--prefix" -> o.prefix = true;
                case "--summary" -> o.summaryOn = true;
                case "--no-summary" -> o.summaryOff = true;
                case "--report" -> {
                    if (i + 1 >= args.length) {
                        return null;
                    }
                    o.report = args[++i];
                }
                case "-E", "--env", "--environ", "-e", "--use-env" -> {
                    if (i + 1 >= args.length) {
                        return null;
                    }
                    value(o, a, args[++i]);
                }
                default -> {
                    BuildMode mode = BuildMode.ofOption(a);
                    if (mode != null) {
                        o.buildModeFlag(mode);
                    } else if (!valueForm(o, a)) {
                        return null;
                    }
                }
            }
        }
        o.command.addAll(List.of(args).subList(i, args.length));
        return o;
    }

    /** -EA=b, --environ=A=b, -eNAME, --use-env=NAME; false for anything else. */
    private static boolean valueForm(GlobalOptions o, String a) {
        for (String flag : new String[] {"--environ=", "--env=", "--use-env="}) {
            if (a.startsWith(flag)) {
                value(o, flag, a.substring(flag.length()));
                return true;
            }
        }
        if (a.length() > 2 && (a.startsWith("-E") || a.startsWith("-e"))) {
            value(o, a.substring(0, 2), a.substring(2));
            return true;
        }
        return false;
    }

    private static void value(GlobalOptions o, String flag, String value) {
        if (flag.startsWith("-E") || flag.startsWith("--env")) {
            o.environ.add(value);
        } else {
            o.useEnv.add(value);
        }
    }
}
