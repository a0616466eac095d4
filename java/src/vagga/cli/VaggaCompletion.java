// vagga's completion protocol: `vagga _compgen WORD... -- CURRENT` prints the words that may come next.
package vagga.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import vagga.cli.Builtin.Option;
import vagga.config.Config;
import vagga.plan.ExitCodes;

/**
 * As vagga's {@code launcher/completion.rs}: the words typed so far move a small state machine
 * (global options and their values, then a command; a built-in's options and its container), and
 * the candidates of the state reached that start with CURRENT are printed one a line: commands
 * and global options first (built-ins only once CURRENT starts with "_"), a built-in's containers
 * (when it takes one) and options; nothing after a command of vagga.yaml.
 */
final class VaggaCompletion {
    private VaggaCompletion() {}

    private static Option valued(String... names) {
        return new Option(List.of(names), true);
    }

    private static Option flag(String... names) {
        return new Option(List.of(names), false);
    }

    /** The built-ins completion offers, in vagga's order (the table's). */
    private static final List<Builtin> BUILTINS = Builtin.shownIn(Builtin.Shown.COMPLETION, new ArrayList<>());

    private static final List<Option> GLOBAL = List.of(valued("-E", "--env", "--environ"),
            valued("-e", "--use-env"), flag("--ignore-owner-check"), flag("--no-build"), flag("--no-version-check"));

    static int run(Config config, List<String> args, PrintStream out) {
        int dash = args.indexOf("--");
        List<String> words = dash < 0 ? args : args.subList(0, dash);
        String current = dash < 0 || dash + 1 >= args.size() ? "" : args.get(dash + 1);
        List<String> commands = new ArrayList<>(new TreeSet<>(config.commands().keySet()));
        List<String> containers = new ArrayList<>(new TreeSet<>(config.containers().keySet()));
        // states: 0 global/command, 1 a global option's value, 2 a built-in's options or container,
        // 3 a built-in option's value, 4 the command's own arguments
        int state = 0;
        Builtin builtin = null;
        for (String word : words) {
            switch (state) {
                case 0 -> {
                    Builtin b = BUILTINS.stream().filter(x -> x.command().equals(word)).findFirst().orElse(null);
                    if (b != null) {
                        builtin = b;
                        state = 2;
                    } else if (commands.contains(word)) {
                        state = 4;
                    } else if (GLOBAL.stream().anyMatch(o -> o.takesValue() && o.names().contains(word))) {
                        state = 1;
                    }
                }
                case 1 -> state = 0;
                case 2 -> {
                    Option o = builtin.options().stream().filter(x -> x.names().contains(word)).findFirst()
                            .orElse(null);
                    state = o == null ? 4 : o.takesValue() ? 3 : 2;
                }
                case 3 -> state = 2;
                default -> { }
            }
        }
        List<String> candidates = new ArrayList<>();
        if (state == 0) {
            candidates.addAll(commands);
            if (current.startsWith("_")) {
                BUILTINS.forEach(b -> candidates.add(b.command()));
            }
            GLOBAL.forEach(o -> candidates.addAll(o.names()));
        } else if (state == 2) {
            if (builtin.takesContainer()) {
                candidates.addAll(containers);
            }
            builtin.options().forEach(o -> candidates.addAll(o.names()));
        }
        StringBuilder text = new StringBuilder();
        for (String c : candidates) {
            if (c.startsWith(current)) {
                text.append(c).append('\n');
            }
        }
        out.print(text);
        out.flush();
        return ExitCodes.OK;
    }
}
