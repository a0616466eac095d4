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

    /** vagga's implicit mixins of a project (not for version control: a developer's own additions). */
    static final List<String> LOCAL_MIXINS = List.of("vagga.local.yaml", ".vagga.local.yaml", ".vagga/local.yaml");

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
                // as vagga: whatever is there (a directory, a symlink loop) is the config, and says what it is
                if (Files.exists(candidate, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    return read(candidate, dir, warnings);
                }
            }
            // as vagga, a local mixin alone also marks the project (its vagga.yaml is then empty)
            for (String local : LOCAL_MIXINS) {
                if (Files.isRegularFile(dir.resolve(local))) {
                    return read(dir.resolve("vagga.yaml"), dir, warnings);
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
        Parsed parsed = parse(abs, root, warnings);
        if (cache != null) {
            // written when vagga next waits (CacheWrites): nothing reads the entry before the next start
            CacheWrites.later(new Runnable() { // not a lambda: a cold JVM links each lambda in ~1 ms
                @Override
                public void run() {
                    cache.write(parsed.config(), parsed.dependencies(), parsed.loadWarnings(), parsed.patch());
                }
            });
        }
        return parsed.config();
    }

    /**
     * A config read from YAML, with what its cache entry keeps: the files it was read from (their
     * stamps), the warnings of the load itself, and what a later edit of a script may patch.
     */
    record Parsed(Config config, Map<Path, String> dependencies, List<String> loadWarnings, ConfigPatch.Source patch) {}

    /** Reads the config from its YAML and its mixins; {@code warnings} holds the lookup's, and gets the load's. */
    static Parsed parse(Path abs, Path root, List<String> warnings) throws ConfigException {
        int lookupWarnings = warnings.size();
        Problems problems = new Problems();
        YamlReader yaml = new YamlReader(root, problems);
        ConfigReader reader = new ConfigReader(problems);
        Map<Path, String> dependencies = new LinkedHashMap<>();
        ConfigReader.Parts main;
        if (Files.exists(abs, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            YNode tree = yaml.read(abs);
            if (tree == null) {
                throw new ConfigException(problems.lines());
            }
            main = reader.read(tree);
            dependencies.putAll(yaml.stamps);
        } else {
            main = new ConfigReader.Parts(Map.of(), Map.of(), List.of());
            dependencies.put(abs, ConfigCache.stamp(abs)); // a vagga.yaml made later is read
        }
        Map<String, Container> containers = new LinkedHashMap<>(main.containers());
        Map<String, CommandDef> commands = new LinkedHashMap<>(main.commands());
        Mixins mixins = new Mixins(root, containers, commands, warnings, dependencies, problems, abs);
        // vagga: the local mixins come before the file's own mixins; of each list the last one wins
        List<Mixin> local = new ArrayList<>();
        for (String name : LOCAL_MIXINS) {
            Path path = root.resolve(name);
            dependencies.putIfAbsent(path, ConfigCache.stamp(path));
            if (Files.isRegularFile(path)) {
                local.add(new Mixin(path, name, null));
            }
        }
        mixins.mergeAll(local);
        mixins.mergeAll(mentioned(abs, main.mixins()));
        reader.checkContainerDependencies(containers);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.lines());
        }
        Config config = new Config(abs, root, containers, commands, warnings);
        return new Parsed(config, dependencies, List.copyOf(warnings.subList(lookupWarnings, warnings.size())),
                yaml.patchSource());
    }

    /** A mixin file, as written ({@code text}) and where ({@code at}, null for an implicit local mixin). */
    private record Mixin(Path path, String text, Position at) {}

    private static List<Mixin> mentioned(Path includer, List<YNode.Scalar> names) {
        List<Mixin> list = new ArrayList<>();
        for (YNode.Scalar name : names) {
            list.add(new Mixin(includer.getParent().resolve(name.text()).normalize(), name.text(), name.position()));
        }
        return list;
    }

    /**
     * vagga's {@code read_mixins}: a list is read from its last mixin to its first, and a name
     * already defined (by the file itself, or a later mixin) wins, so a later mixin overrides an
     * earlier one; a mixin's own mixins are read right after it. A missing mixin is skipped with a
     * warning, as vagga does; a mixin with errors is an error of the whole config (vagga skips it
     * with a warning, which silently drops every container and command it defines), except a mixin
     * whose minimum-vagga is newer than ours: skipped with vagga's "Please upgrade vagga" as the warning.
     */
    private record Mixins(Path root, Map<String, Container> containers, Map<String, CommandDef> commands,
                          List<String> warnings, Map<Path, String> dependencies, Problems mainProblems,
                          List<Path> reading) {
        /** {@code main}: the file whose mixins these are, the start of every chain of mixins. */
        Mixins(Path root, Map<String, Container> containers, Map<String, CommandDef> commands,
               List<String> warnings, Map<Path, String> dependencies, Problems mainProblems, Path main) {
            this(root, containers, commands, warnings, dependencies, mainProblems, new ArrayList<>(List.of(main)));
        }

        void mergeAll(List<Mixin> list) {
            for (int i = list.size() - 1; i >= 0; i--) {
                merge(list.get(i));
            }
        }

        private void merge(Mixin mixin) {
            // vagga's rule (as for includes): a relative path without "..": nothing outside the project
            if (mixin.at() != null && !YamlReader.plainRelative(mixin.text())) {
                mainProblems.add(mixin.at(), "mixin \"" + mixin.text()
                        + "\": only relative paths without \"..\" can be mixed in (as in vagga)");
                return;
            }
            Path path = mixin.path();
            if (reading.contains(path) && mixin.at() != null) {
                // a cycle is read once, as a mixin included twice; said, so that it is not a mystery
                List<String> chain = new ArrayList<>();
                Path base = root.toAbsolutePath().normalize();
                for (Path p : reading.subList(reading.indexOf(path), reading.size())) {
                    chain.add(p.startsWith(base) ? base.relativize(p).toString() : p.toString());
                }
                chain.add(mixin.text());
                warnings.add(mixin.at() + ": mixin \"" + mixin.text() + "\" includes itself ("
                        + String.join(" -> ", chain) + "): read once");
                return;
            }
            if (dependencies.containsKey(path) && mixin.at() != null) {
                return; // read already (a mixin included twice)
            }
            Problems problems = new Problems();
            YamlReader yaml = new YamlReader(root, problems);
            // also a missing mixin: creating it later must invalidate the cached config
            dependencies.putIfAbsent(path, ConfigCache.stamp(path));
            if (!Files.exists(path)) { // a directory, a device: the reader says what it is
                warnings.add(mixin.at() + ": skipping mixin \"" + mixin.text() + "\": no such file "
                        + yaml.displayName(path));
                return;
            }
            YNode tree = yaml.read(path);
            yaml.stamps.forEach(dependencies::putIfAbsent);
            ConfigReader.Parts parts = tree == null ? null : new ConfigReader(problems).read(tree);
            if (!problems.firstLines().isEmpty()) {
                // as vagga: a mixin written for a newer vagga is skipped, saying only that
                for (String line : problems.firstLines()) {
                    warnings.add("skipping mixin \"" + mixin.text() + "\": " + line);
                }
                return;
            }
            if (!problems.isEmpty() || parts == null) {
                mainProblems.add(mixin.at() == null ? new Position(yaml.displayName(path), 1, 1) : mixin.at(),
                        "mixin \"" + mixin.text() + "\" has errors");
                mainProblems.addAll(problems);
                return;
            }
            parts.containers().forEach(containers::putIfAbsent);
            parts.commands().forEach(commands::putIfAbsent);
            reading.add(path);
            mergeAll(mentioned(path, parts.mixins()));
            reading.remove(reading.size() - 1);
        }
    }
}
