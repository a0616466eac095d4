// What one run of vagga was asked to do, and where to talk: what every command of cli receives.
package vagga.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Its own file, so the commands of cli depend on it and not on Main (which depends on them). */
record Invocation(GlobalOptions options, PrintStream out, PrintStream err, Path cwd,
                  Map<String, String> env, boolean debug) {
    List<String> positionals() {
        return options.command;
    }
}
