// The arguments after `vagga <plain-command>`: appended, refused, the help, or the command's docopt `options:`.
package vagga.plan;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * As vagga's {@code wrapper/commandline.rs} and {@code launcher/simple.rs}: with {@code options:}
 * the words are matched against the docopt text and become {@code VAGGAOPT_*}/{@code VAGGACLI_*}
 * (none reach the command); otherwise, when the command accepts arguments they are appended to
 * its {@code run}; when it does not, an argparse with only {@code -h/--help} reads them: the help
 * exits 0, anything else is refused with 122.
 */
public sealed interface CommandArgs {

    /** Run the command with {@code args} appended and {@code optionVariables} in its environment. */
    record Run(List<String> args, SortedMap<String, String> optionVariables) implements CommandArgs {
        public Run {
            args = List.copyOf(args);
            optionVariables = new TreeMap<>(optionVariables);
        }
    }

    /** Print {@code text} (newline-terminated) to stdout, exit 0. */
    record Help(String text) implements CommandArgs {}

    /** Print {@code text} (newline-terminated) to stderr, exit {@code exitCode} (122, or 121 for docopt). */
    record Invalid(String text, int exitCode) implements CommandArgs {}

    /** Appended to a plain command's {@code options:} text, as vagga's DEFAULT_DOCOPT. */
    String COMMON_OPTIONS = """
            Common options:
              -h, --help           This help
            """;

    static CommandArgs parse(String cmdName, String description, String options, boolean acceptsArguments,
                             List<String> args) {
        if (options != null) {
            return docopt(cmdName, description, options, args);
        }
        if (acceptsArguments) {
            return new Run(args, new TreeMap<>());
        }
        // argparse reads left to right: the first word decides (help, or the first error).
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                if (i + 1 < args.size()) {
                    return invalid(cmdName, "Unexpected argument " + args.get(i + 1));
                }
                continue;
            }
            if (a.equals("--help")) {
                return new Help(helpText(cmdName, description));
            }
            if (a.startsWith("--")) {
                return invalid(cmdName, "Unknown option " + a);
            }
            if (a.startsWith("-") && a.length() > 1) {
                if (a.charAt(1) == 'h') {
                    return new Help(helpText(cmdName, description));
                }
                return invalid(cmdName, "Unknown short option \"" + a.charAt(1) + "\"");
            }
            return invalid(cmdName, "Unexpected argument " + a);
        }
        return new Run(List.of(), new TreeMap<>());
    }

    /** The --help text of a command that takes no arguments (vagga's argparse layout). */
    static String helpText(String cmdName, String description) {
        StringBuilder text = new StringBuilder(SuperviseArgs.usage(cmdName)).append('\n');
        if (description != null && !description.isBlank()) {
            text.append(HelpLayout.wrap(description, HelpLayout.TOTAL_WIDTH, 0)).append("\n\n");
        }
        return text.append("optional arguments:\n")
                .append(HelpLayout.option("-h,--help", "show this help message and exit")).toString();
    }

    private static Invalid invalid(String cmdName, String message) {
        return new Invalid(SuperviseArgs.usage(cmdName) + "vagga " + cmdName + ": " + message + "\n",
                ExitCodes.BAD_ARGUMENTS);
    }

    private static CommandArgs docopt(String cmdName, String description, String options, List<String> args) {
        DocoptCommand.Result r = DocoptCommand.match(cmdName, description, options, COMMON_OPTIONS, args);
        if (r instanceof DocoptCommand.Help h) {
            return new Help(h.text());
        }
        if (r instanceof DocoptCommand.Failed f) {
            return new Invalid(f.text(), ExitCodes.RUNTIME_ERROR);
        }
        return new Run(List.of(), OptionVariables.of(((DocoptCommand.Matched) r).values().values()));
    }
}
