// Prepares and runs a set of commands as supervised children: containers, volumes, environment.
package vagga.runtime;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

import vagga.image.BuildException;
import vagga.image.BuildMode;
import vagga.image.BuildProgress;
import vagga.image.ContainerBuilder;
import vagga.image.TransientCopy;
import vagga.config.CommandSpec;
import vagga.config.ConfigException;
import vagga.config.Settings;
import vagga.config.Config;
import vagga.config.Container;
import vagga.config.WriteMode;
import vagga.linux.EarlySignals;
import vagga.linux.LinuxException;
import vagga.linux.MountSpec;
import vagga.linux.NetworkNamespace;
import vagga.linux.ShimInvocation;
import vagga.linux.SubordinateIds;
import vagga.linux.Syscalls;
import vagga.linux.TcpListener;
import vagga.launch.Environment;
import vagga.launch.Launcher;
import vagga.launch.SetupException;
import vagga.plan.ExitCodes;
import vagga.plan.RunPlan;
import vagga.plan.StatusText;

/**
 * The bridge from a plan to the supervisor: builds each needed container once, resolves volumes
 * and environments, then hands the children to {@link Supervisor}.
 */
public final class ChildLaunch {
    /** Where the run happens and who asked for it. */
    public record Context(Config config, Path cwd, Environment.Caller caller, boolean isolateNetwork,
                          PrintStream out, PrintStream err, BuildProgress progress, BuildMode buildMode) {
        /** A context that builds what is missing (no --no-build). */
        public Context(Config config, Path cwd, Environment.Caller caller, boolean isolateNetwork,
                       PrintStream out, PrintStream err, BuildProgress progress) {
            this(config, cwd, caller, isolateNetwork, out, err, progress, BuildMode.NORMAL);
        }
    }

    private ChildLaunch() {}

    /** Builds (or reuses) the containers of these children, each once; 121 and a message on failure. */
    public static int buildContainers(Context ctx, SortedMap<String, CommandSpec> children,
                                      Map<String, Path> roots) {
        String neededBy = null;
        boolean needsBuilder = false; // loops, not streams and lambdas, on a start's path (see Supervisor)
        for (CommandSpec c : children.values()) {
            needsBuilder |= needsBuilder(ctx.config(), c);
        }
        if (needsBuilder) {
            // a build runs under the default dispositions; with host roots only, the signals stay
            // blocked until the supervisor's handlers are in place (EarlySignals)
            EarlySignals.release();
        }
        try (ContainerBuilder builder = new ContainerBuilder(null, ctx.caller()).mode(ctx.buildMode());
             ContainerBuilder.Session session = builder.session(ctx.config(), ctx.progress())) {
            for (Map.Entry<String, CommandSpec> entry : children.entrySet()) {
                CommandSpec child = entry.getValue();
                neededBy = entry.getKey();
                List<String> names = new ArrayList<>(List.of(child.container()));
                Container container = ctx.config().containers().get(child.container());
                if (container != null) {
                    // containers that !Container volumes show are built too
                    names.addAll(Volumes.containersNamed(container, child));
                }
                for (String name : names) {
                    if (roots.containsKey(name)) {
                        continue;
                    }
                    if (!ctx.config().containers().containsKey(name)) {
                        ctx.err().println(ctx.config().containerNotFound(name, child.position()));
                        return ExitCodes.RUNTIME_ERROR;
                    }
                    roots.put(name, session.ensure(name, false));
                }
            }
        } catch (BuildException e) {
            // which command or child asked for the container: vagga leaves the user guessing
            String message = e.getMessage();
            int firstLineEnd = message.indexOf('\n') < 0 ? message.length() : message.indexOf('\n');
            ctx.err().println(message.substring(0, firstLineEnd)
                    + (neededBy == null ? "" : " (needed by \"" + neededBy + "\")") + message.substring(firstLineEnd));
            return e.exitCode();
        }
        return ExitCodes.OK;
    }

    /**
     * The port forwards of the bridged children (host port -> ip:container port); two children on
     * one ip, or two forwarding one host port, are vagga's silent breakage and an error here.
     */
    private static Map<Integer, String> forwards(SortedMap<String, CommandSpec> children)
            throws BridgeNetwork.SetupFailure {
        Map<Integer, String> forwards = new LinkedHashMap<>();
        Map<String, String> byIp = new LinkedHashMap<>();
        Map<Integer, String> byPort = new LinkedHashMap<>();
        for (Map.Entry<String, CommandSpec> e : children.entrySet()) {
            vagga.config.Network n = e.getValue().network();
            if (n == null || n.bridge()) {
                continue;
            }
            String other = byIp.putIfAbsent(n.ip(), e.getKey());
            if (other != null) {
                throw new BridgeNetwork.SetupFailure("Children " + other + " and " + e.getKey()
                        + " have the same network ip " + n.ip());
            }
            for (Map.Entry<Integer, Integer> p : n.ports().entrySet()) {
                String before = byPort.putIfAbsent(p.getKey(), e.getKey());
                if (before != null) {
                    throw new BridgeNetwork.SetupFailure("Children " + before + " and " + e.getKey()
                            + " both forward host port " + p.getKey());
                }
                forwards.put(p.getKey(), n.ip() + ":" + p.getValue());
            }
        }
        return forwards;
    }

