// The command list of bare `vagga` (help, stderr) and `vagga _list` (stdout), in vagga's layout.
package vagga.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import vagga.config.CommandDef;
import vagga.config.CommandSpec;
import vagga.config.Config;
import vagga.config.SuperviseSpec;
import vagga.plan.ExitCodes;

/**
 * As vagga's {@code src/launcher/list.rs}: commands sorted by name (vagga keeps them in a sorted
 * map, whatever the file order), the name padded to 19 columns and a space, a long name on its own
 * line; a description of several lines keeps every line, each continued under the column (vagga
 * writes the continuation indent after every line, also the last: we keep that, trailing blanks
 * and all, so scripts that compare vagga's output see the same bytes).
 */
final class CommandList {
    private CommandList() {}

    private static final String USAGE = "Usage:\n  vagga _list [OPTIONS]\n";

    /** The code vagga's argparse gives a bad argument of `_list` (vagga returns it as it is). */
    private static final int ARGPARSE_ERROR = 2;

    private static final String HELP = USAGE + "\n"
            + "Optional arguments:\n"
            + "  -h,--help             Show this help message and exit\n"
            + "  --containers          Show containers instead of commands\n"
            + "  -A,--all              Show all commands\n"
            + "  --builtin             Show built-in commands (starting with underscore)\n"
            + "  --hidden              Show hidden commands\n"
            + "  --zsh                 Use zsh completion compatible format\n"
            + "  --no-aliases          Do not show command aliases\n"
            + "  -v,--verbose          Verbose output (show source files for containers and\n"
            + "                        commands)\n";

    /** `vagga _list [--containers] [-A|--all] [--builtin] [--hidden] [--zsh] [--no-aliases]`. */
    static int list(Config config, List<String> args, PrintStream out, PrintStream err) {
        boolean containers = false;
        boolean builtin = false;
        boolean hidden = false;
        boolean zsh = false;
        boolean aliases = true;
        boolean verbose = false;
        for (String a : args) {
            switch (a) {
                case "--containers" -> containers = true;
                case "-A", "--all" -> {
                    builtin = true;
                    hidden = true;
                }
                case "--builtin" -> builtin = true;
                case "--hidden" -> hidden = true;
                case "--zsh" -> zsh = true;
                case "--no-aliases" -> aliases = false;
                case "-v", "--verbose" -> verbose = true;
                case "-h", "--help" -> {
                    out.print(HELP);
                    out.flush();
                    return ExitCodes.OK;
                }
                default -> {
                    // vagga's argparse: the usage, its message, exit 2
                    err.print(USAGE);
                    err.println("vagga _list: " + (a.startsWith("--") ? "Unknown option " + a
                            : a.startsWith("-") && a.length() > 1 ? "Unknown short option \"" + a.charAt(1) + "\""
                            : "Unexpected argument " + a));
                    err.flush();
                    return ARGPARSE_ERROR;
                }
            }
        }
        StringBuilder text = new StringBuilder();
        if (containers) {
            for (Map.Entry<String, vagga.config.Container> c : new TreeMap<>(config.containers()).entrySet()) {
                text.append(c.getKey()).append('\n');
                if (verbose) {
                    text.append(source(config, c.getValue().position(), null));
                }
            }
            out.print(text);
            out.flush();
            return ExitCodes.OK;
        }
        List<String[]> rows = new ArrayList<>();
        for (Map.Entry<String, CommandDef> entry : sorted(config).entrySet()) {
            String description = Objects.requireNonNullElse(entry.getValue().description(), "");
            String from = source(config, entry.getValue().position(), null);
            rows.add(new String[] {entry.getKey(), description, from});
            if (aliases) {
                for (String alias : aliases(config, entry.getValue())) {
                    rows.add(new String[] {alias, description, source(config, entry.getValue().position(), entry.getKey())});
                }
            }
        }
        if (builtin || hidden) {
            // vagga lists its built-ins with every `_` command (--hidden as --all)
            for (Builtin b : Builtin.listed()) {
                rows.add(new String[] {b.command(), b.description(), " ".repeat(20) + "(from \"<builtins>\")\n"});
            }
        }
        for (String[] row : rows) {
            String name = row[0];
            if (name.startsWith("_") && !hidden && !(builtin && isBuiltin(name))) {
                continue;
            }
            if (zsh) {
                List<String> lines = lines(row[1]);
                text.append(name).append(':').append(lines.isEmpty() ? "" : lines.get(0)).append('\n');
            } else {
                text.append(name);
                pad(text, name, 20);
                describe(text, row[1], 20);
                text.append('\n');
                if (verbose && row.length > 2) {
                    text.append(row[2]);
                }
            }
        }
        out.print(text);
        out.flush();
        return ExitCodes.OK;
    }

