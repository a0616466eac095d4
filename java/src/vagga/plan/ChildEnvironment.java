// The environment of one child process (SPEC 4.3), as a pure function of its inputs.
package vagga.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

public final class ChildEnvironment {
    private ChildEnvironment() {}

    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /**
     * Ours: HOME when nothing sets it (vagga leaves it unset, and shells then read {@code /.profile}
     * or {@code /.cargo/env}); /tmp is the one directory every container has writable.
     */
    public static final String DEFAULT_HOME = "/tmp";
    /** Caller variables with this prefix reach every container with the prefix stripped. */
    public static final String ENV_PREFIX = "VAGGAENV_";
    /** Proxy variables passed from the caller, in both spellings. */
    public static final List<String> PROXY_NAMES = List.of(
            "http_proxy", "https_proxy", "ftp_proxy", "all_proxy", "no_proxy",
            "HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "ALL_PROXY", "NO_PROXY");

    /**
     * What the caller of vagga contributes, the same for every child of a run.
     *
     * @param callerEnv the caller's whole environment (source of VAGGAENV_*, -e values, proxies)
     * @param useEnv    the names given with -e/--use-env, in order
     * @param setEnv    the -E/--environ settings, in order
     * @param hostTerm  the caller's TERM, or null
     */
    public record Caller(Map<String, String> callerEnv, List<String> useEnv, Map<String, String> setEnv,
                         String hostTerm) {
        public Caller {
            callerEnv = Map.copyOf(callerEnv);
            useEnv = List.copyOf(useEnv);
            setEnv = Collections.unmodifiableMap(new LinkedHashMap<>(setEnv));
        }

        /** From a real environment: TERM is read from it too. */
        public static Caller of(Map<String, String> callerEnv, List<String> useEnv, Map<String, String> setEnv) {
            return new Caller(callerEnv, useEnv, setEnv, callerEnv.get("TERM"));
        }
    }

    /** Splits one -E argument; the value may contain '=' and may be empty. */
    public static Map.Entry<String, String> parseSetting(String arg) {
        int eq = arg.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("expected NAME=VALUE, got \"" + arg + "\"");
        }
        return Map.entry(arg.substring(0, eq), arg.substring(eq + 1));
    }

    /**
     * Lowest to highest: default PATH, TERM (the caller's, or {@code dumb}), HOME ({@link #DEFAULT_HOME}), proxy variables,
     * container environ, command environ, caller's VAGGAENV_* (prefix stripped), -e, -E,
     * VAGGAOPT_* / VAGGACLI_*, then VAGGA_COMMAND and VAGGA_SUBCOMMAND. Keys keep the position of
     * their first setting.
     */
    public static Map<String, String> compose(Caller caller, Map<String, String> containerEnviron,
                                              Map<String, String> commandEnviron,
                                              Map<String, String> optionVariables,
                                              String superviseName, String childName) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", DEFAULT_PATH);
        env.put("TERM", caller.hostTerm() == null ? "dumb" : caller.hostTerm());
        env.put("HOME", DEFAULT_HOME);
        for (String name : PROXY_NAMES) {
            String v = caller.callerEnv().get(name);
            if (v != null) {
                env.put(name, v);
            }
        }
        putAll(env, containerEnviron);
        putAll(env, commandEnviron);
        // Sorted so that the result does not depend on the caller map's iteration order.
        new TreeMap<>(caller.callerEnv()).forEach((k, v) -> {
            if (k.startsWith(ENV_PREFIX) && k.length() > ENV_PREFIX.length()) {
                env.put(k.substring(ENV_PREFIX.length()), v);
            }
        });
        for (String name : caller.useEnv()) {
            String v = caller.callerEnv().get(name);
            if (v != null) {
                env.put(name, v);
            }
        }
        putAll(env, caller.setEnv());
        putAll(env, optionVariables);
        env.put("VAGGA_COMMAND", superviseName);
        env.put("VAGGA_SUBCOMMAND", childName);
        return Collections.unmodifiableMap(env);
    }

    private static void putAll(Map<String, String> env, Map<String, String> more) {
        if (more != null) {
            more.forEach(env::put);
        }
    }
}
