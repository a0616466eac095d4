// The composer family: !ComposerConfig, !ComposerInstall, !ComposerDependencies.
package vagga.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import vagga.config.BuildStep;
import vagga.config.JsonFile;

/**
 * As vagga: php (install-runtime), composer, git and unzip come from the distribution; composer
 * runs as {@code RUNTIME COMPOSER --no-interaction} with vagga's environment (COMPOSER_HOME
 * /usr/local/lib/composer, packages in its vendor dir or vendor-dir, programs in /usr/local/bin,
 * cache {@code composer-cache}); php's include_path is set in a {@code vagga.ini} of every conf.d;
 * the composer program is removed at the end unless keep-composer. Unlike vagga, composer is the
 * distribution's package (vagga downloads getcomposer.org's installer: one more host to reach).
 */
final class ComposerSteps extends LanguageSteps {
    static final String HOME = "/usr/local/lib/composer";
    private static final String VENDOR = HOME + "/vendor";
    /** The keys of composer.json, and of each package of composer.lock, that vagga hashes. */
    private static final List<String> JSON_KEYS = List.of("require", "conflict", "replace", "provide", "autoload",
            "repositories", "minimum-stability", "prefer-stable");
    private static final List<String> LOCK_KEYS = List.of("name", "version", "source", "dist", "extra", "autoload",
            "require", "require-dev");

    /** The composer program used, inside the root; null until a composer step ran. */
    private String composer;

    ComposerSteps() {
        super("ComposerConfig", "ComposerInstall", "ComposerDependencies");
    }

    @Override
    void runStep(BuildStep.Declared step, BuildContext ctx) throws StepFailure, IOException, InterruptedException {
        List<String> argv = prepare(ctx);
        if (step.tag().equals("ComposerInstall")) {
            if (step.list().isEmpty()) {
                return;
            }
            argv.addAll(List.of("global", "require", "--prefer-dist", "--update-no-dev"));
            argv.addAll(step.list());
        } else {
            argv.addAll(installOptions(step));
        }
        ctx.run(StepCommand.of(argv, "/work"));
    }

    /** composer install's options from !ComposerDependencies (vagga's, with its spelling slips fixed). */
    static List<String> installOptions(BuildStep.Declared step) throws StepFailure {
        List<String> argv = new ArrayList<>(List.of("install"));
        if (step.string("working-dir") != null) {
            argv.add("--working-dir=" + step.string("working-dir"));
        }
        Map<String, String> flags = Map.of("ignore-platform-reqs", "--ignore-platform-reqs",
                "no-autoloader", "--no-autoloader", "no-scripts", "--no-scripts", "no-plugins", "--no-plugins",
                "optimize-autoloader", "--optimize-autoloader", "classmap-authoritative", "--classmap-authoritative");
        if (!step.flag("dev")) {
            argv.add("--no-dev");
        }
        for (String key : List.of("ignore-platform-reqs", "no-autoloader", "no-scripts", "no-plugins",
                "optimize-autoloader", "classmap-authoritative")) {
            if (step.flag(key)) {
                argv.add(flags.get(key));
            }
        }
        String prefer = step.string("prefer");
        if (prefer != null) {
            if (!prefer.equals("dist") && !prefer.equals("source")) {
                throw new StepFailure("Value of 'ComposerDependencies.prefer' must be either 'source' or 'dist', '"
                        + prefer + "' given");
            }
            argv.add("--prefer-" + prefer);
        }
        return argv;
    }

    /** Packages, environment, cache and include_path, once; returns the composer command line. */
    private List<String> prepare(BuildContext ctx) throws StepFailure, IOException, InterruptedException {
        List<String> features = new ArrayList<>(List.of("https", "composer"));
        if (config.flag("install-runtime")) {
            features.add("php");
            if (config.flag("install-dev")) {
                features.addAll(List.of("build-essential", "php-dev"));
            }
        }
        features.addAll(List.of("git", "unzip"));
        ctx.ensurePackages(features);
        ctx.cacheMount("/tmp/composer-cache", "composer-cache");
        String vendor = config.string("vendor-dir") != null ? config.string("vendor-dir") : VENDOR;
        Map<String, String> env = ctx.environ();
        env.put("COMPOSER_VENDOR_DIR", vendor);
        env.put("COMPOSER_HOME", HOME);
        env.put("COMPOSER_BIN_DIR", "/usr/local/bin");
        env.put("COMPOSER_CACHE_DIR", "/tmp/composer-cache");
        env.put("COMPOSER_ALLOW_SUPERUSER", "1");
        if (composer == null) {
            Files.createDirectories(RootPath.resolve(ctx.root(), HOME, true));
            composer = RootPath.exists(ctx.root(), "/usr/local/bin/composer") ? "/usr/local/bin/composer"
                    : "/usr/bin/composer";
            if (config.flag("install-runtime")) {
                includePath(ctx);
            }
        }
        String runtime = config.string("runtime-exe") != null ? config.string("runtime-exe") : "php";
        return new ArrayList<>(List.of(runtime, composer, "--no-interaction"));
    }

