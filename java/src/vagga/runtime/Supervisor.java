// The !Supervise loop: spawn the children, a running phase, then a stopping phase (SPEC 3).
package vagga.runtime;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import vagga.config.Readiness;
import vagga.config.SuperviseMode;
import vagga.linux.ChildOutput;
import vagga.linux.ExitStatus;
import vagga.linux.LinuxException;
import vagga.linux.OpenFiles;
import vagga.linux.Prefixer;
import vagga.linux.ProcessReactor;
import vagga.linux.ReactorEvent;
import vagga.linux.ShimInvocation;
import vagga.linux.Signals;
import vagga.linux.SpawnedChild;
import vagga.linux.Syscalls;
import vagga.plan.ExitCodes;
import vagga.plan.LinePrefix;
import vagga.plan.PostMortem;
import vagga.plan.StatusText;

/**
 * One thread (the caller's) owns all state; the reactor thread only puts events in the queue.
 * The supervisor never returns while a child lives.
 */
public final class Supervisor {
    /**
     * A child to start: its name and how to start its container; {@code readyCommand} the command
     * of a {@code ready: {command: ...}} probe (run inside its container), else null.
     */
    public record Child(String name, ShimInvocation invocation, Readiness ready, List<String> after,
                        vagga.config.RestartPolicy restart, ShimInvocation readyCommand) {
        public Child(String name, ShimInvocation invocation) {
            this(name, invocation, null, List.of(), vagga.config.RestartPolicy.NEVER, null);
        }
    }

    /** Ours: a readiness probe's outcome, from the probe thread: failure null means ready. */
    private record ProbeDone(ChildRun run, String failure) {}

    /**
     * What the run is: mode, grace period (seconds), epilog (printed only on exit code 0), and
     * whether the end of a child is announced (a supervise run) or silent (a plain command).
     */
    public record Settings(SuperviseMode mode, int killUnresponsiveAfter, String epilog, boolean announce,
                           Prefixing prefixing, Report report, Path vaggaDir) {
        public Settings(SuperviseMode mode, int killUnresponsiveAfter, String epilog, boolean announce) {
            this(mode, killUnresponsiveAfter, epilog, announce, null, Report.NONE, null);
        }
    }

    /**
     * Ours: the post-mortem of a supervise run: {@code command} its name, {@code summary} on stderr
     * (--summary, or by default when stderr is a terminal), the JSON {@code file} (--report, or null).
     */
    public record Report(String command, boolean summary, Path file) {
        public static final Report NONE = new Report(null, false, null);

        /** --summary / --no-summary (neither: on when stderr is a terminal), and --report FILE. */
        public static Report of(String command, Boolean summaryFlag, Path file) {
            return new Report(command, summaryFlag != null ? summaryFlag : Syscalls.isatty(STDERR), file);
        }
    }

    /** What the post-mortem needs about one child, filled in as the run goes (supervisor thread only). */
    private static final class ChildRun {
        final String name;
        final Child child;
        SpawnedChild process;
        boolean restarting;
        long restartDeadlineNanos;
        int pid;
        long startedMs, endedMs;
        ExitStatus status;
        String neverStarted;
        long stopSentNanos = -1, endedNanos;
        boolean killed, endedTheRun;
        int restarts;
        Prefixer.Attached output;
        /** Ours: readiness (a child without `ready` is ready once spawned); waiting for its `after`. */
        boolean ready, waiting;
        /** Ours: restart policy: when it is started again (Long.MAX_VALUE: not pending), the next backoff. */
        long respawnAtNanos = Long.MAX_VALUE;
        long backoffMillis = 500;
        long readyMs;

        ChildRun(Child child) {
            this.name = child.name();
            this.child = child;
        }

        void ended(ExitStatus s) {
            status = s;
            endedMs = System.currentTimeMillis();
            endedNanos = System.nanoTime();
        }

        PostMortem.Child outcome() {
            PostMortem.Ending ending;
            if (neverStarted != null) {
                ending = new PostMortem.NeverStarted(neverStarted);
            } else if (status instanceof ExitStatus.Signalled sig) {
                ending = new PostMortem.Killed(Signals.name(sig.signal()), sig.signal(), sig.coreDumped());
            } else if (status != null) {
                ending = new PostMortem.Exited(status.code());
            } else {
                ending = new PostMortem.Running();
            }
            long stopAfter = stopSentNanos < 0 || status == null ? -1
                    : Math.max(0, TimeUnit.NANOSECONDS.toMillis(endedNanos - stopSentNanos));
            return new PostMortem.Child(name, pid, startedMs, endedMs, ending, stopAfter, killed, endedTheRun,
                    restarts, ready && readyMs > 0 ? readyMs - startedMs : 0, output == null ? List.of() : output.lastLines(LAST_LINES));
        }
    }

