// The `run:` of a command: a shell string or an argv list.
package vagga.config;

import java.util.List;

/**
 * @param script the string form (run through the container's shell), or null
 * @param argv   the list form (argv[0] searched in the command's PATH), or null
 */
public record Run(String script, List<String> argv) {
    public static Run shell(String script) {
        return new Run(script, null);
    }

    public static Run args(List<String> argv) {
        return new Run(null, List.copyOf(argv));
    }

    public boolean isShell() {
        return script != null;
    }
}