    /** vagga's vagga.ini with include_path in every conf.d directory of php's configuration. */
    private void includePath(BuildContext ctx) throws IOException, StepFailure, InterruptedException {
        String line = "include_path=" + (config.string("include-path") != null ? config.string("include-path")
                : ".:" + HOME) + "\n";
        List<Path> dirs = new ArrayList<>();
        Path etc = ctx.inRoot("/etc"); // a root whose /etc links to the host's: not the host's php
        try (Stream<Path> top = Files.list(etc)) {
            for (Path php : top.filter(p -> p.getFileName().toString().startsWith("php")
                    && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                try (Stream<Path> walk = Files.walk(php, 3)) {
                    walk.filter(p -> p.getFileName().toString().equals("conf.d")
                            && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).forEach(dirs::add);
                }
            }
        }
        if (dirs.isEmpty()) {
            String ini = ctx.capture(List.of(config.string("runtime-exe") != null ? config.string("runtime-exe")
                    : "php", "--ini"));
            String dir = ini.lines().filter(l -> l.startsWith("Scan for additional .ini files in:"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("(none)");
            if (dir.equals("(none)")) {
                throw new StepFailure("PHP configuration directory was not found (php --ini names none)");
            }
            Path d = RootPath.resolve(ctx.root(), dir, true);
            Files.createDirectories(d);
            dirs.add(d);
        }
        for (Path d : dirs) {
            FileTrees.replace(d.resolve("vagga.ini"), line); // a link there is replaced, not written through
        }
    }

    @Override
    public void finish(BuildContext ctx) throws IOException {
        if (composer != null && !config.flag("keep-composer")) {
            Files.deleteIfExists(RootPath.resolve(ctx.root(), composer, false));
        }
    }

    /** What !ComposerDependencies reads: composer.lock's packages and composer.json's keys (vagga's hash). */
    static String hashInput(Path project, BuildStep.Declared step) throws IOException {
        String dir = step.string("working-dir") == null ? "." : step.string("working-dir");
        Path base = ProjectPaths.inProject(project, dir);
        StringBuilder out = new StringBuilder();
        Path lock = base.resolve("composer.lock");
        if (Files.exists(lock)) {
            if (!(JsonFile.read(lock) instanceof Map<?, ?> data) || !(data.get("packages") instanceof List<?> pkgs)) {
                throw new IOException(dir + "/composer.lock has no \"packages\" list");
            }
            for (Object p : pkgs) {
                Map<?, ?> pkg = p instanceof Map<?, ?> m ? m : Map.of();
                for (String key : LOCK_KEYS) {
                    out.append(key).append(": ").append(canonical(pkg.get(key))).append('\n');
                }
            }
        }
        if (!(JsonFile.read(base.resolve("composer.json")) instanceof Map<?, ?> json)) {
            throw new IOException(dir + "/composer.json is not a JSON object");
        }
        List<String> keys = new ArrayList<>(JSON_KEYS);
        if (step.flag("dev")) {
            keys.addAll(List.of("require-dev", "autoload-dev"));
        }
        for (String key : keys) {
            out.append(key).append(": ").append(canonical(json.get(key))).append('\n');
        }
        return out.toString();
    }

    /** A JSON value with its objects' keys sorted, so key order does not change the hash. */
    static String canonical(Object v) {
        if (v instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder("{");
            new TreeMap<String, Object>(toStringKeys(m)).forEach((k, item) ->
                    b.append(b.length() > 1 ? "," : "").append('"').append(k).append("\":").append(canonical(item)));
            return b.append('}').toString();
        }
        if (v instanceof List<?> l) {
            StringBuilder b = new StringBuilder("[");
            for (Object item : l) {
                b.append(b.length() > 1 ? "," : "").append(canonical(item));
            }
            return b.append(']').toString();
        }
        return v instanceof String s ? '"' + s + '"' : String.valueOf(v);
    }

    private static Map<String, Object> toStringKeys(Map<?, ?> m) {
        Map<String, Object> out = new TreeMap<>();
        m.forEach((k, item) -> out.put(String.valueOf(k), item));
        return out;
    }
}