    private static boolean needsBuilder(Config config, CommandSpec child) {
        Container container = config.containers().get(child.container());
        return container == null || !container.isHostRoot() || !Volumes.containersNamed(container, child).isEmpty();
    }

    /** Runs a supervise plan to the end; returns vagga's exit code. */
    public static int supervise(Context ctx, RunPlan plan) {
        return supervise(ctx, plan, null, Supervisor.Report.NONE);
    }

    /**
     * With {@code prefixing} (null: none), each line of the children's output carries their name;
     * {@code report}: the post-mortem asked for.
     */
    public static int supervise(Context ctx, RunPlan plan, Supervisor.Prefixing prefixing,
                                Supervisor.Report report) {
        return supervise(ctx, plan, prefixing, report, Map.of());
    }

    /** As above; {@code built}: containers already built (or checked) in this run, not checked again. */
    public static int supervise(Context ctx, RunPlan plan, Supervisor.Prefixing prefixing,
                                Supervisor.Report report, Map<String, Path> built) {
        Supervisor.Settings settings = new Supervisor.Settings(plan.mode(), plan.killUnresponsiveAfter(),
                plan.epilog(), true, prefixing, report, ctx.config().projectRoot().resolve(".vagga"));
        return launch(ctx, plan.superviseName(), plan.children(), plan.optionVariables(), List.of(), settings,
                plan.isolateNetwork() || ctx.isolateNetwork(), built);
    }

    /** Runs one plain !Command (its own arguments appended) and returns its exit code. */
    public static int command(Context ctx, String name, CommandSpec command, List<String> args) {
        return command(ctx, name, command, args, Map.of());
    }

    /** Runs one plain !Command with its docopt variables; returns its exit code. */
    public static int command(Context ctx, String name, CommandSpec command, List<String> args,
                              Map<String, String> optionVariables) {
        return command(ctx, name, command, args, optionVariables, Map.of());
    }

    /** As above; {@code built}: containers already built (or checked) in this run, not checked again. */
    public static int command(Context ctx, String name, CommandSpec command, List<String> args,
                              Map<String, String> optionVariables, Map<String, Path> built) {
        SortedMap<String, CommandSpec> one = new java.util.TreeMap<>(Map.of(name, command));
        Supervisor.Settings settings = new Supervisor.Settings(vagga.config.SuperviseMode.STOP_ON_FAILURE,
                vagga.config.SuperviseSpec.defaultKillUnresponsiveAfter(), command.epilog(), false);
        return launch(ctx, name, one, optionVariables, args, settings,
                ctx.isolateNetwork() || command.isolateNetwork(), built);
    }

