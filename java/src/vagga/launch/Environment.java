// The environment of every process vagga starts in a container (SPEC 4.3): the one home of its rules.
package vagga.launch;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import vagga.config.Settings;

/**
 * Every process starts from an empty environment. Lowest to highest, each purpose takes the layers
 * it has:
 * <pre>
 *                         child  command  _run  build step
 * PATH (vagga's default)    x       x       x       x
 * TERM (caller's or dumb)   x       x       x       x
 * HOME=/tmp                 x       x       x       x      (ours for commands, vagga's for builds)
 * proxy variables           x       x       x       x      (unless the setting proxy-env-vars is false)
 * container environ         x       x       x
 * !Env of the build so far                          x
 * command environ           x       x
 * settings' environ         x       x       x
 * VAGGAENV_* (stripped)     x       x       x      \
 * -e NAME, -E NAME=VALUE    x       x       x       } one layer, as vagga makes them all VAGGAENV_*:
 * propagate-environ         x       x       x      /  -E NAME removes, propagate only adds
 * VAGGAOPT_* / VAGGACLI_*   x
 * VAGGA_COMMAND             x       x
 * VAGGA_SUBCOMMAND          x
 * </pre>
 * The caller's own HOME, USER, ... are never passed. HOME=/tmp when nothing sets it: vagga leaves it
 * unset for commands, and shells then read {@code /.profile} or {@code /.cargo/env}; /tmp is the one
 * directory every container has writable (and vagga's builder sets it so too). Keys keep the position of their first setting.
 * A build step never sees the caller's -e/-E/VAGGAENV_*: a root must be a function of its
 * definition (the version hash), not of who built it.
 */
public final class Environment {
    private Environment() {}

    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** HOME when nothing else sets it. */
    public static final String DEFAULT_HOME = "/tmp";
    /** Caller variables with this prefix reach every container with the prefix stripped. */
    public static final String ENV_PREFIX = "VAGGAENV_";
    /** Proxy variables passed from the caller, in both spellings. */
    public static final List<String> PROXY_NAMES = List.of(
            "http_proxy", "https_proxy", "ftp_proxy", "all_proxy", "no_proxy",
            "HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "ALL_PROXY", "NO_PROXY");

    /**
     * What the caller of vagga contributes, the same for every process of a run.
     *
     * @param callerEnv the caller's whole environment (source of VAGGAENV_*, -e values, proxies)
     * @param useEnv    the names given with -e/--use-env, in order
     * @param setEnv    the -E/--environ settings, in order
     * @param setEnv    the -E/--environ settings, in order (a null value: -E NAME, which removes NAME)
     * @param hostTerm  the caller's TERM, or null
     * @param settings  the user's vagga settings (environ, propagate-environ, proxy-env-vars)
     */
    public record Caller(Map<String, String> callerEnv, List<String> useEnv, Map<String, String> setEnv,
                         String hostTerm, Settings settings) {
        public Caller {
            callerEnv = Map.copyOf(callerEnv);
            useEnv = List.copyOf(useEnv);
            setEnv = Collections.unmodifiableMap(new LinkedHashMap<>(setEnv));
            settings = settings == null ? Settings.defaults() : settings;
        }

        public Caller(Map<String, String> callerEnv, List<String> useEnv, Map<String, String> setEnv,
                      String hostTerm) {
            this(callerEnv, useEnv, setEnv, hostTerm, null);
        }

        /** From a real environment: TERM is read from it too. */
        public static Caller of(Map<String, String> callerEnv, List<String> useEnv, Map<String, String> setEnv) {
            return new Caller(callerEnv, useEnv, setEnv, callerEnv.get("TERM"));
        }

        /** The same caller with the user's settings. */
        public Caller with(Settings s) {
            return new Caller(callerEnv, useEnv, setEnv, hostTerm, s);
        }

        /** A caller that gave no -e/-E (a build, started by whichever command needed it). */
        public static Caller of(Map<String, String> callerEnv) {
            return of(callerEnv, List.of(), Map.of());
        }
    }

    /**
     * Splits one -E argument; the value may contain '=' and may be empty. Without '=' the value is
     * null: as in vagga, {@code -E NAME} removes NAME (set by VAGGAENV_NAME or -e) instead.
     */
    public static Map.Entry<String, String> parseSetting(String arg) {
        int eq = arg.indexOf('=');
        if (eq == 0 || arg.isEmpty()) {
            throw new IllegalArgumentException("expected NAME=VALUE, got \"" + arg + "\"");
        }
        return eq < 0 ? new java.util.AbstractMap.SimpleEntry<>(arg, null)
                : Map.entry(arg.substring(0, eq), arg.substring(eq + 1));
    }

    /**
     * A supervised child ({@code childName} non-null) or a plain command ({@code childName} null:
     * no VAGGA_SUBCOMMAND).
     */
    public static Map<String, String> compose(Caller caller, Map<String, String> containerEnviron,
                                              Map<String, String> commandEnviron,
                                              Map<String, String> optionVariables,
                                              String commandName, String childName) {
        Map<String, String> env = base(caller);
        putAll(env, containerEnviron);
        putAll(env, commandEnviron);
        putAll(env, caller.settings().environ());
        callerLayers(env, caller);
        putAll(env, optionVariables);
        env.put("VAGGA_COMMAND", commandName);
        if (childName != null) {
            env.put("VAGGA_SUBCOMMAND", childName);
        }
        return Collections.unmodifiableMap(env);
    }

    /** {@code vagga _run CONTAINER CMD}: no command, so no command environ and no VAGGA_* names. */
    public static Map<String, String> forRun(Caller caller, Map<String, String> containerEnviron) {
        Map<String, String> env = base(caller);
        putAll(env, containerEnviron);
        putAll(env, caller.settings().environ());
        callerLayers(env, caller);
        return Collections.unmodifiableMap(env);
    }

    /** A build step ({@code !Sh}, {@code !Cmd}, a package manager): {@code buildEnviron} is the !Env so far. */
    public static Map<String, String> forBuildStep(Caller caller, Map<String, String> buildEnviron) {
        Map<String, String> env = base(caller);
        putAll(env, buildEnviron);
        return Collections.unmodifiableMap(env);
    }

    private static Map<String, String> base(Caller caller) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", DEFAULT_PATH);
        env.put("TERM", term(caller));
        env.put("HOME", DEFAULT_HOME);
        proxies(env, caller);
        return env;
    }

