// The npm family: !NpmConfig, !NpmInstall, !NpmDependencies, !YarnDependencies.
package vagga.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import vagga.config.BuildStep;
import vagga.config.JsonFile;

/**
 * As vagga: node and npm come from the distribution (install-node), packages are installed
 * globally with {@code --prefix=/usr}, so they land in {@code /usr/lib/node_modules} (what vagga's
 * docs tell users to put in NODE_PATH) and their programs in /usr/bin; npm's cache is vagga's
 * cache directory {@code npm-cache}, yarn's {@code yarn-cache}. !NpmDependencies lists the
 * packages of the chosen sections of package.json on npm's command line (never {@code npm install
 * .}, which would install the project itself). Yarn (vagga downloads it from GitHub) is installed
 * with npm from the registry, at {@code yarn-version} or the latest 1.x.
 */
final class NpmSteps extends LanguageSteps {
    /** The sections of package.json each !NpmDependencies flag selects, in vagga's order. */
    static final List<Map.Entry<String, List<String>>> SECTIONS = List.of(
            Map.entry("package", List.of("dependencies")),
            Map.entry("dev", List.of("devDependencies")),
            Map.entry("peer", List.of("peerDependencies")),
            Map.entry("bundled", List.of("bundledDependencies", "bundleDependencies")),
            Map.entry("optional", List.of("optionalDependencies")));

    /** Where yarn is installed (vagga puts the one file yarn-X.js at /usr/bin/yarn). */
    private static final String YARN_PREFIX = "/usr/lib/yarn";

    private BuildContext ctx;

    NpmSteps() {
        super("NpmConfig", "NpmInstall", "NpmDependencies", "YarnDependencies");
    }

    @Override
    void runStep(BuildStep.Declared step, BuildContext ctx) throws StepFailure, IOException, InterruptedException {
        this.ctx = ctx;
        switch (step.tag()) {
            case "NpmInstall" -> install(step.list());
            case "NpmDependencies" -> {
                List<String> packages = new ArrayList<>();
                dependencies(ctx.project(), step).forEach((name, version) -> packages.add(name + "@" + version));
                install(packages);
            }
            case "YarnDependencies" -> yarn(step);
            default -> throw new IllegalArgumentException(step.tag());
        }
    }

    /** vagga's scan_features with install-node: a compiler, node, its headers and npm. */
    private static final List<String> NODE = List.of("build-essential", "nodejs", "nodejs-dev", "npm");

    private void install(List<String> packages) throws IOException, StepFailure, InterruptedException {
        ctx.cacheMount("/tmp/npm-cache", "npm-cache");
        ctx.ensurePackages(config.flag("install-node") ? NODE : List.of("build-essential"));
        if (packages.isEmpty()) {
            return;
        }
        List<String> argv = new ArrayList<>(List.of(config.string("npm-exe"), "install", "--global", "--prefix=/usr",
                "--cache=/tmp/npm-cache", "--no-fund", "--no-audit", "--no-update-notifier"));
        argv.addAll(packages);
        ctx.run(StepCommand.of(argv, "/work"));
    }

    /**
     * name -> version of the selected sections of the step's package.json (what vagga hashes).
     * @throws IOException unreadable or bad JSON, or a version that is not a string
     */
    static Map<String, String> dependencies(Path project, BuildStep.Declared step) throws IOException {
        Path file = ProjectPaths.inProject(project, step.string("file"));
        Map<String, String> out = new LinkedHashMap<>();
        Object json = JsonFile.read(file);
        if (!(json instanceof Map<?, ?> top)) {
            throw new IOException(step.string("file") + " is not a JSON object");
        }
        for (Map.Entry<String, List<String>> section : SECTIONS) {
            if (step.flag(section.getKey())) {
                for (String key : section.getValue()) {
                    collect(top.get(key), key, step.string("file"), out);
                }
            }
        }
        return out;
    }

