// vagga's completion protocol: `vagga _compgen WORD... -- CURRENT` prints the words that may come next.
package vagga.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

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

    private record Option(List<String> names, boolean takesValue) {}

    private record Builtin(String name, boolean takesContainer, List<Option> options) {}

    private static Option flag(String... names) {
        return new Option(List.of(names), false);
    }

    private static Option valued(String... names) {
        return new Option(List.of(names), true);
    }

    private static final List<Builtin> BUILTINS = List.of(
            new Builtin("_build", true, List.of(flag("--force"))),
            new Builtin("_build_shell", false, List.of()),
            new Builtin("_clean", false, List.of(flag("--tmp", "--tmp-folders"), flag("--old", "--old-containers"),
                    flag("--unused"), flag("--transient"), flag("--global"), flag("-n", "--dry-run"))),
            new Builtin("_create_netns", false, List.of(flag("--dry-run"), flag("--no-iptables"))),
            new Builtin("_destroy_netns", false, List.of(flag("--dry-run"), flag("--no-iptables"))),
            new Builtin("_init_storage_dir", false, List.of()),
            new Builtin("_list", false, List.of()),
            new Builtin("_pack_image", true, List.of(valued("-f", "--file"))),
            new Builtin("_push_image", true, List.of()),
            new Builtin("_run", true, List.of(flag("-W", "--writable"))),
            new Builtin("_run_in_netns", true, List.of(valued("--pid"))),
            new Builtin("_version_hash", true, List.of(flag("-s", "--short"), flag("-fd3"))),
            new Builtin("_check_overlayfs_support", false, List.of()),
            new Builtin("_base_dir", false, List.of()),
            new Builtin("_relative_work_dir", false, List.of()),
            new Builtin("_update_symlinks", false, List.of(flag("--local-only"), flag("--user-only"))));

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
                    Builtin b = BUILTINS.stream().filter(x -> x.name().equals(word)).findFirst().orElse(null);
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
                BUILTINS.forEach(b -> candidates.add(b.name()));
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
