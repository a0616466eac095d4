// Test fixtures: commands and supervise specs built directly, as the loader would build them.
package vagga.plan;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import vagga.config.CommandSpec;
import vagga.config.Position;
import vagga.config.Run;
import vagga.config.SuperviseMode;
import vagga.config.SuperviseSpec;
import vagga.config.WriteMode;

final class Children {
    private Children() {}

    static CommandSpec child(String... tags) {
        return new CommandSpec(Position.UNKNOWN, "box", Run.shell("true"), Map.of(), null, Map.of(),
                0, 0, List.of(), null, WriteMode.READ_ONLY, List.of(tags), null, null, List.of(),
                null, false, List.of(), null, null, null);
    }

    /** name, tags, name, tags ... as alternating String and String[]. */
    static SortedMap<String, CommandSpec> children(Object... nameAndTags) {
        SortedMap<String, CommandSpec> out = new TreeMap<>();
        for (int i = 0; i < nameAndTags.length; i += 2) {
            out.put((String) nameAndTags[i], child((String[]) nameAndTags[i + 1]));
        }
        return out;
    }

    static SuperviseSpec supervise(String description, String options, SortedMap<String, CommandSpec> children) {
        return new SuperviseSpec(Position.UNKNOWN, SuperviseMode.STOP_ON_FAILURE, children, 2, description,
                options, List.of(), false, null, List.of(), null);
    }
}
