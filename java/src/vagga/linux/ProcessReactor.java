// The one long-lived platform thread that spawns every shim and waits for all of them.
package vagga.linux;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * PR_SET_PDEATHSIG follows the thread that spawned a process, so every spawn happens on this
 * one thread, which lives as long as the supervisor. It waits (epoll) on the pidfds and status
 * pipes of its shims, on a signal self-pipe, and on an eventfd that wakes it for new requests.
 *
 * <p>Use: create it with an event consumer (it runs on the reactor thread: hand events over to
 * the supervisor's own queue), call {@link #handleSignals}, {@link #spawn} children, then
 * {@link #signal}/{@link #kill} them; each child ends in exactly one
 * {@link ReactorEvent.ChildExited}. {@link #close} SIGKILLs and reaps whatever still lives
 * (without events) and ends the thread.
 */
public final class ProcessReactor implements AutoCloseable {
    // epoll keys: child id << 2 | kind
    private static final int KIND_WAKE = 0, KIND_SIGNALS = 1, KIND_PIDFD = 2, KIND_STATUS = 3;
    private static final int MAX_EVENTS = 64;

    private final Consumer<ReactorEvent> events;
    private final Path shim;
    private final boolean userNamespace;
    /** Ranges for a full id map when unprivileged (null: map only our own ids). */
    private final SubordinateIds subordinateIds;
    private final int epfd;
    private final int wakeFd;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Request<?>> requests = new ConcurrentLinkedQueue<>();
    private boolean stopped; // guarded by requests
    // Reactor thread only:
    private final Map<Long, ShimChild> children = new HashMap<>();
    private final Set<Integer> handledSignals = new LinkedHashSet<>();
    private SignalPipe signalPipe;
    /** The stage directory in the reactor thread's mount namespace (see Stage), or null. */
    private Path stage;
    private boolean stageTried;
    private volatile String stageProblem;
    private long nextId = 1;
    private volatile boolean closing;

    /** Starts the reactor thread; events are delivered on that thread, keep the consumer quick. */
    public ProcessReactor(Consumer<ReactorEvent> events) throws LinuxException {
        this(events, null);
    }

    /**
     * {@code stage} false: the children are cloned from the host's mount namespace, each sets up
     * its own (PROTOCOL.md), so they see what is mounted on the host after the reactor started:
     * the builder's overlay over a saved root (step-by-step reuse), which the stage's private copy
     * of the mount namespace would not show.
     */
    public ProcessReactor(Consumer<ReactorEvent> events, boolean stage) throws LinuxException {
        this(events, null);
        if (!stage) {
            stageTried = true;
            this.stageProblem = "the builder's reactor: children see the host's mounts";
        }
    }

    /** With {@code shim} null, the shim next to the JNI library ({@link LibraryLoader#shim}). */
    ProcessReactor(Consumer<ReactorEvent> events, Path shim) throws LinuxException {
        LibraryLoader.loadChecked();
        this.events = events;
        this.shim = shim != null ? shim : LibraryLoader.shim();
        this.userNamespace = Syscalls.geteuid() != 0;
        this.subordinateIds = userNamespace ? SubordinateIds.forCurrentUser() : null;
        this.epfd = Syscalls.epollCreate();
        int wake = -1;
        try {
            wake = Syscalls.eventfd();
            Syscalls.epollAdd(epfd, wake, Syscalls.EPOLLIN, KIND_WAKE);
        } catch (LinuxException e) {
            Syscalls.closeQuietly(wake);
            Syscalls.closeQuietly(epfd);
            throw e;
        }
        this.wakeFd = wake;
        // A platform thread that lives until close(): the shims' parent-death signal is tied to it.
        // anonymous classes here and in the onReactor calls of a start, not lambdas: a start that
        // links no lambda spares the JVM's first-lambda set-up (~10 ms of CPU)
        this.thread = new Thread(new Runnable() {
            @Override
            public void run() {
                ProcessReactor.this.run();
            }
        }, "vagga-reactor");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Why the children set up their whole mount namespace themselves instead of starting from the
     * prepared stage (native/shim/PROTOCOL.md), or null; known after the first spawn.
     */
    public String stageProblem() {
        return stageProblem;
    }

    /**
     * Catches these signals (native handler, self-pipe) and reports them as SignalReceived, also
     * those that arrived before (see {@link EarlySignals}).
     */
    public void handleSignals(int... signals) throws LinuxException {
        int[] copy = signals.clone();
        onReactor(new Callable<Void>() {
            @Override
            public Void call() throws LinuxException {
                if (signalPipe == null) {
                    SignalPipe pipe = SignalPipe.get();
                    Syscalls.epollAdd(epfd, pipe.readFd, Syscalls.EPOLLIN, KIND_SIGNALS);
                    signalPipe = pipe;
                }
                for (int s : copy) {
                    signalPipe.handle(s);
                    handledSignals.add(s);
                }
                // Handlers in place: what arrived since the JVM started is delivered now, here.
                EarlySignals.releaseOnThisThread();
                return null;
            }
        });
    }

    /**
     * The reactor thread (which clones every child) moves into the mount namespace of thread
     * {@code tid}: the builder's private one with its overlay mount (Layers); false if it cannot.
     */
    public boolean joinMountNamespace(int tid) {
        try {
            return onReactor(new Callable<Boolean>() {
                @Override
                public Boolean call() {
                    try {
                        Layers.join(tid);
                        return true;
                    } catch (java.io.IOException e) {
                        return false;
                    }
                }
            });
        } catch (LinuxException | IllegalStateException e) {
            return false;
        }
    }

    /** Spawns a shim on the reactor thread; returns when the shim has been exec'd. */
    public SpawnedChild spawn(ShimInvocation invocation) throws LinuxException {
        return spawn(invocation, ChildOutput.INHERITED);
    }

    /** As {@link #spawn(ShimInvocation)}, the shim's (and so its command's) stdout and stderr given. */
    public SpawnedChild spawn(ShimInvocation invocation, ChildOutput output) throws LinuxException {
        return onReactor(new Callable<SpawnedChild>() {
            @Override
            public SpawnedChild call() throws LinuxException {
                return spawnShim(invocation, output);
            }
        });
    }

    /**
     * Ours (a readiness command): runs {@code invocation}'s command inside the running container of
     * {@code target} (its namespaces and root; PROTOCOL.md {@code --enter}), from the reactor thread
     * like every spawn. Only the invocation's argv, env, cwd and ids are used. Its end is reported
     * as for any child, and {@link #awaitExit} waits for it.
     */
    public SpawnedChild spawnInside(SpawnedChild target, ShimInvocation invocation, ChildOutput output)
            throws LinuxException {
        ShimChild t = (ShimChild) target;
        return onReactor(() -> {
            if (t.pidfd < 0) {
                throw new LinuxException("setns", Syscalls.ESRCH, "the container of " + t + " has ended");
            }
            List<String> argv = ShimArguments.enter(invocation, ShimArguments.CONTROL_FD + 1);
            return spawnOnThread(shim, argv, invocation.env(), new int[] {t.pidfd}, false, output, true);
        });
    }

    /** How {@code child} ended, waiting at most {@code millis}; null if it still runs then. */
    public ExitStatus awaitExit(SpawnedChild child, long millis) throws InterruptedException {
        try {
            return ((ShimChild) child).exit.get(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            return new ExitStatus.Signalled(Signals.SIGKILL, false);
        }
    }

    /** The outcome of one spawn of {@link #spawnAll}: the child, or why it could not be started. */
    public record SpawnResult(SpawnedChild child, LinuxException error) {}

    /**
     * Spawns the shims one after the other in a single hand-over to the reactor thread (no thread
     * switch per child: on a busy machine each one costs a scheduling delay); a failure does not
     * stop the rest. Results are in the order of {@code invocations}.
     */
    public List<SpawnResult> spawnAll(List<ShimInvocation> invocations) throws LinuxException {
        return spawnAll(invocations, null);
    }

    /** With {@code outputs} (null: all inherited), one per invocation, in the same order. */
    public List<SpawnResult> spawnAll(List<ShimInvocation> invocations, List<ChildOutput> outputs)
            throws LinuxException {
        return onReactor(new Callable<List<SpawnResult>>() {
            @Override
            public List<SpawnResult> call() {
                List<SpawnResult> results = new ArrayList<>(invocations.size());
                for (int i = 0; i < invocations.size(); i++) {
                    ShimInvocation invocation = invocations.get(i);
                    ChildOutput output = outputs == null ? ChildOutput.INHERITED : outputs.get(i);
                    try {
                        results.add(new SpawnResult(spawnShim(invocation, output), null));
                    } catch (LinuxException e) {
                        results.add(new SpawnResult(null, e));
                    }
                }
                return results;
            }
        });
    }

    /**
     * Spawns any executable the way the shim is spawned: its fd 3 is the status pipe's write end,
     * fd 4 the control pipe's read end, then {@code extraFds}. For tests of the spawn path.
     */
    SpawnedChild spawnExecutable(Path executable, List<String> argv, List<String> env,
                                 int... extraFds) throws LinuxException {
        return onReactor(() -> spawnOnThread(executable, argv, env, extraFds));
    }

    /** Asks the shim to send {@code signal} to its command (group=false) or the command's
     *  process group (group=true). Does nothing when the child has exited. */
    public void signal(SpawnedChild child, int signal, boolean group) {
        ShimChild c = (ShimChild) child;
        byte[] message = {(byte) (group ? 'g' : 'p'), (byte) signal};
        synchronized (c) {
            if (c.controlFd < 0) {
                return;
            }
            try {
                Syscalls.write(c.controlFd, message, 0, 2);
            } catch (LinuxException e) {
                // EPIPE: the shim is gone and its exit is on the way; EAGAIN: it stopped reading
                // 64 KiB of messages ago, one more changes nothing.
                if (e.errno() != Syscalls.EPIPE && e.errno() != Syscalls.EAGAIN) {
                    throw new IllegalStateException("cannot signal " + child + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /** SIGKILL to the shim itself (which takes its whole PID namespace). */
    public void kill(SpawnedChild child) {
        ShimChild c = (ShimChild) child;
        synchronized (c) {
            if (c.pidfd < 0) {
                return;
            }
            try {
                Syscalls.pidfdSendSignal(c.pidfd, Signals.SIGKILL);
            } catch (LinuxException e) {
                throw new IllegalStateException("cannot kill " + child + ": " + e.getMessage(), e);
            }
        }
    }

    /** Kills and reaps the remaining shims (no events), restores the handled signals, ends the thread. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        wake();
        if (Thread.currentThread() != thread) {
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A piece of work for the reactor thread and the caller's way to wait for it. */
    private static final class Request<T> {
        final Callable<T> work;
        final CompletableFuture<T> result = new CompletableFuture<>();

        Request(Callable<T> work) {
            this.work = work;
        }

        void run() {
            try {
                result.complete(work.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }

        void fail() {
            result.completeExceptionally(new IllegalStateException("the process reactor is closed"));
        }
    }

    private <T> T onReactor(Callable<T> work) throws LinuxException {
        if (Thread.currentThread() == thread) {
            try {
                return work.call();
            } catch (LinuxException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        Request<T> request = new Request<>(work);
        // Under the lock so that a request is either run, or failed by shutdown(), never forgotten.
        synchronized (requests) {
            if (stopped) {
                throw new IllegalStateException("the process reactor is closed");
            }
            requests.add(request);
        }
        wake();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return request.result.get();
                } catch (InterruptedException e) {
                    // The request is already queued: wait for it, or a spawned child would leak.
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof LinuxException le) {
                        // Rethrown here so the trace shows the caller as well.
                        LinuxException copy = new LinuxException(le.call(), le.errno(), le.getMessage(), le.hint());
                        copy.initCause(le);
                        throw copy;
                    }
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void wake() {
        byte[] one = {1, 0, 0, 0, 0, 0, 0, 0};
        try {
            Syscalls.write(wakeFd, one, 0, 8);
        } catch (LinuxException e) {
            // EAGAIN only when the counter is near overflow: it is readable either way.
            if (e.errno() != Syscalls.EAGAIN) {
                throw new IllegalStateException("cannot wake the process reactor: " + e.getMessage(), e);
            }
        }
    }

    private SpawnedChild spawnShim(ShimInvocation inv, ChildOutput output) throws LinuxException {
        List<Integer> extra = new ArrayList<>();
        int passFd = -1, netnsFd = -1;
        int next = ShimArguments.CONTROL_FD + 1;
        if (inv.passFd() >= 0) {
            extra.add(inv.passFd());
            passFd = next++;
        }
        if (inv.newNetwork() >= 0) {
            extra.add(inv.newNetwork());
            netnsFd = next++;
        }
        // in an existing user namespace (mapped already), or a new one whose maps newuidmap writes
        boolean joined = inv.userNamespace() >= 0;
        boolean external = subordinateIds != null && !joined;
        if (!stageTried) {
            stageTried = true;
            Stage.Prepared prepared = userNamespace
                    ? new Stage.Prepared(null, "unprivileged: a user namespace per child")
                    : Stage.prepare(shim);
            stage = prepared.dir();
            stageProblem = prepared.problem();
        }
        List<String> argv = ShimArguments.argv(inv, passFd, netnsFd, external, joined ? null : stage);
        int[] extraFds = new int[extra.size()];
        for (int i = 0; i < extraFds.length; i++) {
            extraFds[i] = extra.get(i);
        }
        return spawnOnThread(shim, argv, inv.env(), extraFds,
                external, output, false, inv.userNamespace());
    }

    private ShimChild spawnOnThread(Path executable, List<String> argv, List<String> env,
                                    int[] extraFds) throws LinuxException {
        return spawnOnThread(executable, argv, env, extraFds, false, ChildOutput.INHERITED, false);
    }

    private ShimChild spawnOnThread(Path executable, List<String> argv, List<String> env,
                                    int[] extraFds, boolean externalMaps, ChildOutput output,
                                    boolean noNamespaces) throws LinuxException {
        return spawnOnThread(executable, argv, env, extraFds, externalMaps, output, noNamespaces, -1);
    }

    /**
     * externalMaps: write the child's id maps with newuidmap, then tell it to go on ('u');
     * noNamespaces: the child stays in our namespaces (it enters another container itself);
     * joinUserns >= 0: its namespaces are made in that existing user namespace.
     */
    private ShimChild spawnOnThread(Path executable, List<String> argv, List<String> env,
                                    int[] extraFds, boolean externalMaps, ChildOutput output,
                                    boolean noNamespaces, int joinUserns) throws LinuxException {
        int[] status = null, control = null;
        Spawner.Spawned spawned = null;
        try {
            status = Syscalls.pipe();
            control = Syscalls.pipe();
            Syscalls.setNonBlocking(status[0]);
            Syscalls.setNonBlocking(control[1]);
            int[] fds = new int[2 + extraFds.length];
            fds[0] = status[1];
            fds[1] = control[0];
            System.arraycopy(extraFds, 0, fds, 2, extraFds.length);
            spawned = Spawner.spawn(executable, argv, env, fds, output.stdio(), userNamespace && !noNamespaces,
                    !externalMaps, noNamespaces, joinUserns);
            if (externalMaps) {
                subordinateIds.writeMaps(spawned.pid());
                Syscalls.write(control[1], new byte[] {'u', 0}, 0, 2);
            }
            Syscalls.closeQuietly(status[1]);
            Syscalls.closeQuietly(control[0]);
            status[1] = -1;
            control[0] = -1;
            long id = nextId++;
            ShimChild child = new ShimChild(id, spawned.pid(), spawned.pidfd(), status[0], control[1]);
            Syscalls.epollAdd(epfd, spawned.pidfd(), Syscalls.EPOLLIN, key(id, KIND_PIDFD));
            Syscalls.epollAdd(epfd, status[0], Syscalls.EPOLLIN, key(id, KIND_STATUS));
            children.put(id, child);
            return child;
        } catch (LinuxException | RuntimeException e) {
            if (spawned != null) {
                // Spawned but not watchable: it must not outlive this failure unobserved.
                try {
                    Syscalls.pidfdSendSignal(spawned.pidfd(), Signals.SIGKILL);
                    Syscalls.waitPidfd(spawned.pidfd());
                } catch (LinuxException again) {
                    e.addSuppressed(again);
                }
                Syscalls.closeQuietly(spawned.pidfd());
            }
            for (int[] p : new int[][] {status, control}) {
                if (p != null) {
                    Syscalls.closeQuietly(p[0]);
                    Syscalls.closeQuietly(p[1]);
                }
            }
            throw e;
        }
    }

    private static long key(long id, int kind) {
        return id << 2 | kind;
    }

    private void run() {
        long[] data = new long[MAX_EVENTS];
        int[] ready = new int[MAX_EVENTS];
        try {
            while (!closing) {
                int n = Syscalls.epollWait(epfd, data, ready, -1);
                for (int i = 0; i < n && !closing; i++) {
                    dispatch(data[i]);
                }
            }
        } catch (LinuxException | RuntimeException e) {
            // Nothing can be spawned or reaped any more; the children die with this thread.
            ThreadFailures.reactorFailed(e.getMessage());
        } finally {
            shutdown();
        }
    }

    private void dispatch(long key) throws LinuxException {
        int kind = (int) (key & 3);
        long id = key >>> 2;
        switch (kind) {
            case KIND_WAKE -> {
                byte[] counter = new byte[8];
                Syscalls.read(wakeFd, counter, 0, 8);
                Request<?> r;
                while (!closing && (r = requests.poll()) != null) {
                    r.run();
                }
            }
            case KIND_SIGNALS -> {
                byte[] buf = new byte[64];
                int n;
                while ((n = Syscalls.read(signalPipe.readFd, buf, 0, buf.length)) > 0) {
                    for (int i = 0; i < n; i++) {
                        emit(new ReactorEvent.SignalReceived(buf[i] & 0xff));
                    }
                }
            }
            case KIND_STATUS -> {
                ShimChild c = children.get(id);
                if (c != null) {
                    readStatus(c);
                }
            }
            case KIND_PIDFD -> {
                ShimChild c = children.remove(id);
                if (c != null) {
                    ExitStatus status = reap(c);
                    c.exit.complete(status);
                    emit(new ReactorEvent.ChildExited(c, status));
                }
            }
            default -> throw new IllegalStateException("bad epoll key " + key);
        }
    }

    /** Reads what the status pipe has now; at EOF stops watching it. */
    private void readStatus(ShimChild c) throws LinuxException {
        if (c.statusEof) {
            return;
        }
        byte[] buf = new byte[256];
        int n;
        while ((n = Syscalls.read(c.statusFd, buf, 0, buf.length)) > 0) {
            // The line is a few bytes; a shim writing more is broken, keep memory bounded.
            if (c.status.size() < 4096) {
                c.status.write(buf, 0, n);
            }
        }
        if (n == 0) {
            c.statusEof = true;
            Syscalls.epollDelete(epfd, c.statusFd);
        }
        for (int signal : c.takeStopNotices()) {
            emit(new ReactorEvent.ChildStopped(c, signal));
        }
    }

    /** The shim has exited: take its status line (it wins) or else waitid's status; free its fds. */
    private ExitStatus reap(ShimChild c) throws LinuxException {
        readStatus(c);
        ExitStatus waited = Syscalls.waitPidfd(c.pidfd);
        release(c);
        String line = c.statusLine();
        if (line != null) {
            var parsed = StatusLine.parse(line);
            if (parsed.isPresent()) {
                return parsed.get();
            }
        }
        return waited;
    }

    private void release(ShimChild c) {
        synchronized (c) {
            if (!c.statusEof && c.statusFd >= 0) {
                try {
                    Syscalls.epollDelete(epfd, c.statusFd);
                } catch (LinuxException e) {
                    // Closing the fd below removes it from the epoll set anyway.
                }
            }
            Syscalls.closeQuietly(c.statusFd);
            Syscalls.closeQuietly(c.controlFd);
            Syscalls.closeQuietly(c.pidfd);
            c.statusFd = -1;
            c.controlFd = -1;
            c.pidfd = -1;
        }
    }

    private void emit(ReactorEvent event) {
        try {
            events.accept(event);
        } catch (RuntimeException e) {
            // The reactor must outlive a faulty consumer: its death would kill every child.
            ThreadFailures.consumerFailed(event, e);
        }
    }

    private void shutdown() {
        closing = true;
        for (ShimChild c : children.values()) {
            try {
                synchronized (c) {
                    Syscalls.pidfdSendSignal(c.pidfd, Signals.SIGKILL);
                }
                c.exit.complete(Syscalls.waitPidfd(c.pidfd));
            } catch (LinuxException e) {
                ThreadFailures.cannotKill(c, e.getMessage());
            }
            c.exit.complete(new ExitStatus.Signalled(Signals.SIGKILL, false));
            release(c);
        }
        children.clear();
        for (int s : handledSignals) {
            try {
                signalPipe.reset(s);
            } catch (LinuxException e) {
                ThreadFailures.cannotRestoreSignal(e.getMessage());
            }
        }
        if (signalPipe != null) {
            try {
                Syscalls.epollDelete(epfd, signalPipe.readFd);
            } catch (LinuxException e) {
                // epfd is closed next anyway.
            }
        }
        synchronized (requests) {
            stopped = true;
            Request<?> r;
            while ((r = requests.poll()) != null) {
                r.fail();
            }
        }
        Syscalls.closeQuietly(epfd);
        Syscalls.closeQuietly(wakeFd);
    }
}
