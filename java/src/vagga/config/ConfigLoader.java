// Finds vagga.yaml (SPEC 1.1) and loads it, with its mixins, into the immutable model.
package vagga.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public final class ConfigLoader {
    private ConfigLoader() {}

    /**
     * Looks up the config from {@code cwd} upwards and loads it.
     * @throws ConfigException "Config not found in path ..." or every problem of the file
     */
    public static Config load(Path cwd) throws ConfigException {
        Path start = cwd.toAbsolutePath().normalize();
        List<String> warnings = new ArrayList<>();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            typoWarning(dir.resolve(".vagga"), warnings);
            typoWarning(dir, warnings);
            for (Path candidate : List.of(dir.resolve(".vagga").resolve("vagga.yaml"), dir.resolve("vagga.yaml"))) {
                if (Files.isRegularFile(candidate)) {
                    return read(candidate, dir, warnings);
                }
            }
        }
        throw new ConfigException(List.of(
                "Config not found in path \"" + start + "\"",
                "hint: vagga looks for .vagga/vagga.yaml, then vagga.yaml, in \"" + start
                        + "\" and every directory above it; create vagga.yaml in the project root"));
    }

    /** Loads one given file whose directory is the project root. */
    public static Config loadFile(Path file, Path projectRoot) throws ConfigException {
        List<String> warnings = new ArrayList<>();
        typoWarning(projectRoot, warnings);
        return read(file, projectRoot, warnings);
    }

    private static void typoWarning(Path dir, List<String> warnings) {
        if (Files.exists(dir.resolve("vagga.yml"))) {
            warnings.add("There is vagga.yml file in the \"" + dir + "\", possibly it is a typo. "
                    + "Correct configuration file name is vagga.yaml");
        }
    }

    private static Config read(Path file, Path projectRoot, List<String> warnings) throws ConfigException {
        Path root = projectRoot.toAbsolutePath().normalize();
        Path abs = file.toAbsolutePath().normalize();
        ConfigCache cache = ConfigCache.forFile(abs);
        if (cache != null) {
            Config cached = cache.read(abs, root, warnings);
            if (cached != null) {
                return cached;
            }
        }
        int lookupWarnings = warnings.size();
        Problems problems = new Problems();
        YamlReader yaml = new YamlReader(root, problems);
        ConfigReader reader = new ConfigReader(problems);
        YNode tree = yaml.read(abs);
        if (tree == null) {
            throw new ConfigException(problems.lines());
        }
        ConfigReader.Parts main = reader.read(tree);
        Map<String, Container> containers = new LinkedHashMap<>(main.containers());
        Map<String, CommandDef> commands = new LinkedHashMap<>(main.commands());
        Map<Path, String> dependencies = new LinkedHashMap<>(yaml.stamps);
        for (YNode.Scalar mixin : main.mixins()) {
            mergeMixin(abs, mixin, root, containers, commands, warnings, dependencies, problems);
        }
        reader.checkContainerDependencies(containers);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.lines());
        }
        Config config = new Config(abs, root, containers, commands, warnings);
        if (cache != null) {
            cache.write(config, dependencies, warnings.subList(lookupWarnings, warnings.size()));
        }
        return config;
    }

    /**
     * vagga reads mixins (paths relative to the including file) after the file itself; names already
     * defined win. A missing mixin is skipped with a warning, as vagga does; a mixin with errors is
     * an error of the whole config (vagga skips it with a warning, which silently drops every
     * container and command it defines).
     */
    private static void mergeMixin(Path file, YNode.Scalar mixin, Path root, Map<String, Container> containers,
                                   Map<String, CommandDef> commands, List<String> warnings,
                                   Map<Path, String> dependencies, Problems mainProblems) {
        Path path = file.getParent().resolve(mixin.text()).normalize();
        Problems problems = new Problems();
        YamlReader yaml = new YamlReader(root, problems);
        // also a missing mixin: creating it later must invalidate the cached config
        dependencies.putIfAbsent(path, ConfigCache.stamp(path));
        if (!Files.isRegularFile(path)) {
            warnings.add(mixin.position() + ": skipping mixin \"" + mixin.text() + "\": no such file "
                    + yaml.displayName(path));
            return;
        }
        YNode tree = yaml.read(path);
        yaml.stamps.forEach(dependencies::putIfAbsent);
        ConfigReader.Parts parts = tree == null ? null : new ConfigReader(problems).read(tree);
        if (!problems.isEmpty() || parts == null) {
            mainProblems.add(mixin.position(), "mixin \"" + mixin.text() + "\" has errors");
            mainProblems.addAll(problems);
            return;
        }
        parts.containers().forEach(containers::putIfAbsent);
        parts.commands().forEach(commands::putIfAbsent);
    }
}
