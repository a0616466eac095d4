// Runs commands of vagga.yaml: their prerequisites first, then each supervise or plain command.
package vagga.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import vagga.config.CapsuleCommandSpec;
import vagga.config.CommandDef;
import vagga.config.CommandSpec;
import vagga.config.Config;
import vagga.config.ConfigException;
import vagga.config.Settings;
import vagga.config.SuperviseSpec;
import vagga.launch.Environment;
import vagga.plan.CommandArgs;
import vagga.plan.ExitCodes;
import vagga.plan.LinePrefix;
import vagga.plan.Prerequisites;
import vagga.plan.RunPlan;
import vagga.plan.SuperviseArgs;
import vagga.runtime.ChildLaunch;
import vagga.runtime.PersistentInit;
import vagga.runtime.Supervisor;

final class Runs {
    private Runs() {}

    /** One command of the run, its arguments read: a supervise plan or a plain command's arguments. */
    private record Step(String name, RunPlan plan, CommandSpec plain, CommandArgs.Run args) {}

    /**
     * As vagga's {@code launcher/user.rs}: the commands given (one, or several with {@code -m}) and
     * their prerequisites in one order (each prerequisite once); every command's arguments are read
     * first ({@code lastArgs} belong to the last), then every container is built, then the commands
     * run in turn until one fails.
     */
    static int runAll(Invocation inv, Config loaded, List<String> names, List<String> lastArgs) {
        Config config = Capsule.withCapsules(loaded);
        ChildLaunch.Context ctx;
        try {
            ctx = context(inv, config);
        } catch (IllegalArgumentException e) {
            inv.err().println("vagga: -E/--environ: " + e.getMessage());
            return ExitCodes.BAD_ARGUMENTS;
        }
        List<String> given = new ArrayList<>();
        for (String name : names) {
            CommandDef def = Commands.find(config, name);
            if (def == null) {
                inv.err().println(Commands.notFound(config, name));
                return ExitCodes.RUNTIME_ERROR;
            }
            given.add(Commands.canonicalName(config, def, name));
        }
        List<String> order = inv.options().noPrerequisites ? given
                : Prerequisites.order(given, new java.util.function.Function<String, List<String>>() {
                    @Override
                    public List<String> apply(String name) { // not a lambda: see Supervisor
                        return prerequisitesOf(config, name);
                    }
                });
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            String name = order.get(i);
            List<String> args = i == order.size() - 1 ? lastArgs : List.of();
            CommandDef def = Commands.find(config, name);
            if (def == null) {
                inv.err().println(Commands.notFound(config, name));
                return ExitCodes.RUNTIME_ERROR;
            }
            if (def instanceof CapsuleCommandSpec capsule) {
                // a plain command in its capsule (Capsule.withCapsules added the capsule's container)
                def = Capsule.asCommand(name, capsule, inv.env());
            }
            if (def instanceof SuperviseSpec supervise) {
                PlanOrExit planned = plan(inv, name, supervise, args);
                if (planned.plan() == null) {
                    return planned.exitCode();
                }
                steps.add(new Step(name, planned.plan(), null, null));
            } else {
                CommandSpec plain = (CommandSpec) def;
                CommandArgs parsed = CommandArgs.parse(name, plain.description(), plain.options(),
                        plain.acceptsArguments(), args);
                if (parsed instanceof CommandArgs.Help help) {
                    inv.out().print(help.text());
                    return ExitCodes.OK;
                }
                if (parsed instanceof CommandArgs.Invalid invalid) {
                    inv.err().print(invalid.text());
                    return invalid.exitCode();
                }
                steps.add(new Step(name, null, plain, (CommandArgs.Run) parsed));
            }
        }
        // a supervise's own --no-build/--no-version-check/--no-image-download (read by plan) count too
        ctx = context(inv, config);
        try {
            Settings settings = Settings.forRun(inv.env(), config.projectRoot());
            for (String name : order) {
                SystemCheck.check(inv, Commands.find(config, name), settings);
            }
        } catch (ConfigException e) {
            Dispatch.printProblems(inv.err(), e);
            return ExitCodes.CONFIG_ERROR;
        }
        Map<String, java.nio.file.Path> roots = new LinkedHashMap<>();
        for (Step step : steps) {
            SortedMap<String, CommandSpec> children = step.plan() != null ? step.plan().children()
                    : new TreeMap<>(Map.of(step.name(), step.plain()));
            int built = ChildLaunch.buildContainers(ctx, children, roots);
            if (built != ExitCodes.OK) {
                return built;
            }
        }
        if (inv.options().containersOnly) {
            return ExitCodes.OK;
        }
        // before the commands, which may run for hours: the next start finds the caches (CacheWrites)
        vagga.config.CacheWrites.flush();
        Supervisor.Prefixing prefixing = null;
        try {
            if (prefixWanted(inv, config)) {
                prefixing = Supervisor.Prefixing.forStdout(inv.env().get("NO_COLOR"));
            }
        } catch (ConfigException e) {
            Dispatch.printProblems(inv.err(), e);
            return ExitCodes.CONFIG_ERROR;
        }
        for (Step step : steps) {
            int code = step.plan() != null ? ChildLaunch.supervise(ctx, step.plan(), prefixing,
                    Supervisor.Report.of(step.name(), inv.options().summary(),
                            inv.options().report == null ? null : inv.cwd().resolve(inv.options().report)), roots)
                    : ChildLaunch.command(ctx, step.name(), step.plain(), step.args().args(),
                            step.args().optionVariables(), roots);
            if (code != ExitCodes.OK) {
                return code;
            }
        }
        return ExitCodes.OK;
    }

    /** --prefix, VAGGA_PREFIX=1, or the setting prefix-output (read only when the other two are absent). */
    private static boolean prefixWanted(Invocation inv, Config config) throws ConfigException {
        if (LinePrefix.wanted(inv.options().prefix, inv.env().get("VAGGA_PREFIX"), false)) {
            return true;
        }
        return Settings.forRun(inv.env(), config.projectRoot()).prefixOutput();
    }

    private static ChildLaunch.Context context(Invocation inv, Config config) {
        return new ChildLaunch.Context(config, inv.cwd(), caller(inv, config), inv.options().isolateNetwork, inv.out(),
                inv.err(), new ProgressLines(inv.err()), inv.options().buildMode());
    }

    /** The caller's environment with -e and -E. */
    static Environment.Caller caller(Invocation inv, Config config) {
        Map<String, String> set = new LinkedHashMap<>();
        for (String setting : inv.options().environ) {
            Map.Entry<String, String> e = Environment.parseSetting(setting);
            set.put(e.getKey(), e.getValue());
        }
        Environment.Caller caller = Environment.Caller.of(inv.env(), inv.options().useEnv, set);
        try {
            return caller.with(Settings.forRun(inv.env(), config.projectRoot()));
        } catch (ConfigException e) {
            return caller; // reported (126) by Dispatch before any command runs
        }
    }

    /** A supervise's plan, or (plan null) the exit code after its help or error was printed. */
    record PlanOrExit(RunPlan plan, int exitCode) {}

    /** Reads a supervise's arguments (--only/--exclude or its options:) as a run does. */
    static PlanOrExit plan(Invocation inv, String name, SuperviseSpec supervise, List<String> args) {
        List<String> rest = args;
        if (supervise.options() == null) {
            // vagga's supervise parser takes the build-mode flags too (build_mode(&mut ap, ...))
            rest = new ArrayList<>();
            boolean positional = false;
            for (String a : args) {
                positional |= a.equals("--");
                vagga.image.BuildMode mode = positional ? null : vagga.image.BuildMode.ofOption(a);
                if (mode != null) {
                    inv.options().buildModeFlag(mode);
                } else {
                    rest.add(a);
                }
            }
        }
        SuperviseArgs parsed = SuperviseArgs.parse(name, supervise, rest);
        if (parsed instanceof SuperviseArgs.Help help) {
            inv.out().print(help.text());
            return new PlanOrExit(null, ExitCodes.OK);
        }
        if (parsed instanceof SuperviseArgs.Invalid invalid) {
            inv.err().print(invalid.text());
            return new PlanOrExit(null, invalid.exitCode());
        }
        RunPlan.Result result = RunPlan.of(name, supervise, (SuperviseArgs.Parsed) parsed);
        if (result instanceof RunPlan.UnknownNames unknown) {
            for (String line : unknown.lines()) {
                inv.err().println(line);
            }
            return new PlanOrExit(null, unknown.exitCode());
        }
        if (result instanceof RunPlan.NothingSelected nothing) {
            inv.err().println(nothing.message());
            return new PlanOrExit(null, nothing.exitCode());
        }
        return new PlanOrExit(((RunPlan.Planned) result).plan(), ExitCodes.OK);
    }

    /**
     * A command's own prerequisites; a supervise's also those of its children (as vagga); then the
     * init commands of the !Persistent volumes they mount that do not exist yet (vagga's scan).
     */
    private static List<String> prerequisitesOf(Config config, String name) {
        CommandDef def = Commands.find(config, name);
        List<String> all = new ArrayList<>();
        if (def instanceof CommandSpec c) {
            if (c.prerequisites() != null) {
                all.addAll(c.prerequisites());
            }
            all.addAll(PersistentInit.initCommands(config.projectRoot(), config.containers().get(c.container()), c));
        } else if (def instanceof SuperviseSpec s) {
            if (s.prerequisites() != null) {
                all.addAll(s.prerequisites());
            }
            for (CommandSpec child : s.children().values()) {
                if (child.prerequisites() != null) {
                    all.addAll(child.prerequisites());
                }
                all.addAll(PersistentInit.initCommands(config.projectRoot(),
                        config.containers().get(child.container()), child));
            }
        }
        return all;
    }
}