    private static void collect(Object deps, String key, String file, Map<String, String> out) throws IOException {
        if (deps == null) {
            return;
        }
        if (deps instanceof List<?> names) {
            // bundledDependencies is a list of names of packages listed elsewhere
            for (Object n : names) {
                out.putIfAbsent(String.valueOf(n), "*");
            }
            return;
        }
        if (!(deps instanceof Map<?, ?> map)) {
            throw new IOException(file + ": \"" + key + "\" is not a mapping (JSON object)");
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String version)) {
                throw new IOException(file + ": package \"" + e.getKey() + "\" has wrong version " + e.getValue());
            }
            out.put(String.valueOf(e.getKey()), version);
        }
    }

    /**
     * vagga: yarn installs into /usr/lib/node_modules, with the project's node_modules hidden
     * behind an empty directory (nothing is written into the project), and links the packages'
     * programs into /usr/bin.
     */
    private void yarn(BuildStep.Declared step) throws IOException, StepFailure, InterruptedException {
        ctx.cacheMount("/tmp/yarn-cache", "yarn-cache");
        ctx.cacheMount("/tmp/npm-cache", "npm-cache");
        ctx.ensurePackages(config.flag("install-node") ? NODE : List.of("build-essential"));
        String yarn = config.string("yarn-exe");
        if (config.flag("install-yarn") && !RootPath.exists(ctx.root(), yarn)) {
            String version = config.string("yarn-version");
            String spec = "yarn@" + (version == null ? "1" : version.replaceFirst("^v", ""));
            // in a prefix of its own: yarn install removes what it did not put in its modules
            // folder (/usr/lib/node_modules), yarn itself included
            ctx.run(StepCommand.of(List.of(config.string("npm-exe"), "install", "--global", "--prefix=" + YARN_PREFIX,
                    "--cache=/tmp/npm-cache", "--no-fund", "--no-audit", "--no-update-notifier", spec), "/work"));
            Path link = RootPath.resolve(ctx.root(), "/usr/bin/yarn", false);
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, Path.of(YARN_PREFIX + "/bin/yarn"));
        }
        String dir = step.string("dir");
        String workDir = dir.equals(".") ? "/work" : "/work/" + dir;
        Path projectModules = ProjectPaths.inProject(ctx.project(), dir).resolve("node_modules");
        boolean created = !Files.exists(projectModules, LinkOption.NOFOLLOW_LINKS);
        if (created) {
            Files.createDirectories(projectModules);
        }
        try {
            Path hidden = ctx.inRoot("/tmp/yarn-modules"); // bound into the step: never a host directory
            Files.createDirectories(hidden);
            List<String> argv = new ArrayList<>(List.of(yarn, "install", "--no-progress", "--non-interactive",
                    "--modules-folder=/usr/lib/node_modules", "--cache-folder=/tmp/yarn-cache"));
            if (step.flag("production")) {
                argv.add("--production");
            }
            if (!step.flag("optional")) {
                argv.add("--ignore-optional");
            }
            ctx.buildMount(hidden, workDir + "/node_modules", false);
            try {
                ctx.run(StepCommand.of(argv, workDir));
            } finally {
                ctx.unmount(workDir + "/node_modules");
            }
        } finally {
            if (created) {
                Files.deleteIfExists(projectModules);
            }
        }
        linkPrograms();
    }

    /** Every program of /usr/lib/node_modules/.bin linked into /usr/bin, as vagga does. */
    private void linkPrograms() throws IOException {
        Path bin = ctx.inRoot("/usr/lib/node_modules/.bin");
        Path usrBin = ctx.inRoot("/usr/bin");
        if (!Files.isDirectory(bin, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.list(bin)) {
            for (Path p : s.toList()) {
                Path link = usrBin.resolve(p.getFileName().toString());
                Files.deleteIfExists(link);
                String target = Files.isSymbolicLink(p)
                        ? "/usr/lib/node_modules/.bin/" + Files.readSymbolicLink(p)
                        : "/usr/lib/node_modules/.bin/" + p.getFileName();
                Files.createSymbolicLink(link, Path.of(Path.of(target).normalize().toString()));
            }
        }
    }
}
