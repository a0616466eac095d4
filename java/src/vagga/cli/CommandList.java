// The command list of bare `vagga` and `vagga _list` (SPEC 2.1).
package vagga.cli;

import java.io.PrintStream;
import java.util.Map;

import vagga.config.CommandDef;
import vagga.config.Config;

final class CommandList {
    private CommandList() {}

    private static final String BUILTINS = """
            _build              Build a container
            _run                Run arbitrary command, optionally building container
            _clean              Clean containers and build artifacts
            _list               List of built-in commands
            _version_hash       Print the version hash of a container
            _base_dir           Print the project root directory
            _relative_work_dir  Print the current directory relative to the project root
            """;

    /** `vagga _list [--containers] [-A|--all] [--builtin] [--hidden]`, as vagga's. */
    static int list(Config config, java.util.List<String> args, PrintStream out, PrintStream err) {
        boolean containers = false;
        boolean builtin = false;
        boolean hidden = false;
        for (String a : args) {
            switch (a) {
                case "--containers" -> containers = true;
                case "-A", "--all" -> {
                    builtin = true;
                    hidden = true;
                }
                case "--builtin" -> builtin = true;
                case "--hidden" -> hidden = true;
                case "-h", "--help" -> {
                    out.println("Usage: vagga _list [--containers] [-A|--all] [--builtin] [--hidden]");
                    return 0;
                }
                default -> {
                    err.println("Usage: vagga _list [--containers] [-A|--all] [--builtin] [--hidden]");
                    err.println("vagga _list: unexpected argument \"" + a + "\"");
                    return vagga.plan.ExitCodes.BAD_ARGUMENTS;
                }
            }
        }
        if (containers) {
            config.containers().keySet().forEach(out::println);
            out.flush();
            return 0;
        }
        print(config, out, false, hidden);
        if (builtin) {
            BUILTINS.lines().forEach(line -> out.println("    " + line));
        }
        out.flush();
        return 0;
    }

    static void print(Config config, PrintStream stream, boolean withHeader) {
        print(config, stream, withHeader, false);
    }

    /**
     * Bare `vagga` (withHeader): commands under their `group:` title, groups in order of first
     * appearance ("Available commands:" for those without one), each with its aliases, as vagga's
     * help. `_list`: one line per command and per alias (what completion reads).
     */
    private static void print(Config config, PrintStream stream, boolean withHeader, boolean hidden) {
        StringBuilder text = new StringBuilder();
        if (!withHeader) {
            for (Map.Entry<String, CommandDef> entry : config.commands().entrySet()) {
                String name = entry.getKey();
                if (!name.startsWith("_") || hidden) {
                    line(text, name, entry.getValue().description());
                }
                for (String alias : aliases(config, entry.getValue())) {
                    if (!alias.startsWith("_") || hidden) {
                        line(text, alias, entry.getValue().description());
                    }
                }
            }
            stream.print(text);
            stream.flush();
            return;
        }
        java.util.List<String> groups = new java.util.ArrayList<>();
        for (CommandDef command : config.commands().values()) {
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
            for (Map.Entry<String, CommandDef> entry : config.commands().entrySet()) {
                String name = entry.getKey();
                if (name.startsWith("_") || !java.util.Objects.equals(group, group(entry.getValue()))) {
                    continue;
                }
                line(text, name, entry.getValue().description());
                java.util.List<String> aliases = aliases(config, entry.getValue());
                if (!aliases.isEmpty()) {
                    text.setLength(text.length() - 1);
                    text.append('\n').append(" ".repeat(24)).append("(aliases: ")
                            .append(String.join(", ", aliases)).append(")\n");
                }
            }
        }
        stream.print(text);
        stream.flush();
    }

    /** "    name" + description's first line in the column (vagga's layout), newline-terminated. */
    private static void line(StringBuilder text, String name, String description) {
        text.append("    ").append(name);
        if (description != null && !description.isBlank()) {
            String first = description.strip().lines().findFirst().orElse("");
            if (name.length() > 19) {
                // vagga puts a long name on its own line and the description under the column.
                text.append('\n').append(" ".repeat(24));
            } else {
                text.append(" ".repeat(20 - name.length()));
            }
            text.append(first);
        }
        text.append('\n');
    }

    private static String group(CommandDef command) {
        if (command instanceof vagga.config.CommandSpec c) {
            return c.group();
        }
        if (command instanceof vagga.config.SuperviseSpec s) {
            return s.group();
        }
        return null;
    }

    /** The aliases that are not also command names (as vagga lists them). */
    private static java.util.List<String> aliases(Config config, CommandDef command) {
        java.util.List<String> list = command instanceof vagga.config.CommandSpec c ? c.aliases()
                : command instanceof vagga.config.SuperviseSpec s ? s.aliases() : null;
        if (list == null) {
            return java.util.List.of();
        }
        return list.stream().filter(a -> !config.commands().containsKey(a)).toList();
    }
}
