// Entry point: parses the global flags, loads vagga.yaml, dispatches; the only System.exit.
package vagga.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

import vagga.linux.ThreadFailures;
import vagga.plan.ExitCodes;

public final class Main {
    private Main() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
        int code = run(args, out, System.err, Path.of("").toAbsolutePath(), System.getenv(),
                System.getProperty("vagga.argv0"));
        out.flush();
        System.err.flush();
        System.exit(code);
    }

    /** Runs vagga in-process (tests call this) and returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err, Path cwd,
                          Map<String, String> env) {
        return run(args, out, err, cwd, env, null);
    }

    /** As {@link #run(String[], PrintStream, PrintStream, Path, Map)}, called by the name {@code argv0}. */
    public static int run(String[] args, PrintStream out, PrintStream err, Path cwd,
                          Map<String, String> env, String argv0) {
        String symlink = Symlinks.commandName(argv0);
        GlobalOptions options = symlink == null ? QuickArgs.parse(args) : Symlinks.options(symlink, args);
        if (options != null && options.version) {
            out.println("vagga " + Version.get());
            return ExitCodes.OK;
        }
        if (options == null) {
            options = new GlobalOptions();
            Integer done = FullArgs.parse(options, args, out, err);
            if (done != null) {
                return done;
            }
        }
        boolean debug = options.debug || "1".equals(env.get("VAGGA_DEBUG"));
        if (debug) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
        }
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        // the reactor's and the prefixer's own failures (no caller to throw to) are lines on stderr
        ThreadFailures.sendTo(err);
        Invocation invocation = new Invocation(options, out, err, cwd, env, debug);
        try {
            return Dispatch.run(invocation);
        } catch (RuntimeException | Error e) {
            // Never a stack trace unless asked: one line naming the problem.
            err.println("vagga: internal error: " + e);
            if (debug) {
                e.printStackTrace(err);
            } else {
                err.println("hint: run with --debug for the stack trace");
            }
            return ExitCodes.RUNTIME_ERROR;
        }
    }
}
