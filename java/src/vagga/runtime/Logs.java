// The runtime's slf4j lines, with slf4j started only when one is logged.
package vagga.runtime;

import org.slf4j.LoggerFactory;

/**
 * slf4j's start-up (its provider lookup and simple logger's configuration) costs ~10 ms of CPU;
 * most runs log nothing (debug lines need --debug), so it happens only for a line that is logged.
 */
final class Logs {
    private static final String LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    private Logs() {}

    /** True under --debug or VAGGA_DEBUG=1 (cli sets slf4j's level before anything runs). */
    static boolean debugging() {
        String level = System.getProperty(LEVEL);
        return "debug".equals(level) || "trace".equals(level);
    }

    static void debug(Class<?> from, String format, Object... args) {
        if (debugging()) {
            LoggerFactory.getLogger(from).debug(format, args);
        }
    }

    static void warn(Class<?> from, String format, Object... args) {
        LoggerFactory.getLogger(from).warn(format, args);
    }
}
