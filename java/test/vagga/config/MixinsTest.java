// Mixins as vagga reads them: a later mixin overrides an earlier one, nested mixins, the implicit local mixins.
package vagga.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MixinsTest {
    private static String command(String name, String description) {
        return "  " + name + ": !Command {container: app, description: " + description + ", run: x}\n";
    }

    private static String description(Config c, String command) {
        return c.commands().get(command).description();
    }

    @Test
    void aLaterMixinOverridesAnEarlierOneAndTheFileWinsOverAll(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("vagga.yaml"), "mixins: [a.yaml, b.yaml]\ncommands:\n" + command("own", "file"));
        Files.writeString(root.resolve("a.yaml"), "mixins: [nested.yaml]\ncommands:\n"
                + command("x", "from-a") + command("own", "from-a") + command("onlya", "from-a"));
        Files.writeString(root.resolve("b.yaml"), "commands:\n" + command("x", "from-b"));
        Files.writeString(root.resolve("nested.yaml"), "mixins: [a.yaml]\ncommands:\n"
                + command("onlya", "nested") + command("deep", "nested"));
        Config c = ConfigLoader.load(root);
        assertEquals("from-b", description(c, "x"));
        assertEquals("file", description(c, "own"));
        assertEquals("from-a", description(c, "onlya"), "a mixin wins over its own mixins");
        assertEquals("nested", description(c, "deep"), "a mixin's mixins are read (a cycle is read once)");
    }

    @Test
    void localMixinsComeBeforeTheFilesMixinsTheLastOneWinning(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("vagga.yaml"), "mixins: [m.yaml]\ncommands:\n" + command("own", "file"));
        Files.writeString(root.resolve("m.yaml"), "commands:\n" + command("x", "mixin") + command("m", "mixin"));
        Files.writeString(root.resolve("vagga.local.yaml"), "commands:\n" + command("x", "local") + command("y", "local"));
        Files.createDirectories(root.resolve(".vagga"));
        Files.writeString(root.resolve(".vagga/local.yaml"), "commands:\n" + command("y", "dot-vagga") + command("own", "x"));
        Config c = ConfigLoader.load(root);
        assertEquals("local", description(c, "x"));
        assertEquals("dot-vagga", description(c, "y"));
        assertEquals("file", description(c, "own"));
        assertEquals("mixin", description(c, "m"));
    }

    @Test
    void aLocalMixinAloneMarksTheProject(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve(".vagga.local.yaml"), "commands:\n" + command("mine", "local"));
        Path sub = Files.createDirectories(root.resolve("src"));
        Config c = ConfigLoader.load(sub);
        assertEquals(root.toRealPath(), c.projectRoot().toRealPath());
        assertEquals("local", description(c, "mine"));
    }
}