    private static final int LAST_LINES = 5;

    /**
     * Ours (vagga --prefix): every line of the children's output as {@code NAME | line}; with
     * {@code pty} a pseudo-terminal per child (vagga's stdout is a terminal), coloured names with
     * {@code colour}. Null in {@link Settings}: children write to vagga's stdout and stderr directly.
     */
    public record Prefixing(boolean pty, boolean colour) {
        /** For vagga's own stdout: a pty per child and colours when it is a terminal (no colours with NO_COLOR). */
        public static Prefixing forStdout(String noColor) {
            boolean terminal = Syscalls.isatty(STDOUT);
            return new Prefixing(terminal, LinePrefix.coloured(terminal, noColor));
        }
    }

    private static final int STDOUT = 1, STDERR = 2;
    /** How long a child's last lines may take to come out before its end is announced. */
    private static final long DRAIN_MILLIS = 1000;

    /** Why the running phase ended: the signal the stopping phase starts with, to groups or not. */
    private record Stop(int signal, boolean group) {}

    private static final int[] HANDLED_SIGNALS = {
        Signals.SIGINT, Signals.SIGQUIT, Signals.SIGTERM, Signals.SIGTSTP, Signals.SIGTTIN,
        Signals.SIGTTOU, Signals.SIGCONT,
    };

    private final Settings settings;
    private final PrintStream out;
    private final PrintStream err;
    /** ReactorEvents from the reactor thread, ControlSocket.Requests from the control thread. */
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final Map<SpawnedChild, String> live = new LinkedHashMap<>();
    private int exitCode = ExitCodes.OK;
    private Terminal terminal;
    private Prefixer prefixer;
    private final Map<SpawnedChild, Prefixer.Attached> outputs = new LinkedHashMap<>();
    private final List<ChildRun> runs = new ArrayList<>();
    private final Map<SpawnedChild, ChildRun> runOf = new HashMap<>();
    /**
     * Children not spawned yet: they are started {@link #SPAWN_BATCH} at a time, and whatever is in
     * the queue (an exit, a signal) is acted upon before the next batch.
     */
    private final java.util.ArrayDeque<ChildRun> unspawned = new java.util.ArrayDeque<>();
    private static final int SPAWN_BATCH = 64;
    private boolean stageLogged;
    /** Ours: children whose `after` are not all ready yet, and the threads polling the probes (one each). */
    private final List<ChildRun> waiting = new ArrayList<>();
    private final List<Thread> probes = new ArrayList<>();
    private Prefixing prefixing;
    /** Every selected child's name (the prefixes are padded for all, the waiting ones too). */
    private List<String> allNames = List.of();
    /** What ended the run, for the post-mortem: a child's name or a signal's. */
    private String cause;

    public Supervisor(Settings settings, PrintStream out, PrintStream err) {
        this.settings = settings;
        this.out = out;
        this.err = err;
    }

