// The lines the supervisor prints about children and signals (SPEC 3.2-3.4), exactly as vagga words them.
package vagga.plan;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Signal names are parameters (the runtime has them from vagga.linux.Signals), so plan keeps no
 * signal table of its own.
 */
public final class StatusText {
    private StatusText() {}

    /** Ours: the code unsigned (vagga prints codes of 128 and more as negative numbers). */
    public static String exited(int code) {
        return "exited with code " + Integer.toUnsignedString(code & 0xff);
    }

    public static String killedBySignal(String signalName, int signal, boolean coreDumped) {
        return "killed by signal " + signalName + "[" + signal + "]" + (coreDumped ? " (core dumped)" : "");
    }

    /** stdout, when a child ends the run. */
    public static String processEnded(String name, int pid, String status) {
        return "---------- Process " + name + ":" + pid + " " + status + ". Shutting down -----------";
    }

    /** Ours: stdout, when vagga _restart (or a restart policy) started a child again. */
    public static String restarted(String name, int oldPid, int newPid) {
        return "---------- Process " + name + ":" + oldPid + " restarted as " + name + ":" + newPid + " -----------";
    }

    /** Ours, stdout: a child waiting (`after`) for one that will never be ready. */
    public static String notReady(String name, String waitedFor, String probe, String seen) {
        return "---------- Process " + name + " not started: " + waitedFor + " (" + probe + ") " + seen
                + ". Shutting down -----------";
    }

    /** Ours, stderr, before anything starts: RLIMIT_NOFILE cannot be raised to what the run needs. */
    public static String tooFewOpenFiles(int children, long need, long limit) {
        return "vagga: " + children + " children need about " + need + " open files, more than the limit of "
                + limit + " (ulimit -Hn): nothing started";
    }

    /** The hint after {@link #tooFewOpenFiles}. */
    public static final String OPEN_FILES_REMEDY = "raise the hard limit (ulimit -Hn as root, LimitNOFILE= of a "
            + "systemd unit, /etc/security/limits.conf) or run fewer children at once";

    /** Ours: the post-mortem's reason for a child left unstarted when the run ended during the start. */
    public static final String ENDED_WHILE_STARTING = "the run ended while the children were starting";

    /** Ours, stdout: a child that ended and is started again after {@code delaySeconds} (restart policy). */
    public static String restartingIn(String name, int pid, String status, double delaySeconds) {
        return "---------- Process " + name + ":" + pid + " " + status + ". Restarting in " + delaySeconds
                + " s -----------";
    }

    /** Ours, stderr: the run goes on, but `_status`/`_restart` cannot reach it. */
    public static String noControlSocket(String why) {
        return "vagga: warning: no control socket (_restart, _status will not see this run): " + why;
    }

    /** Ours, stderr: --report FILE could not be written. */
    public static String reportNotWritten(String file, String why) {
        return "vagga: cannot write the report " + file + ": " + why;
    }

    /** stderr, as vagga: a pass-tcp-socket address that cannot be listened on; nothing is started. */
    public static String cannotListen(String address, String why) {
        return "Error listening \"" + address + "\": " + why;
    }

    /** Ours, stderr: an unprivileged run without subordinate ids. */
    public static String noSubordinateIds(String user) {
        return "vagga: warning: no range for " + user + " in /etc/subuid and /etc/subgid (or no newuidmap): only "
                + "your own uid and gid are mapped (to 0) in the containers";
    }

    /** stderr: a system call failed ({@code message} names it); a {@link #hint} may follow. */
    public static String systemError(String message) {
        return "vagga: " + message;
    }

    /** stdout, when a child cannot be started. */
    public static String couldNotRun(String name, String error) {
        return "---------- Process " + name + " could not be run: " + error + ". Shutting down -----------";
    }

    /** stderr, the line after an error whose remedy is known. */
    public static String hint(String remedy) {
        return "hint: " + remedy;
    }

    /** stdout, two lines, at the kill deadline; names as Rust's {@code {:?}} prints a list of strings. */
    public static String stillAlive(List<String> names) {
        String list = names.stream().map(StatusText::debugString).collect(Collectors.joining(", ", "[", "]"));
        return "---------- Processes " + list + " are still alive. Killing ... -----------\n"
                + "To prevent killing of the processes set ``kill-unresponsive-after`` to some larger value";
    }

    /**
     * stderr, when the supervisor receives a signal it handles (SPEC 3.3); null for any other.
     * The SIGTERM line has two spaces, as vagga prints it.
     */
    public static String signalReceived(String signalName) {
        return switch (signalName) {
            case "SIGINT", "SIGQUIT" -> "Received " + signalName + " signal. Waiting the processes to stop...";
            case "SIGTERM" -> "Received SIGTERM signal.  Waiting the processes to stop...";
            case "SIGTSTP", "SIGTTIN", "SIGTTOU" -> "Received " + signalName + " signal. Stopping children and self ..";
            case "SIGCONT" -> "Received SIGCONT signal. Propagating ..";
            default -> null;
        };
    }

    /** Quoted as Rust's {@code {:?}} quotes a string (also JSON for everything but other control characters). */
    static String debugString(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
