// Picks what to run: the command list, a built-in (_list, _build, ...) or a command of vagga.yaml.
package vagga.cli;

import java.io.PrintStream;
import java.util.List;

import vagga.config.CommandDef;
import vagga.config.Config;
import vagga.config.ConfigException;
import vagga.config.ConfigLoader;
import vagga.config.Settings;
import vagga.plan.ExitCodes;

final class Dispatch {
    private Dispatch() {}

    static int run(Invocation given) {
        Invocation inv = given;
        String showCommands = inv.env().get("VAGGA_DEBUG_CMDENV");
        vagga.launch.Launcher.showCommandsTo(showCommands == null || showCommands.isEmpty() ? null : inv.err()::println);
        Config config;
        try {
            config = ConfigLoader.load(inv.cwd());
        } catch (ConfigException e) {
            printProblems(inv.err(), e);
            return ExitCodes.CONFIG_ERROR;
        }
        for (String warning : config.warnings()) {
            inv.err().println("vagga: warning: " + warning);
        }
        Settings settings;
        try {
            settings = Settings.forRun(inv.env(), config.projectRoot());
        } catch (ConfigException e) {
            printProblems(inv.err(), e);
            return ExitCodes.CONFIG_ERROR;
        }
        for (String warning : settings.warnings()) {
            inv.err().println("vagga: warning: " + warning);
        }
        String symlinked = null;
        if (inv.options().symlinkCommand != null) {
            String[] args = inv.options().symlinkArgs;
            if (settings.runSymlinksAsCommands()) {
                symlinked = Symlinks.commandFor(config, inv.options().symlinkCommand);
                if (symlinked == null) {
                    inv.err().println("Can't find command \"" + inv.options().symlinkCommand + "\"");
                    return ExitCodes.NOTHING_TO_RUN;
                }
                GlobalOptions plain = new GlobalOptions();
                plain.command.add(symlinked);
                plain.command.addAll(List.of(args));
                inv = new Invocation(plain, inv.out(), inv.err(), inv.cwd(), inv.env(), inv.debug());
            } else {
                // the setting is off: the arguments are vagga's own, as when called as vagga
                GlobalOptions parsed = QuickArgs.parse(args);
                if (parsed == null || parsed.version) {
                    parsed = new GlobalOptions();
                    Integer done = FullArgs.parse(parsed, args, inv.out(), inv.err());
                    if (done != null) {
                        return done;
                    }
                }
                inv = new Invocation(parsed, inv.out(), inv.err(), inv.cwd(), inv.env(), inv.debug());
            }
        }
        List<String> words = inv.positionals();
        if (!inv.options().ignoreOwnerCheck && wrongOwner(config)) {
            inv.err().println("You should not run vagga as root (see http://bit.ly/err_root)");
            return ExitCodes.BAD_ARGUMENTS;
        }
        for (String name : inv.options().useEnv) {
            if (name.contains("=")) {
                // vagga checks this before it looks the command up, with this wording and 126
                inv.err().println("Error propagating environment: Environment variable name (for option `-e`/"
                        + "`--use-env`) can't contain equals `=` character. To set key-value pair use `-E`/"
                        + "`--environ` option");
                return ExitCodes.CONFIG_ERROR;
            }
        }
        if (words.isEmpty()) {
            CommandList.print(config, inv.err());
            return ExitCodes.NOTHING_TO_RUN;
        }
        if (inv.options().runMulti) {
            return Runs.runAll(inv, config, words, List.of());
        }
        if (symlinked != null) {
            return Runs.runAll(inv, config, List.of(symlinked), words.subList(1, words.size()));
        }
        return runCommand(inv, config, words.get(0), words.subList(1, words.size()));
    }

    private static int runCommand(Invocation inv, Config config, String name, List<String> args) {
        // a built-in wins over a command of vagga.yaml with the same name, as in vagga
        Builtin builtin = name.startsWith("_") ? Builtin.find(name) : null;
        if (builtin != null) {
            return builtin.run(inv, config, args);
        }
        CommandDef command = Commands.find(config, name);
        if (command == null) {
            inv.err().println(Commands.notFound(config, name));
            return ExitCodes.RUNTIME_ERROR;
        }
        return Runs.runAll(inv, config, List.of(name), args);
    }

    /** vagga's owner check: root running in a project directory that belongs to someone else. */
    private static boolean wrongOwner(Config config) {
        try {
            int owner = (Integer) java.nio.file.Files.getAttribute(config.projectRoot(), "unix:uid");
            int self = (Integer) java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"), "unix:uid");
            return self == 0 && owner != 0;
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    static String relativeWorkDir(Invocation inv, Config config) {
        java.nio.file.Path rel = config.projectRoot().relativize(inv.cwd());
        return rel.toString();
    }

    static void printProblems(PrintStream err, ConfigException e) {
        for (String line : e.problems()) {
            err.println(line);
        }
        err.flush();
    }
}
