// The table of built-ins holds every built-in vagga has, completes them in vagga's order and dispatches from it.
package vagga.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuiltinTest {
    /** Every built-in vagga's launcher dispatches (its src/launcher/mod.rs, the `match cname`). */
    private static final List<String> VAGGA_DISPATCHES = List.of("_create_netns", "_destroy_netns", "_list",
            "_dump_config", "_version_hash", "_build_shell", "_clean", "_check_overlayfs_support", "_hardlink",
            "_verify", "_base_dir", "_relative_work_dir", "_build", "_run", "_run_in_netns", "_pack_image",
            "_push_image", "_init_storage_dir", "_compgen", "_help", "_update_symlinks", "_capsule");

    /** The built-ins vagga completes, in its order (src/launcher/completion.rs, BUILTIN_COMMANDS). */
    private static final List<String> VAGGA_COMPLETES = List.of("_build", "_build_shell", "_clean", "_create_netns",
            "_destroy_netns", "_init_storage_dir", "_list", "_pack_image", "_push_image", "_run", "_run_in_netns",
            "_version_hash", "_check_overlayfs_support", "_base_dir", "_relative_work_dir", "_update_symlinks");

    @Test
    void everyBuiltinOfVaggaIsInTheTable() {
        for (String name : VAGGA_DISPATCHES) {
            assertNotNull(Builtin.find(name), name + " is not in the table of built-ins");
        }
    }

    @Test
    void completionOffersVaggasBuiltinsInItsOrder() {
        List<String> completed = new ArrayList<>();
        Builtin.shownIn(Builtin.Shown.COMPLETION, new ArrayList<>()).forEach(b -> completed.add(b.command()));
        assertEquals(VAGGA_COMPLETES, completed);
    }

    @Test
    void namesAreUniqueAndUnderscored() {
        for (Builtin b : Builtin.values()) {
            assertTrue(b.command().startsWith("_"), b.command());
            assertEquals(b, Builtin.find(b.command()));
        }
    }

    private record Ran(int code, String out, String err) {}

    private static Ran vagga(Path project, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), project,
                Map.of("VAGGA_NO_CONFIG_CACHE", "1", "HOME", project.toString()));
        return new Ran(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void dispatchListAndHintReadTheTable(@TempDir Path project) throws IOException {
        Files.writeString(project.resolve("vagga.yaml"), "commands:\n  hi: !Command\n    container: c\n    run: [true]\n"
                + "containers:\n  c:\n    setup: []\n");
        Ran base = vagga(project, "_base_dir");
        assertEquals(0, base.code(), base.err());
        assertEquals(project + "\n", base.out());
        Ran list = vagga(project, "_list", "--builtin");
        assertEquals(0, list.code(), list.err());
        List<String> names = new ArrayList<>();
        for (String line : list.out().split("\n")) {
            if (line.startsWith("_")) {
                names.add(line.split(" ")[0]);
            }
        }
        assertEquals(List.of("_build", "_run", "_clean", "_list", "_base_dir", "_relative_work_dir", "_update_symlinks"),
                names);
        Ran typo = vagga(project, "_biuld", "c");
        assertEquals(121, typo.code());
        assertTrue(typo.err().contains("hint: ") && typo.err().contains("_build"), typo.err());
    }
}
