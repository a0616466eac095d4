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
        int code = run(args, out, System.err, Path.of("").toAbsolutePath(), callerEnv(System.getenv()),
                System.getProperty("vagga.argv0"));
        out.flush();
        System.err.flush();
        System.exit(code);
    }

    /** The launcher's variable carrying the caller's own LC_ALL while the JVM runs with a UTF-8 one. */
    static final String SAVED_LC_ALL = "_VAGGA_LC_ALL";

    /**
     * The caller's environment as it was before the launcher gave the JVM a UTF-8 locale (launcher.sh):
     * its own LC_ALL back (or none), the launcher's variable gone; else {@code env} itself.
     */
    static Map<String, String> callerEnv(Map<String, String> env) {
        String saved = env.get(SAVED_LC_ALL);
        if (saved == null) {
            return env;
        }
        Map<String, String> out = new java.util.HashMap<>(env);
        out.remove(SAVED_LC_ALL);
        if (saved.startsWith("set:")) {
            out.put("LC_ALL", saved.substring(4));
        } else {
            out.remove("LC_ALL");
        }
        return java.util.Collections.unmodifiableMap(out);
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
        } finally {
            vagga.config.CacheWrites.flush(); // what no wait for a child took (CacheWrites)
        }
    }
}
