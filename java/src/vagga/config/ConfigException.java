// Config not found or invalid: every problem as one "file:line:col: message" line (exit 126).
package vagga.config;

import java.util.List;

public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** The lines to print on stderr, sorted by position, one per problem (hint lines included). */
    public List<String> problems() {
        return problems;
    }
}
