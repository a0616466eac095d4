// The hidden built-in `vagga _compgen`: vagga's protocol (WORDS... -- CURRENT), or ours: `_compgen CMD` lists a supervise's children and tags.
package vagga.cli;

import java.io.PrintStream;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import vagga.config.CommandDef;
import vagga.config.CommandSpec;
import vagga.config.Config;
import vagga.config.SuperviseSpec;
import vagga.plan.ExitCodes;

final class Completion {
    private Completion() {}

    /**
     * Prints the words `--only`/`--exclude` accept for {@code args.get(0)} (a command name or alias):
     * the child names in start order, then the tags not already printed, one per line. Prints nothing
     * and returns 121 when the command is unknown or not a !Supervise (the shell then offers nothing).
     */
    static int run(Config config, List<String> args, PrintStream out) {
        if (args.isEmpty() || args.contains("--")) {
            return VaggaCompletion.run(config, args, out);
        }
        if (args.size() != 1) {
            return ExitCodes.BAD_ARGUMENTS;
        }
        SuperviseSpec supervise = find(config, args.get(0));
        if (supervise == null) {
            return ExitCodes.RUNTIME_ERROR;
        }
        Set<String> words = new LinkedHashSet<>(supervise.children().keySet());
        for (CommandSpec child : supervise.children().values()) {
            if (child.tags() != null) {
                words.addAll(child.tags());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String word : words) {
            text.append(word).append('\n');
        }
        out.print(text);
        out.flush();
        return ExitCodes.OK;
    }

    private static SuperviseSpec find(Config config, String name) {
        CommandDef direct = config.commands().get(name);
        if (direct instanceof SuperviseSpec s) {
            return s;
        }
        for (Map.Entry<String, CommandDef> entry : config.commands().entrySet()) {
            if (entry.getValue() instanceof SuperviseSpec s && s.aliases() != null
                    && s.aliases().contains(name)) {
                return s;
            }
        }
        return null;
    }
}