    /** Runs the children to the end and returns vagga's exit code. */
    public int run(List<Child> children) throws LinuxException {
        boolean prefixed = settings.prefixing() != null || anyLineProbe(children);
        OpenFiles.Shortfall shortfall = OpenFiles.ensure(children.size(), prefixed);
        if (shortfall != null) {
            err.println(StatusText.tooFewOpenFiles(children.size(), shortfall.need(), shortfall.limit()));
            err.println(StatusText.hint(StatusText.OPEN_FILES_REMEDY));
            err.flush();
            return ExitCodes.NOTHING_TO_RUN;
        }
        terminal = Terminal.capture();
        prefixing = settings.prefixing();
        if (prefixing == null && anyLineProbe(children)) {
            prefixing = Prefixing.forStdout(System.getenv("NO_COLOR")); // a line probe reads the output
        }
        if (prefixing != null) {
            prefixer = new Prefixer(STDOUT, STDERR, prefixing.pty(), prefixing.pty() ? STDOUT : -1);
        }
        List<String> selected = new ArrayList<>(children.size());
        for (Child c : children) {
            selected.add(c.name());
        }
        selected = List.copyOf(selected);
        allNames = selected;
        List<Child> now = new ArrayList<>();
        List<Child> later = new ArrayList<>();
        for (Child c : children) {
            // an `after` naming a child left out by --only/--exclude is not waited for
            boolean waits = false;
            for (String a : c.after()) {
                waits |= selected.contains(a);
            }
            (waits ? later : now).add(c);
        }
        ControlSocket control = null;
        if (settings.vaggaDir() != null) {
            try {
                control = ControlSocket.open(settings.vaggaDir(), new Consumer<ControlSocket.Request>() {
                    @Override
                    public void accept(ControlSocket.Request request) {
                        events.add(request);
                    }
                });
            } catch (IOException e) {
                err.println(StatusText.noControlSocket(e.getMessage()));
            }
        }
        try (ProcessReactor reactor = new ProcessReactor(new Consumer<ReactorEvent>() {
            @Override
            public void accept(ReactorEvent event) {
                events.add(event);
            }
        })) {
            reactor.handleSignals(HANDLED_SIGNALS);
            Stop stop;
            for (Child c : now) {
                ChildRun r = new ChildRun(c);
                runs.add(r);
                unspawned.add(r);
            }
            for (Child c : later) {
                ChildRun r = new ChildRun(c);
                r.waiting = true;
                runs.add(r);
                waiting.add(r);
            }
            if (!spawnBatch(reactor)) {
                exitCode = ExitCodes.NOTHING_TO_RUN;
                stop = new Stop(Signals.SIGTERM, false);
            } else {
                stop = startWaiting(reactor);
                if (stop == null) {
                    stop = running(reactor);
                }
            }
            if (stop != null) {
                stopping(reactor, stop);
            }
        } finally {
            stopProbes();
            for (ChildRun r : waiting) {
                r.neverStarted = "waiting for " + String.join(", ", r.child.after());
            }
            for (ChildRun r : unspawned) {
                r.neverStarted = StatusText.ENDED_WHILE_STARTING;
            }
            if (control != null) {
                control.close();
            }
            terminal.reclaim();
            if (prefixer != null) {
                prefixer.close(); // the last lines come out before the epilog
            }
        }
        if (exitCode == 0 && settings.epilog() != null) {
            out.print(settings.epilog());
            out.flush();
        }
        postMortem();
        return exitCode;
    }

