// Runs the host's network tools (ip, iptables, sysctl, mount) for the network family, in a given namespace.
package vagga.runtime;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * vagga runs {@code ip} and {@code iptables} as separate commands too. A command for another
 * network namespace goes through util-linux's {@code nsenter --net=PATH}, PATH naming the namespace
 * (a bind mount, or an fd of this process under /proc), so no thread of vagga ever changes its
 * own namespace. Each tool gets the parent-death signal (setpriv): a kill -9 of vagga leaves no
 * half-run tool behind. These are short, synchronous helpers; containers are still only ever
 * cloned by the reactor thread.
 */
public final class NetworkTool {
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private NetworkTool() {}

    /** A tool failed: its command line and how it ended, as vagga words it ("Error running ..."). */
    public static final class Failure extends Exception {
        private final int code;

        Failure(String message, int code) {
            super(message);
            this.code = code;
        }

        /** The tool's exit code (-1: it could not be started). */
        public int code() {
            return code;
        }
    }

    /** Runs {@code argv} in the namespace {@code netns} (null: vagga's own) with {@code input} on stdin. */
    public static String run(String netns, List<String> argv, String input) throws Failure {
        return run(null, netns, argv, input);
    }

    /**
     * As {@link #run(String, List, String)}, as root of the user namespace {@code userns} when not
     * null (an ordinary user's network: vagga's gateway user namespace owns all of its namespaces).
     */
    public static String run(String userns, String netns, List<String> argv, String input) throws Failure {
        return run(userns, netns, argv, input, null);
    }

    /**
     * Runs {@code argv} (which names {@link #GIVEN_NAMESPACE} for a namespace, {@code ip ... netns})
     * with the namespace file {@code given} as its stdin. A tool that joined a user namespace may
     * not open our /proc/PID/fd files any more (ptrace rules across user namespaces): the file is
     * opened here, and the tool reads it as its own fd.
     */
    public static String runGiven(String userns, String netns, String given, String... argv) throws Failure {
        return run(userns, netns, List.of(argv), null, given);
    }

    /** What a tool run by {@link #runGiven} calls the namespace it was given. */
    public static final String GIVEN_NAMESPACE = "/proc/self/fd/0";

    private static String run(String userns, String netns, List<String> argv, String input, String given)
            throws Failure {
        List<String> full = new ArrayList<>();
        if (Files.isExecutable(SETPRIV)) {
            full.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--"));
        }
        full.addAll(nsenter(userns, netns));
        full.add(program(argv.get(0)));
        full.addAll(argv.subList(1, argv.size()));
        Logs.debug(NetworkTool.class, "running {}", full);
        try {
            ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
            if (input == null) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new File(given != null ? given : "/dev/null")));
            }
            Process p = pb.start();
            if (input != null) {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            if (code != 0) {
                String text = output.strip();
                String last = text.isEmpty() ? "" : ": " + text.substring(text.lastIndexOf('\n') + 1);
                throw new Failure("Error running " + show(argv) + ": exited with code " + code + last, code);
            }
            return output;
        } catch (IOException e) {
            throw new Failure("Error running " + show(argv) + ": " + e.getMessage(), -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("Error running " + show(argv) + ": interrupted", -1);
        }
    }

    /** The nsenter words that put a command into {@code netns} (as root of {@code userns}); none for two nulls. */
    public static List<String> nsenter(String userns, String netns) {
        List<String> out = new ArrayList<>();
        if (userns != null || netns != null) {
            out.add(program("nsenter"));
            if (userns != null) {
                // our own ids are its root already; without it nsenter's setgroups fails where the
                // user has no subordinate ids (setgroups denied in a self-mapped namespace)
                out.add("--preserve-credentials");
                out.add("--user=" + userns);
            }
            if (netns != null) {
                out.add("--net=" + netns);
            }
            out.add("--");
        }
        return out;
    }

    /**
     * A tool's path: from PATH, else the sbin directories (an ordinary user's PATH often lacks
     * them, and nsenter would not find iptables or sysctl there); the name itself when not found.
     */
    public static String program(String name) {
        if (name.contains("/")) {
            return name;
        }
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(":")));
        }
        dirs.addAll(List.of("/usr/local/sbin", "/usr/sbin", "/sbin"));
        for (String dir : dirs) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name).toString();
            }
        }
        return name;
    }

    /** Runs {@code argv} in {@code netns} (null: vagga's own). */
    public static String run(String netns, String... argv) throws Failure {
        return run(netns, List.of(argv), null);
    }

    /** Runs {@code argv} in {@code netns} as root of {@code userns} (null: ours). */
    public static String runAs(String userns, String netns, String... argv) throws Failure {
        return run(userns, netns, List.of(argv), null);
    }

    /** A command line as vagga's _create_netns prints it: each word quoted. */
    public static String show(List<String> argv) {
        StringBuilder b = new StringBuilder();
        for (String a : argv) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append('\'').append(a.replace("'", "'\\''")).append('\'');
        }
        return b.toString();
    }
}