    /** `_list -v`: vagga's line naming the file a command or container comes from (and, for an alias, its command). */
    private static String source(Config config, vagga.config.Position at, String aliasOf) {
        if (at == null || at.line() == 0) {
            return "";
        }
        java.nio.file.Path file = config.projectRoot().resolve(at.file()).normalize();
        return " ".repeat(20) + "(from \"" + file + "\"" + (aliasOf == null ? "" : ":" + aliasOf) + ")\n";
    }

    private static boolean isBuiltin(String name) {
        Builtin b = Builtin.find(name);
        return b != null && b.shownIn(Builtin.Shown.LIST);
    }

    /**
     * Bare `vagga`: commands under their `group:` title, groups in the order they first appear
     * among the sorted commands ("Available commands" for those without one), each with its
     * aliases, as vagga's help.
     */
    static void print(Config config, PrintStream stream) {
        StringBuilder text = new StringBuilder();
        Map<String, CommandDef> commands = sorted(config);
        List<String> groups = new ArrayList<>();
        for (CommandDef command : commands.values()) {
            String group = group(command);
            if (!groups.contains(group)) {
                groups.add(group);
            }
        }
        for (int g = 0; g < groups.size(); g++) {
            String group = groups.get(g);
            if (g > 0) {
                text.append('\n');
            }
            text.append(group == null ? "Available commands" : group).append(":\n");
            for (Map.Entry<String, CommandDef> entry : commands.entrySet()) {
                String name = entry.getKey();
                if (name.startsWith("_") || !Objects.equals(group, group(entry.getValue()))) {
                    continue;
                }
                text.append("    ").append(name);
                String description = entry.getValue().description();
                if (description != null) {
                    pad(text, name, 24);
                    describe(text, description, 24);
                }
                List<String> aliases = aliases(config, entry.getValue());
                if (!aliases.isEmpty()) {
                    text.append('\n').append(" ".repeat(24)).append("(aliases: ")
                            .append(String.join(", ", aliases)).append(')');
                }
                text.append('\n');
            }
        }
        stream.print(text);
        stream.flush();
    }

    private static Map<String, CommandDef> sorted(Config config) {
        return new TreeMap<>(config.commands());
    }

    /** After the name: spaces up to the column, or a new line and the column's indent for a long name. */
    private static void pad(StringBuilder text, String name, int column) {
        if (name.length() > 19) {
            text.append('\n').append(" ".repeat(column));
        } else {
            text.append(" ".repeat(19 - name.length() + 1));
        }
    }

    /** The description; one of several lines: every line followed by a new line and the column's indent. */
    private static void describe(StringBuilder text, String description, int column) {
        if (description.contains("\n")) {
            for (String line : lines(description)) {
                text.append(line).append('\n').append(" ".repeat(column));
            }
        } else {
            text.append(description);
        }
    }

    private static String group(CommandDef command) {
        if (command instanceof CommandSpec c) {
            return c.group();
        }
        if (command instanceof SuperviseSpec s) {
            return s.group();
        }
        return null;
    }

    /** The aliases that are not also command names (as vagga lists them). */
    private static List<String> aliases(Config config, CommandDef command) {
        List<String> list = command instanceof CommandSpec c ? c.aliases()
                : command instanceof SuperviseSpec s ? s.aliases() : null;
        if (list == null) {
            return List.of();
        }
        List<String> shown = new ArrayList<>();
        for (String alias : list) {
            if (!config.commands().containsKey(alias)) {
                shown.add(alias);
            }
        }
        return shown;
    }

    /** As String.lines() (a line ends at \n, \r or \r\n; no empty last line), without a stream. */
    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                lines.add(text.substring(start, i));
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < n) {
            lines.add(text.substring(start));
        }
        return lines;
    }
}