    /** Ours: the summary on stderr and the JSON report, when asked for. */
    private void postMortem() {
        Report report = settings.report();
        if (report == null || (!report.summary() && report.file() == null)) {
            return;
        }
        List<PostMortem.Child> children = new ArrayList<>();
        for (ChildRun r : runs) {
            children.add(r.outcome());
        }
        PostMortem.Run run = new PostMortem.Run(report.command(), exitCode, cause, children);
        if (report.summary()) {
            for (String line : PostMortem.summary(run)) {
                err.println(line);
            }
            err.flush();
        }
        if (report.file() != null) {
            try {
                Files.writeString(report.file(), PostMortem.json(run), StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println(StatusText.reportNotWritten(report.file().toString(), e.getMessage()));
                err.flush();
            }
        }
    }

    /**
     * Spawns the next {@link #SPAWN_BATCH} unspawned children in order (one hand-over to the reactor);
     * false when one could not be started (the others of the batch still are, none after them).
     */
    private boolean spawnBatch(ProcessReactor reactor) throws LinuxException {
        List<ChildRun> batch = new ArrayList<>();
        while (batch.size() < SPAWN_BATCH && !unspawned.isEmpty()) {
            batch.add(unspawned.poll());
        }
        List<ShimInvocation> invocations = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (ChildRun run : batch) {
            invocations.add(run.child.invocation());
            names.add(run.name);
        }
        List<Prefixer.Attached> attached = attachOutputs(names);
        List<ChildOutput> childOutputs = attached == null ? null
                : outputsOf(attached);
        List<ProcessReactor.SpawnResult> results;
        try {
            results = reactor.spawnAll(invocations, childOutputs);
        } finally {
            if (attached != null) {
                closeChildEnds(attached); // the children hold them now
            }
        }
        if (!invocations.isEmpty() && reactor.stageProblem() != null && !stageLogged) {
            stageLogged = true;
            Logs.debug(Supervisor.class, "every child sets up its own mount namespace: {}", reactor.stageProblem());
        }
        boolean started = true;
        for (int i = 0; i < batch.size(); i++) {
            ChildRun run = batch.get(i);
            String name = run.name;
            ProcessReactor.SpawnResult result = results.get(i);
            if (result.child() != null) {
                live.put(result.child(), name);
                run.process = result.child();
                run.pid = result.child().pid();
                run.startedMs = System.currentTimeMillis();
                runOf.put(result.child(), run);
                if (attached != null) {
                    run.output = attached.get(i);
                    outputs.put(result.child(), attached.get(i));
                }
                Logs.debug(Supervisor.class, "spawned {} as pid {}", name, result.child().pid());
                continue;
            }
            run.neverStarted = result.error().getMessage();
            if (started) {
                cause = name;
                run.endedTheRun = true;
                // vagga reports the first child that could not be run, and still starts the rest.
                out.println(StatusText.couldNotRun(name, result.error().getMessage()));
                out.flush();
                if (result.error().hint() != null) {
                    err.println(StatusText.hint(result.error().hint()));
                    err.flush();
                }
            }
            started = false;
        }
        if (started) {
            for (ChildRun run : batch) {
                becameLive(reactor, run);
            }
        }
        return started;
    }

    /** With prefixing, a pty or pipes per child, in the order of {@code names}; else null. */
    private List<Prefixer.Attached> attachOutputs(List<String> names) throws LinuxException {
        if (prefixer == null) {
            return null;
        }
        Map<String, byte[]> prefixes = LinePrefix.of(allNames, prefixing.colour());
        int columns = LinePrefix.columns(allNames);
        List<Prefixer.Attached> attached = new ArrayList<>();
        try {
            for (String name : names) {
                attached.add(prefixer.attach(prefixes.get(name), columns));
            }
        } catch (LinuxException e) {
            closeChildEnds(attached);
            throw e;
        }
        return attached;
    }

    /** A child's last lines come out before the line saying how it ended. */
    private void drainOutput(SpawnedChild child) {
        Prefixer.Attached a = outputs.remove(child);
        if (a != null && !a.awaitEnd(DRAIN_MILLIS)) {
            Logs.debug(Supervisor.class, "output of {} still open (a process outside its container holds it)", child);
        }
    }

    /**
     * A restart is due later. A loop, not a stream: reached first when every child has ended, which
     * the CDS training run never sees, so a lambda here was spun anew at every successful run.
     */
    private boolean respawnPending() {
        for (ChildRun r : runs) {
            if (r.respawnAtNanos != Long.MAX_VALUE) {
                return true;
            }
        }
        return false;
    }

    /**
     * The running phase (SPEC 3.2, 3.3): waits for events until something ends the run. Returns how
     * the stopping phase begins, or null when every child ended without ending the run
     * (wait-all-successful, all exited 0).
     */
    private Stop running(ProcessReactor reactor) throws LinuxException {
        while (!live.isEmpty() || !unspawned.isEmpty() || respawnPending()) {
            if (!unspawned.isEmpty() && events.isEmpty()) {
                // the queue is empty: nothing to act on first
                if (!spawnBatch(reactor)) {
                    exitCode = ExitCodes.NOTHING_TO_RUN;
                    return new Stop(Signals.SIGTERM, false);
                }
                Stop stop = startWaiting(reactor);
                if (stop != null) {
                    return stop;
                }
                continue;
            }
            long deadline = restartDeadline();
            Object event = deadline == Long.MAX_VALUE ? take() : poll(deadline);
            if (event == null) {
                killUnresponsiveRestarts(reactor);
                Stop stop = respawnDue(reactor);
                if (stop != null) {
                    return stop;
                }
            } else if (event instanceof ProbeDone done) {
                Stop stop = probeDone(reactor, done);
                if (stop != null) {
                    return stop;
                }
            } else if (event instanceof ControlSocket.Request request) {
                request.reply().complete(control(reactor, request.line()));
            } else if (event instanceof ReactorEvent.ChildExited exited) {
                terminal.reclaimFromEnded(); // the run may go on without the child that held it
                ChildRun run = runOf.get(exited.child());
                if (run != null && run.restarting) {
                    Stop stop = restarted(reactor, exited.child(), exited.status(), run);
                    if (stop != null) {
                        return stop;
                    }
                    continue;
                }
                Stop stop = childExited(exited.child(), exited.status());
                if (stop != null) {
                    return stop;
                }
            } else if (event instanceof ReactorEvent.ChildStopped stopped) {
                childStopped(reactor, stopped.child());
            } else if (event instanceof ReactorEvent.SignalReceived received) {
                int signal = announce(received.signal());
                switch (signal) {
                    case Signals.SIGINT, Signals.SIGQUIT -> {
                        // Once a signal set the code, it sticks, whatever the children return.
                        exitCode = ExitCodes.forSignal(signal);
                        cause = Signals.name(signal) + " to vagga";
                        return new Stop(signal, true);
                    }
                    case Signals.SIGTERM -> {
                        exitCode = ExitCodes.forSignal(signal);
                        cause = Signals.name(signal) + " to vagga";
                        return new Stop(signal, false);
                    }
                    default -> forwardWithoutStopping(reactor, signal);
                }
            }
        }
        return null;
    }

    /**
     * A child is running: ready at once without a probe, else its probe starts polling, on a
     * platform thread of its own (a command probe waits for its command; a port probe of an
     * isolated child moves its thread into that network namespace).
     */
    private void becameLive(ProcessReactor reactor, ChildRun run) {
        Readiness r = run.child.ready();
        if (r == null) {
            run.ready = true;
            return;
        }
        ReadyProbe probe = new ReadyProbe(r, run.pid, run.output, run.child.invocation().newNetwork(),
                run.child.invocation().userNamespace(), reactor, run.process, run.child.readyCommand());
        Thread t = new Thread(new Runnable() {
            @Override
            public void run() {
                try {
                    events.add(new ProbeDone(run, probe.await()));
                } catch (InterruptedException e) {
                    Logs.debug(Supervisor.class, "probe of {} stopped", run.name);
                }
            }
        }, "vagga-ready-" + run.name);
        t.setDaemon(true);
        probes.add(t);
        t.start();
    }

    /**
     * Plain loops and anonymous classes in this class, not streams and lambdas: a supervise that
     * links no lambda spares the JVM's first-lambda set-up (~10 ms of CPU at every start).
     */
    private static boolean anyLineProbe(List<Child> children) {
        for (Child c : children) {
            if (c.ready() != null && c.ready().kind().equals("line")) {
                return true;
            }
        }
        return false;
    }

    private static List<ChildOutput> outputsOf(List<Prefixer.Attached> attached) {
        List<ChildOutput> out = new ArrayList<>(attached.size());
        for (Prefixer.Attached a : attached) {
            out.add(a.output());
        }
        return List.copyOf(out);
    }

    private static void closeChildEnds(List<Prefixer.Attached> attached) {
        for (Prefixer.Attached a : attached) {
            a.closeChildEnds();
        }
    }

    /** The first waiting child whose `after` names this run, or null. */
    private ChildRun dependentOf(ChildRun run) {
        for (ChildRun w : waiting) {
            if (w.child.after().contains(run.name)) {
                return w;
            }
        }
        return null;
    }

    /** The run is stopping: no probe polls any more (a running probe command is killed). */
    private void stopProbes() {
        for (Thread t : probes) {
            t.interrupt();
        }
    }

    /** A probe answered (running phase): start who waited for it, or stop the run if it failed (121). */
    private Stop probeDone(ProcessReactor reactor, ProbeDone done) {
        ChildRun run = done.run();
        if (run.status != null || run.ready) {
            return null;
        }
        if (done.failure() != null) {
            Logs.debug(Supervisor.class, "{}: {}", run.name, done.failure());
            return waitedFor(run) ? notReady(run, done.failure()) : null;
        }
        run.ready = true;
        run.readyMs = System.currentTimeMillis();
        Logs.debug(Supervisor.class, "{} is ready", run.name);
        return startWaiting(reactor);
    }

    private boolean waitedFor(ChildRun run) {
        return dependentOf(run) != null;
    }

    /** {@code run} will never be ready and a child waits for it: one line naming both and the probe; 121. */
    private Stop notReady(ChildRun run, String seen) {
        if (!waitedFor(run)) {
            return null;
        }
        ChildRun dependent = dependentOf(run);
        Readiness r = run.child.ready();
        out.println(StatusText.notReady(dependent.name, run.name, r == null ? "(no probe)" : "ready: " + r.describe(),
                seen));
        out.flush();
        exitCode = ExitCodes.RUNTIME_ERROR;
        cause = run.name;
        run.endedTheRun = true;
        return new Stop(Signals.SIGTERM, false);
    }

    /** Spawns (from the reactor thread, as every spawn) each waiting child whose `after` are all ready. */
    private Stop startWaiting(ProcessReactor reactor) {
        boolean again = true;
        while (again) {
            again = false;
            for (ChildRun w : new ArrayList<>(waiting)) {
                boolean go = true;
                for (String a : w.child.after()) {
                    ChildRun dep = runNamed(a);
                    go &= dep == null || dep.ready;
                }
                if (!go) {
                    continue;
                }
                waiting.remove(w);
                w.waiting = false;
                Stop stop = respawn(reactor, w, null);
                if (stop != null) {
                    return stop;
                }
                becameLive(reactor, w);
                again = true;
            }
        }
        return null;
    }

    /** The nearest kill deadline of a child being restarted, or Long.MAX_VALUE. */
    private long restartDeadline() {
        long d = Long.MAX_VALUE;
        for (ChildRun r : runs) {
            if (r.restarting) {
                d = Math.min(d, r.restartDeadlineNanos);
            }
            d = Math.min(d, r.respawnAtNanos);
        }
        return d;
    }

    /** Ours (restart policy): children whose backoff is over are started again. */
    private Stop respawnDue(ProcessReactor reactor) {
        long now = System.nanoTime();
        for (ChildRun r : new ArrayList<>(runs)) {
            if (r.respawnAtNanos <= now) {
                r.respawnAtNanos = Long.MAX_VALUE;
                Stop stop = respawn(reactor, r, null);
                if (stop != null) {
                    return stop;
                }
            }
        }
        return null;
    }

    /** A child being restarted did not stop within kill-unresponsive-after: SIGKILL, as when stopping. */
    private void killUnresponsiveRestarts(ProcessReactor reactor) {
        long now = System.nanoTime();
        for (ChildRun r : runs) {
            if (r.restarting && r.restartDeadlineNanos <= now && r.process != null) {
                r.restartDeadlineNanos = Long.MAX_VALUE - 1; // killed once; its exit comes next
                reactor.kill(r.process);
            }
        }
    }

    /** Ours: a request from vagga _status / vagga _restart, answered on this thread. */
    private String control(ProcessReactor reactor, String line) {
        List<String> words = List.of(line.strip().split("\\s+"));
        if (words.get(0).equals("status")) {
            StringBuilder b = new StringBuilder();
            long now = System.currentTimeMillis();
            for (ChildRun r : runs) {
                String state = r.restarting ? "restarting" : r.neverStarted != null ? "never-started"
                        : r.status == null ? "running" : "ended";
                long uptime = r.status == null && r.neverStarted == null ? (now - r.startedMs) / 1000 : 0;
                b.append(r.name).append(' ').append(r.pid).append(' ').append(state).append(' ')
                        .append(uptime).append(' ').append(r.restarts).append('\n');
            }
            return b.toString();
        }
        if (words.get(0).equals("restart") && words.size() > 1) {
            StringBuilder b = new StringBuilder();
            for (String name : words.subList(1, words.size())) {
                ChildRun r = runNamed(name);
                if (r == null) {
                    b.append("error: no child ").append(name).append('\n');
                } else if (r.neverStarted != null) {
                    b.append("error: ").append(name).append(" never started\n");
                } else if (r.waiting) {
                    b.append("error: ").append(name).append(" is waiting for ")
                            .append(String.join(", ", r.child.after())).append('\n');
                } else if (unspawned.contains(r)) {
                    b.append("error: ").append(name).append(" is not started yet\n");
                } else if (r.restarting) {
                    b.append(name).append(": already restarting\n");
                } else if (r.status != null) {
                    // It ended quietly (wait-all-successful): start it again at once.
                    respawn(reactor, r, null);
                    b.append(name).append(": started again\n");
                } else {
                    r.restarting = true;
                    r.restartDeadlineNanos = System.nanoTime()
                            + TimeUnit.SECONDS.toNanos(settings.killUnresponsiveAfter());
                    reactor.signal(r.process, Signals.SIGTERM, false);
                    b.append(name).append(": restarting\n");
                }
            }
            return b.toString();
        }
        return "error: unknown request \"" + line + "\"\n";
    }

    private ChildRun runNamed(String name) {
        for (ChildRun r : runs) {
            if (r.name.equals(name)) {
                return r;
            }
        }
        return null;
    }

    /** A child stopped for a restart: start it again (not the end of the run); one line says so. */
    private Stop restarted(ProcessReactor reactor, SpawnedChild old, ExitStatus status, ChildRun run) {
        live.remove(old);
        runOf.remove(old);
        drainOutput(old);
        run.restarting = false;
        Logs.debug(Supervisor.class, "{} stopped for a restart: {}", run.name, status);
        return respawn(reactor, run, old);
    }

    /**
     * Starts {@code run}'s child again in a fresh container, from the reactor thread like every spawn
     * (the kill -9 guarantee holds for it). A child that cannot be started again ends the run as one
     * that could not be started at all (127).
     */
    private Stop respawn(ProcessReactor reactor, ChildRun run, SpawnedChild old) {
        Prefixer.Attached output = null;
        try {
            if (prefixer != null) {
                List<String> names = new ArrayList<>();
                for (ChildRun r : runs) {
                    names.add(r.name);
                }
                output = prefixer.attach(LinePrefix.of(names, prefixing.colour()).get(run.name),
                        LinePrefix.columns(names));
            }
            SpawnedChild child;
            try {
                child = reactor.spawn(run.child.invocation(), output == null ? ChildOutput.INHERITED : output.output());
            } finally {
                if (output != null) {
                    output.closeChildEnds();
                }
            }
            int oldPid = run.pid;
            live.put(child, run.name);
            runOf.put(child, run);
            if (output != null) {
                outputs.put(child, output);
                run.output = output;
            }
            run.process = child;
            run.pid = child.pid();
            run.status = null;
            run.startedMs = System.currentTimeMillis();
            if (oldPid == 0) {
                Logs.debug(Supervisor.class, "started {} as pid {} (its after: ready)", run.name, child.pid());
                return null;
            }
            run.restarts++;
            out.println(StatusText.restarted(run.name, oldPid, child.pid()));
            out.flush();
            return null;
        } catch (LinuxException e) {
            out.println(StatusText.couldNotRun(run.name, e.getMessage()));
            out.flush();
            run.neverStarted = e.getMessage();
            run.endedTheRun = true;
            cause = run.name;
            exitCode = ExitCodes.NOTHING_TO_RUN;
            return new Stop(Signals.SIGTERM, false);
        }
    }

    /** A child ended in the running phase; returns the stop it causes, or null when the run goes on. */
    private Stop childExited(SpawnedChild child, ExitStatus status) {
        String name = live.remove(child);
        if (name == null) {
            return null;
        }
        ChildRun run = runOf.get(child);
        run.ended(status);
        boolean success = status instanceof ExitStatus.Exited e && e.exitCode() == 0;
        vagga.config.RestartPolicy policy = run.child.restart();
        if (policy == vagga.config.RestartPolicy.ALWAYS || policy == vagga.config.RestartPolicy.ON_FAILURE && !success) {
            drainOutput(child);
            out.println(StatusText.restartingIn(name, child.pid(), statusText(status), run.backoffMillis / 1000.0));
            out.flush();
            run.respawnAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(run.backoffMillis);
            run.backoffMillis = Math.min(run.backoffMillis * 2, 30_000);
            return null;
        }
        if (settings.mode() == SuperviseMode.WAIT_ALL_SUCCESSFUL && success) {
            Logs.debug(Supervisor.class, "{} exited with 0", name);
            if (!run.ready) {
                return notReady(run, "it exited with code 0 before it was ready");
            }
            return null;
        }
        if (settings.announce()) {
            drainOutput(child);
            out.println(StatusText.processEnded(name, child.pid(), statusText(status)));
            out.flush();
        }
        exitCode = status.code();
        cause = name;
        run.endedTheRun = true;
        return new Stop(Signals.SIGTERM, false);
    }

    /**
     * The stopping phase (SPEC 3.4): the stop signal to every child still alive, then waiting for
     * them until the grace deadline, SIGKILL at the deadline, and waiting again. Never returns while
     * a child lives. Children that end now are not reported, and the exit code stays, except for a
     * plain command, whose own status vagga returns even after forwarding a signal to it.
     */
    private void stopping(ProcessReactor reactor, Stop stop) {
        stopProbes();
        long deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.killUnresponsiveAfter());
        boolean killed = false;
        long now = System.nanoTime();
        for (SpawnedChild child : live.keySet()) {
            runOf.get(child).stopSentNanos = now;
        }
        sendAll(reactor, stop.signal(), stop.group());
        while (!live.isEmpty()) {
            Object event = killed ? take() : poll(deadlineNanos);
            if (event instanceof ControlSocket.Request request) {
                request.reply().complete("error: the run is stopping\n");
            } else if (event == null) {
                killAll(reactor);
                killed = true;
            } else if (event instanceof ReactorEvent.ChildExited exited) {
                ChildRun run = runOf.get(exited.child());
                if (run != null && run.status == null) {
                    run.ended(exited.status());
                }
                String name = live.remove(exited.child());
                if (name != null && !settings.announce()) {
                    exitCode = exited.status().code();
                }
            } else if (event instanceof ReactorEvent.ChildStopped stopped) {
                childStopped(reactor, stopped.child());
            } else if (event instanceof ReactorEvent.SignalReceived received) {
                int signal = announce(received.signal());
                switch (signal) {
                    // Signals while stopping are forwarded again; the deadline does not move.
                    case Signals.SIGINT, Signals.SIGQUIT -> sendAll(reactor, signal, true);
                    case Signals.SIGTERM -> sendAll(reactor, signal, false);
                    default -> forwardWithoutStopping(reactor, signal);
                }
            }
        }
    }

