// The !Supervise loop: spawn the children, a running phase, then a stopping phase (SPEC 3).
package vagga.runtime;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import vagga.config.SuperviseMode;
import vagga.linux.ExitStatus;
import vagga.linux.LinuxException;
import vagga.linux.ProcessReactor;
import vagga.linux.ReactorEvent;
import vagga.linux.ShimInvocation;
import vagga.linux.Signals;
import vagga.linux.SpawnedChild;
import vagga.linux.Syscalls;
import vagga.plan.ExitCodes;
import vagga.plan.StatusText;

/**
 * One thread (the caller's) owns all state; the reactor thread only puts events in the queue.
 * The supervisor never returns while a child lives.
 */
public final class Supervisor {
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

    /** A child to start: its name and how to start its container (null: it could not be prepared,
     *  with the reason in {@code error}). */
    public record Child(String name, ShimInvocation invocation, String error) {}

    /**
     * What the run is: mode, grace period (seconds), epilog (printed only on exit code 0), and
     * whether the end of a child is announced (a supervise run) or silent (a plain command).
     */
    public record Settings(SuperviseMode mode, int killUnresponsiveAfter, String epilog, boolean announce) {}

    private static final int[] HANDLED_SIGNALS = {
        Signals.SIGINT, Signals.SIGQUIT, Signals.SIGTERM, Signals.SIGTSTP, Signals.SIGTTIN,
        Signals.SIGTTOU, Signals.SIGCONT,
    };

    private final Settings settings;
    private final PrintStream out;
    private final PrintStream err;
    private final BlockingQueue<ReactorEvent> events = new LinkedBlockingQueue<>();
    private final Map<SpawnedChild, String> live = new LinkedHashMap<>();
    private boolean stopping;
    private long deadlineNanos;
    private boolean killed;
    private int exitCode = ExitCodes.OK;
    private boolean exitCodeFromSignal;
    private Terminal terminal;

    public Supervisor(Settings settings, PrintStream out, PrintStream err) {
        this.settings = settings;
        this.out = out;
        this.err = err;
    }

    /** Runs the children to the end and returns vagga's exit code. */
    public int run(List<Child> children) throws LinuxException {
        terminal = Terminal.capture();
        try (ProcessReactor reactor = new ProcessReactor(events::add)) {
            reactor.handleSignals(HANDLED_SIGNALS);
            boolean failedToStart = spawnAll(reactor, children);
            if (failedToStart) {
                exitCode = ExitCodes.NOTHING_TO_RUN;
                beginStopping(reactor, Signals.SIGTERM, false);
            } else if (live.isEmpty()) {
                return exitCode;
            }
            loop(reactor);
        } finally {
            terminal.reclaim();
        }
        if (exitCode == 0 && settings.epilog() != null) {
            out.print(settings.epilog());
            out.flush();
        }
        return exitCode;
    }

    private boolean spawnAll(ProcessReactor reactor, List<Child> children) throws LinuxException {
        List<ShimInvocation> ready = new ArrayList<>();
        for (Child child : children) {
            if (child.error() == null) {
                ready.add(child.invocation());
            }
        }
        List<ProcessReactor.SpawnResult> results = reactor.spawnAll(ready);
        if (!ready.isEmpty() && reactor.stageProblem() != null) {
            LOG.debug("every child sets up its own mount namespace: {}", reactor.stageProblem());
        }
        boolean failed = false;
        int next = 0;
        for (Child child : children) {
            String error = child.error();
            String hint = null;
            if (error == null) {
                ProcessReactor.SpawnResult result = results.get(next++);
                if (result.child() != null) {
                    live.put(result.child(), child.name());
                    LOG.debug("spawned {} as pid {}", child.name(), result.child().pid());
                    continue;
                }
                error = result.error().getMessage();
                hint = result.error().hint();
            }
            if (!failed) {
                // vagga reports the first child that could not be run, and still starts the rest.
                out.println(StatusText.couldNotRun(child.name(), error));
                out.flush();
                if (hint != null) {
                    err.println("hint: " + hint);
                    err.flush();
                }
            }
            failed = true;
        }
        return failed;
    }

