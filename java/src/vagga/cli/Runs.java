// Runs a command of vagga.yaml: its prerequisites first, then the supervise or the plain command.
package vagga.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import vagga.config.CommandDef;
import vagga.config.CommandSpec;
import vagga.config.Config;
import vagga.config.SuperviseSpec;
import vagga.plan.ChildEnvironment;
import vagga.plan.ExitCodes;
import vagga.plan.RunPlan;
import vagga.plan.SuperviseArgs;
import vagga.runtime.ChildLaunch;

final class Runs {
    private Runs() {}

    static int run(Main.Invocation inv, Config config, String name, CommandDef command, List<String> args,
                   boolean withPrerequisites) {
        ChildLaunch.Context ctx;
        try {
            ctx = context(inv, config);
        } catch (IllegalArgumentException e) {
            inv.err().println("vagga: -E/--environ: " + e.getMessage());
            return ExitCodes.BAD_ARGUMENTS;
        }
        if (command instanceof SuperviseSpec supervise) {
            SuperviseArgs parsed = SuperviseArgs.parse(name, supervise, args);
            if (parsed instanceof SuperviseArgs.Help help) {
                inv.out().print(help.text());
                return ExitCodes.OK;
            }
            if (parsed instanceof SuperviseArgs.Invalid invalid) {
                inv.err().print(invalid.text());
                return invalid.exitCode();
            }
            RunPlan.Result result = RunPlan.of(name, supervise, (SuperviseArgs.Parsed) parsed);
            if (result instanceof RunPlan.UnknownNames unknown) {
                unknown.lines().forEach(inv.err()::println);
                return unknown.exitCode();
            }
            if (result instanceof RunPlan.NothingSelected nothing) {
                inv.err().println(nothing.message());
                return nothing.exitCode();
            }
            RunPlan plan = ((RunPlan.Planned) result).plan();
            if (inv.options().containersOnly) {
                return ChildLaunch.buildContainers(ctx, plan.children(), new LinkedHashMap<>());
            }
            int pre = withPrerequisites ? prerequisites(inv, config, name) : ExitCodes.OK;
            if (pre != ExitCodes.OK) {
                return pre;
            }
            return ChildLaunch.supervise(ctx, plan);
        }
        CommandSpec plain = (CommandSpec) command;
        if (inv.options().containersOnly) {
            return ChildLaunch.buildContainers(ctx, new java.util.TreeMap<>(Map.of(name, plain)),
                    new LinkedHashMap<>());
        }
        int pre = withPrerequisites ? prerequisites(inv, config, name) : ExitCodes.OK;
        if (pre != ExitCodes.OK) {
            return pre;
        }
        return ChildLaunch.command(ctx, name, plain, args);
    }

    private static ChildLaunch.Context context(Main.Invocation inv, Config config) {
        Map<String, String> set = new LinkedHashMap<>();
        for (String setting : inv.options().environ) {
            Map.Entry<String, String> e = ChildEnvironment.parseSetting(setting);
            set.put(e.getKey(), e.getValue());
        }
        ChildEnvironment.Caller caller = ChildEnvironment.Caller.of(inv.env(), inv.options().useEnv, set);
        return new ChildLaunch.Context(config, inv.cwd(), caller, inv.options().isolateNetwork, inv.out(), inv.err());
    }

    /** Runs the prerequisites of {@code name} (transitively, each once, dependencies first). */
    private static int prerequisites(Main.Invocation inv, Config config, String name) {
        if (inv.options().noPrerequisites) {
            return ExitCodes.OK;
        }
        Set<String> order = new LinkedHashSet<>();
        String cycle = collect(config, name, new ArrayList<>(), order);
        if (cycle != null) {
            inv.err().println("vagga: prerequisites of \"" + name + "\" form a cycle: " + cycle);
            return ExitCodes.RUNTIME_ERROR;
        }
        order.remove(name);
        for (String pre : order) {
            CommandDef def = Commands.find(config, pre);
            if (def == null) {
                inv.err().println(Commands.notFound(config, pre));
                return ExitCodes.RUNTIME_ERROR;
            }
            int code = Commands.run(inv, config, pre, def, List.of(), false);
            if (code != ExitCodes.OK) {
                return code;
            }
        }
        return ExitCodes.OK;
    }

    /** Depth-first: dependencies before dependants; returns the cycle's path, or null. */
    private static String collect(Config config, String name, List<String> path, Set<String> order) {
        if (path.contains(name)) {
            List<String> loop = new ArrayList<>(path.subList(path.indexOf(name), path.size()));
            loop.add(name);
            return String.join(" -> ", loop);
        }
        if (order.contains(name)) {
            return null;
        }
        CommandDef def = Commands.find(config, name);
        List<String> pres = def instanceof CommandSpec c ? c.prerequisites()
                : def instanceof SuperviseSpec s ? s.prerequisites() : List.of();
        path.add(name);
        for (String pre : pres == null ? List.<String>of() : pres) {
            String cycle = collect(config, pre, path, order);
            if (cycle != null) {
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        order.add(name);
        return null;
    }
}
