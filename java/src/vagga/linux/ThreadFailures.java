// The wording and the one outlet of failures on the linux package's own threads (reactor, prefixer), which have no caller to throw to.
package vagga.linux;

import java.io.PrintStream;

/** The linux package never prints: cli points the outlet at stderr when vagga starts. */
public final class ThreadFailures {
    /** Null: dropped. A PrintStream, not a lambda: no bootstrap cost at every start. */
    private static volatile PrintStream outlet;

    private ThreadFailures() {}

    /** Where the lines go from now on. */
    public static void sendTo(PrintStream lines) {
        outlet = lines;
    }

    private static void say(String line) {
        PrintStream out = outlet;
        if (out != null) {
            out.println(line);
        }
    }

    /** Nothing can be spawned or reaped any more; the children die with the reactor thread. */
    static void reactorFailed(String why) {
        say("vagga: process reactor failed: " + why);
    }

    static void consumerFailed(Object event, RuntimeException e) {
        say("vagga: reactor event consumer failed on " + event + ": " + e);
    }

    static void cannotKill(Object child, String why) {
        say("vagga: cannot kill " + child + ": " + why);
    }

    static void cannotRestoreSignal(String why) {
        say("vagga: " + why);
    }

    static void prefixerStopped(String why) {
        say("vagga: the output prefixer stopped: " + why);
    }
}
