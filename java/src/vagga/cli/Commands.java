// Finds a command of vagga.yaml by name or alias and runs it.
package vagga.cli;

import java.util.List;
import java.util.Map;

import vagga.config.CapsuleCommandSpec;
import vagga.config.CommandDef;
import vagga.config.CommandSpec;
import vagga.config.Config;
import vagga.config.SuperviseSpec;
import vagga.plan.ExitCodes;

final class Commands {
    private Commands() {}

    /** The command named {@code name}, or the one that lists it in its aliases, or null. */
    static CommandDef find(Config config, String name) {
        CommandDef direct = config.commands().get(name);
        if (direct != null) {
            return direct;
        }
        for (Map.Entry<String, CommandDef> entry : config.commands().entrySet()) {
            if (aliases(entry.getValue()).contains(name)) {
                return entry.getValue();
            }
        }
        return null;
    }

    /**
     * vagga's {@code Command "x" not found and is not an alias}, and ours: a hint line with the
     * nearest command, alias or built-in when one is close.
     */
    static String notFound(Config config, String name) {
        java.util.Set<String> known = new java.util.TreeSet<>();
        for (Builtin b : Builtin.shownIn(Builtin.Shown.HINT, new java.util.ArrayList<>())) {
            known.add(b.command());
        }
        config.commands().forEach((n, def) -> {
            known.add(n);
            known.addAll(aliases(def));
        });
        String hint = vagga.config.Spelling.didYouMean(name, known);
        return "Command \"" + name + "\" not found and is not an alias" + (hint == null ? "" : "\nhint: " + hint);
    }

    /** The name the command is defined under (aliases resolve to it). */
    static String canonicalName(Config config, CommandDef command, String fallback) {
        for (Map.Entry<String, CommandDef> entry : config.commands().entrySet()) {
            if (entry.getValue() == command) {
                return entry.getKey();
            }
        }
        return fallback;
    }

    private static List<String> aliases(CommandDef command) {
        if (command instanceof CommandSpec c && c.aliases() != null) {
            return c.aliases();
        }
        if (command instanceof SuperviseSpec s && s.aliases() != null) {
            return s.aliases();
        }
        return List.of();
    }
}
