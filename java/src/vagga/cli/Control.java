// Ours: vagga _status (the project's running supervisors and their children) and vagga _restart CHILD... [--pid PID].
package vagga.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import vagga.config.Config;
import vagga.config.Spelling;
import vagga.plan.ExitCodes;
import vagga.runtime.ControlSocket;

final class Control {
    private Control() {}

    /** One child as a supervisor reports it: name pid state uptime-seconds restarts. */
    private record ChildState(String name, String pid, String state, String uptime, String restarts) {}

    private static Path vaggaDir(Config config) {
        return config.projectRoot().resolve(".vagga");
    }

    /**
     * The project's running supervisors: the children of each that answered, by its socket;
     * {@code silent} those that did not answer in time (stopped); {@code removed} the pids of
     * supervisors that died without closing their socket (now removed).
     */
    private record Supervisors(Map<Path, List<ChildState>> answered, List<String> silent, List<Long> removed) {}

    private static Supervisors supervisors(Config config) {
        Map<Path, List<ChildState>> out = new LinkedHashMap<>();
        List<String> silent = new ArrayList<>();
        ControlSocket.Scan scan = ControlSocket.scan(vaggaDir(config));
        for (Path socket : scan.live()) {
            try {
                List<ChildState> children = new ArrayList<>();
                for (String line : ControlSocket.ask(socket, "status").split("\n")) {
                    String[] w = line.trim().split(" ");
                    if (w.length == 5) {
                        children.add(new ChildState(w[0], w[1], w[2], w[3], w[4]));
                    }
                }
                out.put(socket, children);
            } catch (ControlSocket.NoAnswer e) {
                silent.add(e.getMessage());
            } catch (IOException e) {
                // it ended meanwhile
            }
        }
        return new Supervisors(out, silent, scan.removed());
    }

    /** One line per supervisor socket left by a dead supervisor, removed now. */
    private static void reportRemoved(Invocation inv, String command, Supervisors s) {
        for (long pid : s.removed()) {
            inv.err().println("vagga " + command + ": removed .vagga/.supervisors/" + pid + ".sock: supervisor "
                    + pid + " ended without closing it (killed by SIGKILL?); nothing of its run is left");
        }
        for (String line : s.silent()) {
            inv.err().println("vagga " + command + ": " + line);
        }
    }

    static int status(Invocation inv, Config config, List<String> args) {
        if (!args.isEmpty()) {
            inv.err().println("Usage: vagga _status\nvagga _status: unexpected argument \"" + args.get(0) + "\"");
            return ExitCodes.BAD_ARGUMENTS;
        }
        Supervisors found = supervisors(config);
        reportRemoved(inv, "_status", found);
        Map<Path, List<ChildState>> all = found.answered();
        if (all.isEmpty()) {
            if (found.silent().isEmpty()) {
                inv.out().println("no supervisor of this project is running");
                return ExitCodes.OK;
            }
            return ExitCodes.RUNTIME_ERROR;
        }
        for (Map.Entry<Path, List<ChildState>> e : all.entrySet()) {
            inv.out().println("supervisor " + ControlSocket.pidOf(e.getKey()));
            int width = "CHILD".length();
            for (ChildState c : e.getValue()) {
                width = Math.max(width, c.name().length());
            }
            String format = "  %-" + width + "s  %-7s  %-13s  %7s  %s%n";
            inv.out().printf(format, "CHILD", "PID", "STATE", "UPTIME", "RESTARTS");
            for (ChildState c : e.getValue()) {
                inv.out().printf(format, c.name(), c.pid(), c.state(), c.uptime() + "s", c.restarts());
            }
        }
        return found.silent().isEmpty() ? ExitCodes.OK : ExitCodes.RUNTIME_ERROR;
    }