    private void loop(ProcessReactor reactor) {
        while (!live.isEmpty()) {
            ReactorEvent event;
            try {
                if (stopping && !killed) {
                    long wait = deadlineNanos - System.nanoTime();
                    event = wait > 0 ? events.poll(wait, TimeUnit.NANOSECONDS) : null;
                } else {
                    event = events.take();
                }
            } catch (InterruptedException e) {
                // Nothing interrupts this thread on purpose; keep waiting: never leave a child behind.
                continue;
            }
            if (event == null) {
                killAll(reactor);
            } else if (event instanceof ReactorEvent.ChildExited exited) {
                childExited(reactor, exited.child(), exited.status());
            } else if (event instanceof ReactorEvent.ChildStopped stopped) {
                childStopped(reactor, stopped.child());
            } else if (event instanceof ReactorEvent.SignalReceived signal) {
                signalReceived(reactor, signal.signal());
            }
        }
    }

    private void childExited(ProcessReactor reactor, SpawnedChild child, ExitStatus status) {
        String name = live.remove(child);
        if (name != null && !settings.announce()) {
            // A plain command: vagga returns its status, even after forwarding a signal to it.
            exitCode = status.code();
        }
        if (name == null || stopping) {
            return;
        }
        boolean success = status instanceof ExitStatus.Exited e && e.exitCode() == 0;
        if (settings.mode() == SuperviseMode.WAIT_ALL_SUCCESSFUL && success) {
            LOG.debug("{} exited with 0", name);
            return;
        }
        if (settings.announce()) {
            out.println(StatusText.processEnded(name, child.pid(), statusText(status)));
            out.flush();
        }
        setExitCode(status.code(), false);
        beginStopping(reactor, Signals.SIGTERM, false);
    }

    /** Ctrl-Z reached a child holding the terminal: stop the others and ourselves, like SIGTSTP. */
    private void childStopped(ProcessReactor reactor, SpawnedChild child) {
        LOG.debug("{} was stopped from the terminal", live.get(child));
        stopChildrenAndSelf(reactor);
    }

    private void stopChildrenAndSelf(ProcessReactor reactor) {
        sendAll(reactor, Signals.SIGTSTP, true);
        terminal.reclaim();
        try {
            Syscalls.stopSelf();
        } catch (LinuxException e) {
            LOG.debug("cannot stop: {}", e.getMessage());
        }
    }

    private void signalReceived(ProcessReactor reactor, int signal) {
        switch (signal) {
            case Signals.SIGINT, Signals.SIGQUIT -> {
                announce(signal);
                setExitCode(ExitCodes.forSignal(signal), true);
                beginStopping(reactor, signal, true);
            }
            case Signals.SIGTERM -> {
                announce(signal);
                setExitCode(ExitCodes.forSignal(signal), true);
                beginStopping(reactor, signal, false);
            }
            case Signals.SIGTSTP, Signals.SIGTTIN, Signals.SIGTTOU -> {
                announce(signal);
                stopChildrenAndSelf(reactor);
            }
            case Signals.SIGCONT -> {
                announce(signal);
                sendAll(reactor, Signals.SIGCONT, true);
            }
            default -> LOG.debug("ignoring signal {}", signal);
        }
        err.flush();
    }

    private void announce(int signal) {
        if (settings.announce()) {
            err.println(StatusText.signalReceived(Signals.name(signal)));
            err.flush();
        }
    }

    private static String statusText(ExitStatus status) {
        if (status instanceof ExitStatus.Signalled s) {
            return StatusText.killedBySignal(Signals.name(s.signal()), s.signal(), s.coreDumped());
        }
        return StatusText.exited(status.code());
    }

    /** Once a signal set the code, it sticks; a child's code never replaces an earlier one. */
    private void setExitCode(int code, boolean fromSignal) {
        if (exitCodeFromSignal || stopping) {
            return;
        }
        exitCode = code;
        exitCodeFromSignal = fromSignal;
    }

    private void beginStopping(ProcessReactor reactor, int signal, boolean group) {
        if (stopping) {
            // Signals while stopping are forwarded again; the deadline does not move.
            sendAll(reactor, signal, group);
            return;
        }
        stopping = true;
        deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.killUnresponsiveAfter());
        sendAll(reactor, signal, group);
    }

    private void sendAll(ProcessReactor reactor, int signal, boolean group) {
        for (SpawnedChild child : live.keySet()) {
            reactor.signal(child, signal, group);
        }
    }

    private void killAll(ProcessReactor reactor) {
        killed = true;
        List<String> names = new ArrayList<>(live.values());
        out.println(StatusText.stillAlive(names));
        out.flush();
        for (SpawnedChild child : live.keySet()) {
            reactor.kill(child);
        }
    }
}
