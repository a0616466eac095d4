// The arguments after `vagga <supervise-command>`: --only/--exclude, or the command's docopt `options:`.
package vagga.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

import vagga.config.SuperviseSpec;

/** What the arguments ask for: a run, the help text, or an error. */
public sealed interface SuperviseArgs {

    /** Run the children {@code filter} selects, with {@code optionVariables} in every child's environment. */
    record Parsed(ChildFilter filter, SortedMap<String, String> optionVariables) implements SuperviseArgs {
        public Parsed {
            optionVariables = new TreeMap<>(optionVariables);
        }
    }

    /** Print {@code text} (newline-terminated) to stdout, exit 0. */
    record Help(String text) implements SuperviseArgs {}

    /**
     * Print {@code text} (newline-terminated) to stderr, exit {@code exitCode}: 122 for bad
     * arguments of a command without {@code options:}, 121 for a docopt error.
     */
    record Invalid(String text, int exitCode) implements SuperviseArgs {}

    /** vagga's description when the command has none. */
    String DEFAULT_DESCRIPTION = "Run multiple processes simultaneously";

    /** Appended to a command's {@code options:} text; it works when the usage has {@code [options]}. */
    String SUPERVISE_OPTIONS = """
            Supervise options:
              -h, --help           This help
              --only <tag> ...     Only run processes with this name or tag
              --exclude <tag> ...  Don't run processes with this name or tag
            """;

    static SuperviseArgs parse(String cmdName, SuperviseSpec spec, List<String> args) {
        if (spec.options() != null) {
            return parseDocopt(cmdName, spec.description(), spec.options(), args);
        }
        return parsePlain(cmdName, spec.description(), args);
    }

    /** Usage lines printed before an argument error, as vagga's argparse prints them. */
    static String usage(String cmdName) {
        return "Usage:\n    vagga " + cmdName + " [OPTIONS]\n";
    }

    /** The --help text of a supervise command without {@code options:} (vagga's argparse layout). */
    static String helpText(String cmdName, String description) {
        String text = description == null ? DEFAULT_DESCRIPTION : description;
        return usage(cmdName) + "\n"
                + HelpLayout.wrap(text, 79, 0) + "\n"
                + "\n"
                + "optional arguments:\n"
                + HelpLayout.option("-h,--help", "show this help message and exit")
                + HelpLayout.option("--only PROCESS_NAME_OR_TAG",
                        "Only run specified processes. This matches both names and tags")
                + HelpLayout.option("--exclude PROCESS_NAME_OR_TAG",
                        "Don't run specified processes. This excludes both names and tags");
    }

    private static SuperviseArgs parsePlain(String cmdName, String description, List<String> args) {
        List<String> only = new ArrayList<>();
        List<String> exclude = new ArrayList<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                positional.addAll(args.subList(i + 1, args.size()));
                break;
            }
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                String name = eq < 0 ? a : a.substring(0, eq);
                String value = eq < 0 ? null : a.substring(eq + 1);
                List<String> target;
                switch (name) {
                    case "--help" -> {
                        if (value != null) {
                            return invalid(cmdName, "Option --help does not accept an argument");
                        }
                        return new Help(helpText(cmdName, description));
                    }
                    case "--only" -> target = only;
                    case "--exclude" -> target = exclude;
                    default -> {
                        return invalid(cmdName, "Unknown option " + a);
                    }
                }
                if (value != null) {
                    target.add(value);
                    continue;
                }
                // Greedy: every following word up to the next one starting with '-'.
                int start = i + 1;
                while (i + 1 < args.size() && !args.get(i + 1).startsWith("-")) {
                    i++;
                }
                if (i + 1 == start) {
                    return invalid(cmdName, "Option " + name + " requires an argument");
                }
                target.addAll(args.subList(start, i + 1));
            } else if (a.startsWith("-") && a.length() > 1) {
                // -h is the only short option, and the first letter decides, as in argparse.
                if (a.charAt(1) != 'h') {
                    return invalid(cmdName, "Unknown short option \"" + a.charAt(1) + "\"");
                }
                return new Help(helpText(cmdName, description));
            } else {
                positional.add(a);
            }
        }
        // Like argparse, options are checked first, stray words after.
        if (!positional.isEmpty()) {
            return invalid(cmdName, "Unexpected argument " + positional.get(0));
        }
        return new Parsed(new ChildFilter(only, exclude), new TreeMap<>());
    }

    private static Invalid invalid(String cmdName, String message) {
        return new Invalid(usage(cmdName) + "vagga " + cmdName + ": " + message + "\n", ExitCodes.BAD_ARGUMENTS);
    }

    private static SuperviseArgs parseDocopt(String cmdName, String description, String options, List<String> args) {
        DocoptCommand.Result r = DocoptCommand.match(cmdName, description, options, SUPERVISE_OPTIONS, args);
        if (r instanceof DocoptCommand.Help h) {
            return new Help(h.text());
        }
        if (r instanceof DocoptCommand.Failed f) {
            return new Invalid(f.text(), ExitCodes.RUNTIME_ERROR);
        }
        Docopt.Matched m = ((DocoptCommand.Matched) r).values();
        ChildFilter filter = new ChildFilter(words(m.get("--only")), words(m.get("--exclude")));
        return new Parsed(filter, OptionVariables.of(m.values()));
    }

    private static List<String> words(DocoptValue v) {
        return v == null ? List.of() : v.words();
    }
}
