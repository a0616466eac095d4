// What the reactor thread reports to the supervisor.
package vagga.linux;

public sealed interface ReactorEvent {
    /** The shim exited; status is the command's (PROTOCOL.md), or the shim's own (124...). */
    record ChildExited(SpawnedChild child, ExitStatus status) implements ReactorEvent {}

    /** The command was stopped by SIGTSTP from the terminal it holds (Ctrl-Z); it goes on running
     *  only after a SIGCONT. */
    record ChildStopped(SpawnedChild child, int signal) implements ReactorEvent {}

    /** A signal registered with {@link ProcessReactor#handleSignals} arrived. */
    record SignalReceived(int signal) implements ReactorEvent {}
}
