// The composer and gem families' pure parts: composer's command line, what their versions read.
package vagga.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static vagga.image.Fixtures.AT;
import static vagga.image.Fixtures.write;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vagga.config.BuildStep;

class LanguageStepsTest {
    @TempDir
    Path project;

    private static BuildStep.Declared step(String tag, Map<String, Object> changes) {
        Map<String, Object> options = new HashMap<>(BuildStep.Declared.defaults(tag).options());
        options.putAll(changes);
        return new BuildStep.Declared(AT, tag, options);
    }

    @Test
    void composerInstallOptionsAreVaggasWithItsSpellingFixed() throws Exception {
        assertEquals(List.of("install"), ComposerSteps.installOptions(step("ComposerDependencies", Map.of())));
        assertEquals(List.of("install", "--working-dir=app", "--no-dev", "--no-autoloader", "--optimize-autoloader",
                        "--classmap-authoritative", "--prefer-source"),
                ComposerSteps.installOptions(step("ComposerDependencies", Map.of("working-dir", "app", "dev", "false",
                        "no-autoloader", "true", "optimize-autoloader", "true", "classmap-authoritative", "true",
                        "prefer", "source"))));
        StepFailure e = assertThrows(StepFailure.class,
                () -> ComposerSteps.installOptions(step("ComposerDependencies", Map.of("prefer", "wrong"))));
        assertEquals("Value of 'ComposerDependencies.prefer' must be either 'source' or 'dist', 'wrong' given",
                e.getMessage());
    }

    @Test
    void composerVersionReadsRequireAndTheLockNotTheDescriptionNorKeyOrder() throws Exception {
        BuildStep.Declared dev = step("ComposerDependencies", Map.of());
        BuildStep.Declared noDev = step("ComposerDependencies", Map.of("dev", "false"));
        write(project.resolve("composer.json"), "{\"description\": \"a\", \"require\": {\"a/b\": \"1\", \"c/d\": \"2\"},"
                + " \"require-dev\": {\"e/f\": \"3\"}}");
        String a = ComposerSteps.hashInput(project, dev);
        String n = ComposerSteps.hashInput(project, noDev);
        write(project.resolve("composer.json"), "{\"require\": {\"c/d\": \"2\", \"a/b\": \"1\"}, \"description\": \"b\","
                + " \"require-dev\": {\"e/f\": \"3\"}}");
        assertEquals(a, ComposerSteps.hashInput(project, dev));
        write(project.resolve("composer.json"), "{\"require\": {\"c/d\": \"2\", \"a/b\": \"1\"},"
                + " \"require-dev\": {\"e/f\": \"4\"}}");
        assertNotEquals(a, ComposerSteps.hashInput(project, dev));
        assertEquals(n, ComposerSteps.hashInput(project, noDev));
        write(project.resolve("composer.lock"), "{\"packages\": [{\"name\": \"a/b\", \"version\": \"1.0.1\"}]}");
        assertNotEquals(n, ComposerSteps.hashInput(project, noDev));
    }

    @Test
    void gemBundleVersionReadsTheGemfileLinesAndItsLock() throws Exception {
        BuildStep.Declared bundle = step("GemBundle", Map.of());
        write(project.resolve("Gemfile"), "source \"https://rubygems.org\"\ngem \"rake\"\n");
        List<String> a = GemSteps.hashInput(project, bundle);
        write(project.resolve("Gemfile"), "# comment\nsource \"https://rubygems.org\"\n\n  gem \"rake\"\n");
        assertEquals(a, GemSteps.hashInput(project, bundle));
        write(project.resolve("Gemfile.lock"), "GEM\n  specs:\n    rake (13.0.6)\n");
        assertNotEquals(a, GemSteps.hashInput(project, bundle));
    }
}
