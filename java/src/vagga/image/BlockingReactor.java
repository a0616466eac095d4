// A CommandRunner on its own ProcessReactor: spawn, then block the calling thread until ChildExited.
package vagga.image;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import vagga.config.CacheWrites;
import vagga.linux.ExitStatus;
import vagga.linux.LinuxException;
import vagga.linux.ProcessReactor;
import vagga.linux.ReactorEvent;
import vagga.linux.ShimInvocation;
import vagga.linux.SpawnedChild;

/**
 * The reactor thread lives as long as this object, so PR_SET_PDEATHSIG of the build shims is tied
 * to it (close it only after every run returned). A child may exit before spawn() returns, so
 * results are keyed by pid and whoever comes first (event or waiter) creates the future.
 */
public final class BlockingReactor implements CommandRunner, AutoCloseable {
    private final Map<Integer, CompletableFuture<ExitStatus>> results = new ConcurrentHashMap<>();
    private final ProcessReactor reactor;
    private volatile SpawnedChild current;

    public BlockingReactor() throws LinuxException {
        // no stage: a build step must see the overlay mounted at its root (LayeredRoot)
        // an anonymous class, not a method reference: see ProcessReactor's constructor
        reactor = new ProcessReactor(new java.util.function.Consumer<ReactorEvent>() {
            @Override
            public void accept(ReactorEvent event) {
                onEvent(event);
            }
        }, false);
    }

    private void onEvent(ReactorEvent event) {
        if (event instanceof ReactorEvent.ChildExited exited) {
            future(exited.child().pid()).complete(exited.status());
        } else if (event instanceof ReactorEvent.SignalReceived received) {
            SpawnedChild child = current;
            if (child != null) {
                reactor.signal(child, received.signal(), false);
            }
        }
    }

    /**
     * Passes these signals on to the running command instead of dying of them (`vagga _run`
     * of an interactive program: the shim is in its own process group, so a terminal's
     * Ctrl-C reaches only vagga).
     */
    public void forwardSignals(int... signals) throws LinuxException {
        reactor.handleSignals(signals);
    }

    private CompletableFuture<ExitStatus> future(int pid) {
        CompletableFuture<ExitStatus> f = results.get(pid);
        if (f == null) {
            CompletableFuture<ExitStatus> made = new CompletableFuture<>();
            f = results.putIfAbsent(pid, made);
            if (f == null) {
                f = made;
            }
        }
        return f;
    }

    @Override
    public ExitStatus run(ShimInvocation invocation) throws LinuxException, InterruptedException {
        SpawnedChild child = reactor.spawn(invocation);
        CacheWrites.flush(); // while the command runs
        current = child;
        try {
            return future(child.pid()).get();
        } catch (InterruptedException e) {
            // the caller gives up (build aborted): the whole container goes with its shim
            reactor.kill(child);
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException("exit futures are only completed normally", e);
        } finally {
            current = null;
            results.remove(child.pid());
        }
    }

    @Override
    public boolean joinMountNamespace(int tid) {
        return reactor.joinMountNamespace(tid);
    }

    @Override
    public void close() {
        reactor.close();
    }
}
