// The one long-lived platform thread that spawns every shim and waits for all of them.
package vagga.linux;

import java.util.function.Consumer;

/**
 * PR_SET_PDEATHSIG follows the thread that spawned a process, so every spawn happens on this
 * one thread, which lives as long as the supervisor. It waits (epoll) on the pidfds and status
 * pipes of its shims, on a signal self-pipe, and on an eventfd that wakes it for new requests.
 */
public final class ProcessReactor implements AutoCloseable {
    /** Starts the reactor thread; events are delivered on that thread, keep the consumer quick. */
    public ProcessReactor(Consumer<ReactorEvent> events) throws LinuxException {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Catches these signals (native handler, self-pipe) and reports them as SignalReceived. */
    public void handleSignals(int... signals) throws LinuxException {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Spawns a shim on the reactor thread; returns when the shim has been exec'd. */
    public SpawnedChild spawn(ShimInvocation invocation) throws LinuxException {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Asks the shim to send {@code signal} to its command (group=false) or the command's
     *  process group (group=true). Does nothing when the child has exited. */
    public void signal(SpawnedChild child, int signal, boolean group) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** SIGKILL to the shim itself (which takes its whole PID namespace). */
    public void kill(SpawnedChild child) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    @Override
    public void close() {
    }
}