    static int restart(Invocation inv, Config config, List<String> args) {
        List<String> names = new ArrayList<>();
        Long pid = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String value = a.startsWith("--pid=") ? a.substring(6) : a.equals("--pid") && i + 1 < args.size()
                    ? args.get(++i) : null;
            if (value != null) {
                try {
                    pid = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    return usage(inv, "--pid takes a number, found \"" + value + "\"");
                }
            } else if (a.equals("-h") || a.equals("--help")) {
                inv.out().println(USAGE + "\n\nStops CHILD as vagga stops a child (SIGTERM, kill-unresponsive-after, "
                        + "SIGKILL)\nand starts it again in a fresh container; the other children go on.");
                return ExitCodes.OK;
            } else if (a.startsWith("-")) {
                return usage(inv, "unknown option " + a);
            } else {
                names.add(a);
            }
        }
        if (names.isEmpty()) {
            return usage(inv, "name the child (or children) to restart");
        }
        Supervisors found = supervisors(config);
        reportRemoved(inv, "_restart", found);
        Map<Path, List<ChildState>> all = found.answered();
        if (all.isEmpty()) {
            if (found.silent().isEmpty()) {
                inv.err().println("vagga _restart: no supervisor of this project is running");
            }
            return ExitCodes.RUNTIME_ERROR;
        }
        if (pid != null) {
            long wanted = pid;
            Map<Path, List<ChildState>> one = new LinkedHashMap<>();
            all.forEach((socket, children) -> {
                if (ControlSocket.pidOf(socket) == wanted) {
                    one.put(socket, children);
                }
            });
            if (one.isEmpty()) {
                inv.err().println("vagga _restart: no supervisor of this project has pid " + pid
                        + " (running: " + pids(all.keySet()) + ")");
                return ExitCodes.RUNTIME_ERROR;
            }
            all = one;
        }
        Map<Path, List<String>> plan = new LinkedHashMap<>();
        for (String name : names) {
            List<Path> having = new ArrayList<>();
            TreeSet<String> known = new TreeSet<>();
            all.forEach((socket, children) -> children.forEach(c -> {
                known.add(c.name());
                if (c.name().equals(name)) {
                    having.add(socket);
                }
            }));
            if (having.isEmpty()) {
                String hint = Spelling.didYouMean(name, known);
                inv.err().println("vagga _restart: no running supervisor has a child \"" + name + "\""
                        + (hint == null ? "" : " (" + hint + ")"));
                inv.err().println("hint: children: " + String.join(", ", known));
                return ExitCodes.BAD_ARGUMENTS;
            }
            if (having.size() > 1) {
                inv.err().println("vagga _restart: \"" + name + "\" runs in more than one supervisor (pids "
                        + pids(having) + "): give --pid PID");
                return ExitCodes.BAD_ARGUMENTS;
            }
            plan.computeIfAbsent(having.get(0), k -> new ArrayList<>()).add(name);
        }
        int code = ExitCodes.OK;
        for (Map.Entry<Path, List<String>> e : plan.entrySet()) {
            try {
                String answer = ControlSocket.ask(e.getKey(), "restart " + String.join(" ", e.getValue()));
                for (String line : answer.split("\n")) {
                    if (line.startsWith("error: ")) {
                        inv.err().println("vagga _restart: " + line.substring(7));
                        code = ExitCodes.RUNTIME_ERROR;
                    } else if (!line.isEmpty()) {
                        inv.out().println(line);
                    }
                }
            } catch (IOException ex) {
                inv.err().println("vagga _restart: supervisor " + ControlSocket.pidOf(e.getKey()) + ": " + ex.getMessage());
                code = ExitCodes.RUNTIME_ERROR;
            }
        }
        return code;
    }

    private static final String USAGE = "Usage: vagga _restart CHILD... [--pid PID]";

    private static int usage(Invocation inv, String message) {
        inv.err().println(USAGE);
        inv.err().println("vagga _restart: " + message);
        return ExitCodes.BAD_ARGUMENTS;
    }

    private static String pids(Iterable<Path> sockets) {
        List<String> out = new ArrayList<>();
        sockets.forEach(s -> out.add(Long.toString(ControlSocket.pidOf(s))));
        return String.join(", ", out);
    }
}
