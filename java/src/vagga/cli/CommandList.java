// The command list of bare `vagga` and `vagga _list` (SPEC 2.1).
package vagga.cli;

import java.io.PrintStream;
import java.util.Map;

import vagga.config.CommandDef;
import vagga.config.Config;

final class CommandList {
    private CommandList() {}

    static void print(Config config, PrintStream stream, boolean withHeader) {
        StringBuilder text = new StringBuilder();
        if (withHeader) {
            text.append("Available commands:\n");
        }
        for (Map.Entry<String, CommandDef> entry : config.commands().entrySet()) {
            String name = entry.getKey();
            if (name.startsWith("_")) {
                continue;
            }
            text.append("    ").append(name);
            String description = entry.getValue().description();
            if (description != null && !description.isBlank()) {
                String first = description.strip().lines().findFirst().orElse("");
                if (name.length() > 19) {
                    // vagga puts a long name on its own line and the description under the column.
                    text.append('\n').append(" ".repeat(24));
                } else {
                    text.append(" ".repeat(20 - name.length()));
                }
                text.append(first);
            }
            text.append('\n');
        }
        stream.print(text);
        stream.flush();
    }
}