    private static String term(Caller caller) {
        return caller.hostTerm() == null || caller.hostTerm().isEmpty() ? "dumb" : caller.hostTerm();
    }

    private static void proxies(Map<String, String> env, Caller caller) {
        if (!caller.settings().proxyEnvVars()) {
            return;
        }
        for (String name : PROXY_NAMES) {
            String v = caller.callerEnv().get(name);
            if (v != null) {
                env.put(name, v);
            }
        }
    }

    /**
     * vagga turns -e NAME (the caller's value, empty when unset), then -E NAME=VALUE (-E NAME: removed),
     * then the caller's variables that propagate-environ names (unless already set) into VAGGAENV_*
     * variables, and passes every VAGGAENV_* with the prefix stripped.
     */
    private static void callerLayers(Map<String, String> env, Caller caller) {
        // Sorted so that the result does not depend on the caller map's iteration order.
        Map<String, String> passed = new TreeMap<>();
        // loops, not forEach lambdas: every start runs this, and a start without any lambda
        // does not pay the JVM's linking of the first one (~10 ms of CPU)
        for (Map.Entry<String, String> e : caller.callerEnv().entrySet()) {
            String k = e.getKey();
            if (k.startsWith(ENV_PREFIX) && k.length() > ENV_PREFIX.length()) {
                passed.put(k.substring(ENV_PREFIX.length()), e.getValue());
            }
        }
        Map<String, String> layer = new LinkedHashMap<>(passed);
        for (String name : caller.useEnv()) {
            layer.put(name, caller.callerEnv().getOrDefault(name, ""));
        }
        for (Map.Entry<String, String> e : caller.setEnv().entrySet()) {
            if (e.getValue() == null) {
                layer.remove(e.getKey());
            } else {
                layer.put(e.getKey(), e.getValue());
            }
        }
        if (!caller.settings().propagateEnviron().isEmpty()) {
            for (Map.Entry<String, String> e : new TreeMap<>(caller.callerEnv()).entrySet()) {
                if (caller.settings().propagates(e.getKey())) {
                    layer.putIfAbsent(e.getKey(), e.getValue());
                }
            }
        }
        env.putAll(layer);
    }

    private static void putAll(Map<String, String> env, Map<String, String> more) {
        if (more != null) {
            env.putAll(more);
        }
    }
}
