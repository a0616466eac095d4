// Parses the global flags with picocli: help, version, and every error message.
package vagga.cli;

import java.io.PrintStream;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import vagga.plan.ExitCodes;

/** Kept apart from {@link Main} so that a plain run never loads picocli (see {@link QuickArgs}). */
final class FullArgs {
    private FullArgs() {}

    /** Full parsing (help, version, errors); returns an exit code when there is nothing more to do. */
    static Integer parse(GlobalOptions options, String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(options);
        cli.setStopAtPositional(true);
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        try {
            cli.parseArgs(args);
        } catch (ParameterException e) {
            err.println("vagga: " + e.getMessage());
            err.println("Try 'vagga --help' for more information.");
            return ExitCodes.BAD_ARGUMENTS;
        }
        if (options.help) {
            cli.usage(out);
            return ExitCodes.OK;
        }
        if (options.version) {
            out.println("vagga " + Version.get());
            return ExitCodes.OK;
        }
        return null;
    }
}
