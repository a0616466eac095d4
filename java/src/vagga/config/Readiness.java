// Ours (SPEC 7): when a supervise child counts as ready (child key `ready:`).
package vagga.config;

/**
 * One probe: {@code kind} is port, line, file or command; {@code value} its argument (the port
 * number, the regex, the path, the shell command); {@code timeout} and {@code interval} in seconds.
 */
public record Readiness(Position position, String kind, String value, double timeout, double interval) {
    public static final double DEFAULT_TIMEOUT = 60;
    public static final double DEFAULT_INTERVAL = 0.5;

    /** How the probe is written in messages: {port: 8000}. */
    public String describe() {
        return "{" + kind + ": " + value + "}";
    }
}