    private static int launch(Context ctx, String commandName, SortedMap<String, CommandSpec> children,
                              Map<String, String> optionVariables, List<String> extraArgs,
                              Supervisor.Settings settings, boolean isolateNetwork, Map<String, Path> alreadyBuilt) {
        // a container's version is checked once per run (the check reads its inputs' stat data)
        Map<String, Path> roots = new LinkedHashMap<>(alreadyBuilt);
        int built = buildContainers(ctx, children, roots);
        if (built != ExitCodes.OK) {
            return built;
        }
        Path project = ctx.config().projectRoot();
        String relativeCwd = ctx.cwd().startsWith(project) ? project.relativize(ctx.cwd()).toString() : "";
        List<Supervisor.Child> prepared = new ArrayList<>();
        List<TransientCopy> copies = new ArrayList<>();
        List<TcpListener> listeners = new ArrayList<>();
        NetworkNamespace network = null;
        PersistentInit init = null;
        BridgeNetwork bridged = null;
        try {
            if (isolateNetwork) {
                network = NetworkNamespace.create();
            }
            int isolatedFd = network == null ? -1 : network.fd();
            Path namespaceDir = BridgeNetwork.namespaceDir(ctx.caller().callerEnv(), Syscalls.geteuid());
            boolean networked = false;
            for (CommandSpec c : children.values()) {
                networked |= c.network() != null;
            }
            if (networked) {
                bridged = BridgeNetwork.open(namespaceDir, forwards(children));
            }
            Map<String, Path> external = null; // read once, and only when a bind names /volumes/...
            // Every socket is bound before any child starts, so a bind error starts nothing.
            Map<String, Integer> sockets = new LinkedHashMap<>();
            for (Map.Entry<String, CommandSpec> entry : children.entrySet()) {
                String spec = entry.getValue().passTcpSocket();
                if (spec == null) {
                    continue;
                }
                try {
                    TcpListener listener = TcpListener.listen(spec);
                    listeners.add(listener);
                    sockets.put(entry.getKey(), listener.fd());
                } catch (LinuxException e) {
                    ctx.err().println(StatusText.cannotListen(spec, e.getMessage()));
                    return ExitCodes.RUNTIME_ERROR;
                }
            }
            for (Map.Entry<String, CommandSpec> entry : children.entrySet()) {
                String name = entry.getKey();
                CommandSpec spec = entry.getValue();
                Container container = ctx.config().containers().get(spec.container());
                Path root = roots.get(spec.container());
                boolean writable = false;
                if (spec.writeMode() == WriteMode.TRANSIENT_HARD_LINK_COPY && root != null) {
                    TransientCopy copy = TransientCopy.create(project, spec.container(), root);
                    copies.add(copy);
                    root = copy.root();
                    writable = true;
                }
                if (external == null && Volumes.usesExternalVolumes(container, spec)) {
                    external = Settings.forRun(ctx.caller().callerEnv(), project).externalVolumes();
                }
                if (!settings.announce()) {
                    // a plain command may be the init-command of a volume not made yet (a supervise's
                    // children never are, as in vagga)
                    init = PersistentInit.prepare(project, container, spec, commandName);
                }
                List<MountSpec> mounts = Volumes.resolve(project, container, spec, root, roots,
                        external == null ? Map.of() : external, init == null ? Map.of() : init.pending());
                int netnsFd = spec.network() == null ? isolatedFd
                        : spec.network().bridge() ? bridged.bridge().fd() : bridged.attach(name, spec.network().ip()).fd();
                // !Env steps apply only while building, as in vagga; the container's environ applies here.
                // A plain command is not a supervise child: no VAGGA_SUBCOMMAND.
                ShimInvocation invocation = Launcher.child(project, container, root, writable, spec,
                        ctx.caller(), optionVariables, commandName, settings.announce() ? name : null, relativeCwd,
                        mounts, extraArgs, sockets.getOrDefault(name, -1), netnsFd);
                if (spec.network() != null && !spec.network().bridge()) {
                    // vagga's: a bridged child's hostname is its network's, or its name
                    invocation = invocation.withHostname(spec.network().hostname() != null
                            ? spec.network().hostname() : name);
                }
                if (spec.network() != null) {
                    // an ordinary user's: in the gateway's user namespace, which owns its network (vagga's)
                    invocation = invocation.inUserNamespace(bridged.userNamespaceFd());
                }
                ShimInvocation readyCommand = spec.ready() != null && spec.ready().kind().equals("command")
                        ? Launcher.readyCommand(container, invocation, spec.ready().value()) : null;
                prepared.add(new Supervisor.Child(name, invocation, spec.ready(), spec.after(), spec.restart(),
                        readyCommand));
            }
            if (bridged != null) {
                bridged.publish(namespaceDir, project, commandName);
            }
            SubordinateIds subIds = Syscalls.geteuid() == 0 ? null : SubordinateIds.forCurrentUser();
            for (CommandSpec spec : children.values()) {
                Container container = ctx.config().containers().get(spec.container());
                if (container != null && !container.isHostRoot()) {
                    IdRanges.check(container, subIds);
                }
            }
            if (Syscalls.geteuid() != 0 && subIds == null) {
                for (String line : SubordinateIds.problems()) {
                    ctx.err().println(line);
                }
                ctx.err().println(StatusText.noSubordinateIds(System.getProperty("user.name")));
            }
            int code = new Supervisor(settings, ctx.out(), ctx.err()).run(prepared);
            if (code == ExitCodes.OK && init != null) {
                init.commit();
            }
            return code;
        } catch (IOException e) {
            ctx.err().println("vagga: cannot initialise a !Persistent volume: " + vagga.image.ProjectPaths.describe(e));
            return ExitCodes.RUNTIME_ERROR;
        } catch (BridgeNetwork.SetupFailure e) {
            ctx.err().println(e.getMessage());
            return ExitCodes.RUNTIME_ERROR;
        } catch (ConfigException e) {
            for (String line : e.problems()) {
                ctx.err().println(line);
            }
            return ExitCodes.CONFIG_ERROR;
        } catch (VolumeException e) {
            ctx.err().println(e.getMessage());
            return e.exitCode();
        } catch (BuildException e) {
            ctx.err().println(e.getMessage());
            return ExitCodes.RUNTIME_ERROR;
        } catch (SetupException e) {
            ctx.err().println(e.getMessage());
            return ExitCodes.SETUP_FAILED;
        } catch (LinuxException e) {
            ctx.err().println(StatusText.systemError(e.getMessage()));
            if (e.hint() != null) {
                ctx.err().println(StatusText.hint(e.hint()));
            }
            return ExitCodes.RUNTIME_ERROR;
        } finally {
            if (init != null) {
                try {
                    init.close();
                } catch (IOException e) {
                    Logs.warn(ChildLaunch.class, "cannot remove a volume's unfinished initialisation: {}", e.getMessage());
                }
            }
            for (TcpListener l : listeners) {
                l.close();
            }
            if (bridged != null) {
                bridged.close();
            }
            if (network != null) {
                network.close();
            }
            for (TransientCopy copy : copies) {
                try {
                    copy.close();
                } catch (IOException e) {
                    Logs.warn(ChildLaunch.class, "cannot remove the transient copy {}: {}", copy.root(), e.getMessage());
                }
            }
        }
    }
}