    /** Nothing interrupts this thread on purpose; keep waiting: never leave a child behind. */
    private Object take() {
        while (true) {
            try {
                return events.take();
            } catch (InterruptedException e) {
                Logs.debug(Supervisor.class, "interrupted while waiting for children; waiting on");
            }
        }
    }

    /** The next event, or null once the deadline has passed. */
    private Object poll(long deadlineNanos) {
        while (true) {
            long wait = deadlineNanos - System.nanoTime();
            if (wait <= 0) {
                return events.poll();
            }
            try {
                return events.poll(wait, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Logs.debug(Supervisor.class, "interrupted while waiting for children; waiting on");
            }
        }
    }

    /** SIGTSTP/SIGTTIN/SIGTTOU stop the children and the supervisor; SIGCONT resumes the children. */
    private void forwardWithoutStopping(ProcessReactor reactor, int signal) {
        switch (signal) {
            case Signals.SIGTSTP, Signals.SIGTTIN, Signals.SIGTTOU -> stopChildrenAndSelf(reactor);
            case Signals.SIGCONT -> sendAll(reactor, Signals.SIGCONT, true);
            default -> Logs.debug(Supervisor.class, "ignoring signal {}", signal);
        }
    }

    /** Ctrl-Z reached a child holding the terminal: stop the others and ourselves, like SIGTSTP. */
    private void childStopped(ProcessReactor reactor, SpawnedChild child) {
        Logs.debug(Supervisor.class, "{} was stopped from the terminal", live.get(child));
        stopChildrenAndSelf(reactor);
    }

    /** Ctrl-Z (to us, or to a child holding the terminal): stop the others and ourselves. */
    private void stopChildrenAndSelf(ProcessReactor reactor) {
        sendAll(reactor, Signals.SIGTSTP, true);
        terminal.reclaim();
        try {
            Syscalls.stopSelf();
        } catch (LinuxException e) {
            Logs.debug(Supervisor.class, "cannot stop: {}", e.getMessage());
        }
    }

    /** Prints the signal's line (a supervise run only) and returns the signal. */
    private int announce(int signal) {
        if (settings.announce()) {
            String line = StatusText.signalReceived(Signals.name(signal));
            if (line != null) {
                err.println(line);
            }
        }
        err.flush();
        return signal;
    }

    private static String statusText(ExitStatus status) {
        if (status instanceof ExitStatus.Signalled s) {
            return StatusText.killedBySignal(Signals.name(s.signal()), s.signal(), s.coreDumped());
        }
        return StatusText.exited(status.code());
    }

    private void sendAll(ProcessReactor reactor, int signal, boolean group) {
        for (SpawnedChild child : live.keySet()) {
            reactor.signal(child, signal, group);
        }
    }

    private void killAll(ProcessReactor reactor) {
        out.println(StatusText.stillAlive(new ArrayList<>(live.values())));
        out.flush();
        for (SpawnedChild child : live.keySet()) {
            runOf.get(child).killed = true;
            reactor.kill(child);
        }
    }
}
