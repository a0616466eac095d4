// Ours: how a supervise run ended, per child: the summary on stderr and the JSON report (--report FILE).
package vagga.plan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Pure wording and encoding; the supervisor fills in what happened. */
public final class PostMortem {
    private PostMortem() {}

    /** How one child ended. */
    public sealed interface Ending permits Exited, Killed, NeverStarted, Running {}

    /** Exited with {@code code}. */
    public record Exited(int code) implements Ending {}

    /** Died of a signal. */
    public record Killed(String signalName, int signal, boolean coreDumped) implements Ending {}

    /** Never ran: its container could not be started, or what it waited for never came. */
    public record NeverStarted(String reason) implements Ending {}

    /** Still running when the report was made (only while a run is going on). */
    public record Running() implements Ending {}

    /**
     * One child of the run.
     * @param pid          host pid of its init shim, 0 if it never started
     * @param startedMs    epoch milliseconds of its (last) start, 0 if it never started
     * @param endedMs      epoch milliseconds of its end, 0 if it did not end
     * @param stopAfterMs  how long after vagga's stop signal it ended, or -1 when vagga sent none
     * @param killedByVagga vagga sent it SIGKILL at the kill-unresponsive-after deadline
     * @param endedTheRun  its end ended the run
     * @param restarts     how many times it was started again
     * @param readyMs      epoch milliseconds when it became ready, 0 if never (or no probe)
     * @param lastLines    its last lines of output, when they passed through vagga
     */
    public record Child(String name, int pid, long startedMs, long endedMs, Ending ending, long stopAfterMs,
                        boolean killedByVagga, boolean endedTheRun, int restarts, long readyMs,
                        List<String> lastLines) {
        public Child {
            lastLines = List.copyOf(lastLines);
        }
    }

    /** The whole run: its command, vagga's exit code and what ended it ({@code cause}: a child or a signal). */
    public record Run(String command, int exitCode, String cause, List<Child> children) {
        public Run {
            children = List.copyOf(children);
        }
    }

    /** How a child ended, in a few words: {@code exited 1}, {@code stopped by vagga after 0.4 s (exited 143)}. */
    public static String ending(Child c) {
        String how;
        if (c.ending() instanceof Exited e) {
            how = "exited " + Integer.toUnsignedString(e.code() & 0xff);
        } else if (c.ending() instanceof Killed k) {
            how = "killed by " + k.signalName() + (k.coreDumped() ? " (core dumped)" : "");
        } else if (c.ending() instanceof NeverStarted n) {
            how = "never started: " + n.reason();
        } else {
            how = "running";
        }
        if (c.killedByVagga()) {
            how = "killed by vagga with SIGKILL after " + seconds(c.stopAfterMs()) + " s (did not stop in time)";
        } else if (c.stopAfterMs() >= 0 && !(c.ending() instanceof NeverStarted)) {
            how = "stopped by vagga after " + seconds(c.stopAfterMs()) + " s (" + how + ")";
        }
        if (c.restarts() > 0) {
            how += ", restarted " + c.restarts() + (c.restarts() == 1 ? " time" : " times");
        }
        return how;
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.1f", ms / 1000.0);
    }

    /** The summary for stderr, one line per child (name padded), and the last lines of the one that ended the run. */
    public static List<String> summary(Run run) {
        List<String> lines = new ArrayList<>();
        lines.add("---------- Summary of " + run.command() + ": exit code " + run.exitCode()
                + (run.cause() == null ? "" : ", ended by " + run.cause()) + " -----------");
        int width = 0;
        for (Child c : run.children()) {
            width = Math.max(width, c.name().length());
        }
        for (Child c : run.children()) {
            lines.add("  " + c.name() + " ".repeat(width - c.name().length()) + "  " + ending(c)
                    + (c.endedTheRun() ? "  <- ended the run" : ""));
        }
        for (Child c : run.children()) {
            if (c.endedTheRun() && !c.lastLines().isEmpty()) {
                lines.add("  last lines of " + c.name() + ":");
                c.lastLines().forEach(l -> lines.add("    | " + l));
            }
        }
        return lines;
    }

    /** The report for CI (--report FILE), as JSON: the same facts, times in ISO-8601 UTC. */
    public static String json(Run run) {
        StringBuilder b = new StringBuilder();
        b.append("{\n  \"command\": ").append(str(run.command()))
                .append(",\n  \"exit_code\": ").append(run.exitCode())
                .append(",\n  \"ended_by\": ").append(run.cause() == null ? "null" : str(run.cause()))
                .append(",\n  \"children\": [");
        for (int i = 0; i < run.children().size(); i++) {
            Child c = run.children().get(i);
            b.append(i == 0 ? "\n" : ",\n").append("    {\"name\": ").append(str(c.name()))
                    .append(", \"pid\": ").append(c.pid() == 0 ? "null" : Integer.toString(c.pid()))
                    .append(", \"started\": ").append(time(c.startedMs()))
                    .append(", \"ended\": ").append(time(c.endedMs()))
                    .append(", \"ready\": ").append(time(c.readyMs()));
            if (c.ending() instanceof Exited e) {
                b.append(", \"exit_code\": ").append(Integer.toUnsignedString(e.code() & 0xff))
                        .append(", \"signal\": null");
            } else if (c.ending() instanceof Killed k) {
                b.append(", \"exit_code\": null, \"signal\": ").append(str(k.signalName()))
                        .append(", \"core_dumped\": ").append(k.coreDumped());
            } else if (c.ending() instanceof NeverStarted n) {
                b.append(", \"exit_code\": null, \"signal\": null, \"never_started\": ").append(str(n.reason()));
            } else {
                b.append(", \"exit_code\": null, \"signal\": null, \"running\": true");
            }
            b.append(", \"stopped_by_vagga\": ").append(c.stopAfterMs() >= 0)
                    .append(", \"killed_by_vagga\": ").append(c.killedByVagga())
                    .append(", \"ended_the_run\": ").append(c.endedTheRun())
                    .append(", \"restarts\": ").append(c.restarts())
                    .append(", \"ending\": ").append(str(ending(c)))
                    .append(", \"last_lines\": [");
            for (int j = 0; j < c.lastLines().size(); j++) {
                b.append(j == 0 ? "" : ", ").append(str(c.lastLines().get(j)));
            }
            b.append("]}");
        }
        return b.append("\n  ]\n}\n").toString();
    }

    private static String time(long ms) {
        return ms == 0 ? "null" : str(Instant.ofEpochMilli(ms).toString());
    }

    private static String str(String s) {
        String quoted = StatusText.debugString(s);
        StringBuilder out = new StringBuilder(quoted.length());
        for (int i = 0; i < quoted.length(); i++) {
            char c = quoted.charAt(i);
            out.append(c < 0x20 ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }
}
