// The signals the launcher starts the JVM with blocked (native/shim/vagga-sigblock.c), and when they are let through.
package vagga.linux;

/**
 * Blocked from the JVM's first instruction, a signal that arrives before vagga is ready stays
 * pending: it is neither lost (a caller's SIG_IGN: `vagga cmd &` in a script) nor fatal to a
 * half-started JVM. They are let through on one thread at a time, never earlier than they can act:
 * {@link ProcessReactor#handleSignals} on the reactor thread once the handlers are in place (the
 * supervisor, `_run`), {@link #release} on the calling thread before work that runs under the
 * default dispositions (building a container, a built-in command). Either way an ignored SIGINT or
 * SIGQUIT inherited from the caller becomes the default first: vagga acts on them, as vagga does;
 * and a SIGPIPE sent by another process kills vagga as other unhandled signals do (SIGUSR2: the
 * launcher moves HotSpot's suspend/resume signal off it with _JAVA_SR_SIGNUM).
 * The quick commands (`_list`, `--version`, ...) just finish; a signal still pending then is moot.
 * Run without the launcher (JUnit in-process), nothing is blocked and this changes nothing.
 */
public final class EarlySignals {
    /** As vagga-sigblock.c blocks them. */
    static final int[] BLOCKED = {
        Signals.SIGHUP, Signals.SIGINT, Signals.SIGQUIT, Signals.SIGTERM, Signals.SIGTSTP,
        Signals.SIGTTIN, Signals.SIGTTOU, Signals.SIGCONT,
    };

    private EarlySignals() {}

    /** Lets the blocked signals through on the calling thread: one that already arrived acts now. */
    public static void release() {
        try {
            LibraryLoader.loadChecked();
            releaseOnThisThread();
        } catch (LinuxException e) {
            // Without the JNI library vagga cannot run anything that needs the signals anyway.
        }
    }

    /**
     * Ignored INT/QUIT to the default, SIGPIPE fatal when sent from outside (HotSpot ignores every
     * SIGPIPE), then unblocks; callers install their handlers before.
     */
    static void releaseOnThisThread() throws LinuxException {
        SignalPipe.defaultIfIgnored(Signals.SIGINT);
        SignalPipe.defaultIfIgnored(Signals.SIGQUIT);
        SignalPipe.fatalFromOutside(Signals.SIGPIPE);
        for (int s : BLOCKED) {
            SignalPipe.unblock(s);
        }
    }
}
