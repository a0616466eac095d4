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

    private static void print(Config config, PrintStream stream, boolean withHeader, boolean hidden) {
        StringBuilder text = new StringBuilder();
        if (withHeader) {
            text.append("Available commands:\n");
        }
        for (Map.Entry<String, CommandDef> entry : config.commands().entrySet()) {
            String name = entry.getKey();
            if (name.startsWith("_") && !hidden) {
                continue;
            }
            text.append("    ").append(name);
            String description = entry.getValue().description();
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
        stream.print(text);
        stream.flush();
    }
}
