// The wording and the one outlet of failures on the linux package's own threads (reactor, prefixer), which have no caller to throw to.
package vagga.linux;

import java.util.function.Consumer;

/** The linux package never prints: cli points the outlet at stderr when vagga starts. */
public final class ThreadFailures {
    private static volatile Consumer<String> outlet = line -> {};

    private ThreadFailures() {}

    /** Where the lines go from now on. */
    public static void sendTo(Consumer<String> lines) {
        outlet = lines;
    }

    /** Nothing can be spawned or reaped any more; the children die with the reactor thread. */
    static void reactorFailed(String why) {
        outlet.accept("vagga: process reactor failed: " + why);
    }

    static void consumerFailed(Object event, RuntimeException e) {
        outlet.accept("vagga: reactor event consumer failed on " + event + ": " + e);
    }

    static void cannotKill(Object child, String why) {
        outlet.accept("vagga: cannot kill " + child + ": " + why);
    }

    static void cannotRestoreSignal(String why) {
        outlet.accept("vagga: " + why);
    }

    static void prefixerStopped(String why) {
        outlet.accept("vagga: the output prefixer stopped: " + why);
    }
}
