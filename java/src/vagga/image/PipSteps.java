// The pip family: !PipConfig, !Py2Install, !Py3Install, !Py2Requirements, !Py3Requirements.
package vagga.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import vagga.config.BuildStep;

/**
 * As vagga: python and pip come from the distribution (install-python), packages are installed
 * with {@code python3 -m pip install --ignore-installed} and pip's options from the last
 * !PipConfig (each one replaces the previous, defaults otherwise), pip's HTTP cache and its
 * wheels are vagga cache directories ({@code pip-cache-http}, {@code pip-cache-wheels-<distro>}).
 * Unlike vagga, pip is the distribution's, not a get-pip.py download (bootstrap.pypa.io is one
 * more host to reach); distributions that mark their python as externally managed (PEP 668) are
 * told with PIP_BREAK_SYSTEM_PACKAGES that the container's python is ours to fill.
 */
final class PipSteps extends LanguageSteps {
    private boolean cachesMounted;

    PipSteps() {
        super("PipConfig", "Py2Install", "Py3Install", "Py2Requirements", "Py3Requirements");
    }

    @Override
    void runStep(BuildStep.Declared step, BuildContext ctx) throws StepFailure, IOException, InterruptedException {
        int version = step.tag().startsWith("Py2") ? 2 : 3;
        List<String> argv = pipInstall(version);
        List<String> requested;
        if (step.tag().endsWith("Install")) {
            requested = step.list();
            argv.addAll(requested);
        } else {
            String file = (String) step.value();
            requested = requirementLines(ctx.project(), file);
            argv.add("--requirement");
            argv.add(file);
        }
        if (requested.isEmpty()) {
            return;
        }
        configure(ctx);
        ctx.ensurePackages(features(version, requested));
        ctx.run(StepCommand.of(argv, "/work").withEnv(Map.of("PIP_BREAK_SYSTEM_PACKAGES", "1",
                "PIP_DISABLE_PIP_VERSION_CHECK", "1")));
    }

    private void configure(BuildContext ctx) throws IOException, StepFailure {
        if (cachesMounted) {
            return;
        }
        ctx.cacheMount("/tmp/pip-cache/http", "pip-cache-http");
        if (config.flag("cache-wheels")) {
            // wheels built here only fit this distribution's python
            ctx.cacheMount("/tmp/pip-cache/wheels", "pip-cache-wheels-" + distroIdent(ctx.root()));
        }
        ctx.environ().put("PIP_CACHE_DIR", "/tmp/pip-cache");
        cachesMounted = true;
    }

    /** vagga's scan_features: a compiler, python and its headers, pip; git for git+ requirements. */
    private List<String> features(int version, List<String> requested) {
        List<String> out = new ArrayList<>(List.of("build-essential"));
        if (config.flag("install-python")) {
            out.add(version == 2 ? "python2" : "python3");
            out.add(version == 2 ? "python2-dev" : "python3-dev");
        }
        out.add(version == 2 ? "pip2" : "pip3");
        for (String r : requested) {
            if (r.startsWith("git+")) {
                out.add("git");
                if (r.startsWith("git+https")) {
                    out.add("https");
                }
            }
        }
        return out;
    }

    private List<String> pipInstall(int version) {
        String python = config.string("python-exe") != null ? config.string("python-exe")
                : version == 2 ? "python2" : "python3";
        List<String> argv = new ArrayList<>(List.of(python, "-m", "pip", "install", "--ignore-installed"));
        List<String> indexes = config.strings("index-urls");
        for (int i = 0; i < indexes.size(); i++) {
            argv.add((i == 0 ? "--index-url=" : "--extra-index-url=") + indexes.get(i));
        }
        for (String host : config.strings("trusted-hosts")) {
            argv.add("--trusted-host");
            argv.add(host);
        }
        if (!config.flag("dependencies")) {
            argv.add("--no-deps");
        }
        for (String link : config.strings("find-links")) {
            argv.add("--find-links=" + link);
        }
        if (config.flag("allow-pre-releases")) {
            argv.add("--pre");
        }
        return argv;
    }

    /**
     * The requirement lines of a requirements file (relative to the project) and of every file it
     * includes with -r/-c, in order, without blank lines and comments: what vagga hashes.
     */
    static List<String> requirementLines(Path project, String file) throws IOException {
        List<String> out = new ArrayList<>();
        collect(project, Path.of(file), new LinkedHashSet<>(), out);
        return out;
    }

    private static void collect(Path project, Path rel, Set<Path> seen, List<String> out) throws IOException {
        Path file = ProjectPaths.inProject(project, rel.toString());
        Path real = file.toRealPath();
        if (!seen.add(real)) {
            throw new IOException("requirements include themselves: " + rel);
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String chunk = line.strip();
            if (chunk.isEmpty() || chunk.startsWith("#")) {
                continue;
            }
            String include = includedFile(chunk);
            if (include != null) {
                Path parent = rel.getParent();
                collect(project, parent == null ? Path.of(include) : parent.resolve(include), seen, out);
                continue;
            }
            out.add(chunk);
        }
        seen.remove(real);
    }

    private static String includedFile(String line) {
        for (String prefix : List.of("-r", "--requirement ", "--requirement=", "-c", "--constraint ",
                "--constraint=")) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length()).strip();
            }
        }
        return null;
    }

    /** "debian-12", "alpine-3.18": which distribution's wheels a cache holds (vagga: binary_ident). */
    static String distroIdent(Path root) {
        String id = "unknown";
        String version = "";
        try {
            Path osRelease = RootPath.resolve(root, "/etc/os-release", true); // the image's, never the host's
            for (String line : Files.readAllLines(osRelease, StandardCharsets.UTF_8)) {
                if (line.startsWith("ID=")) {
                    id = line.substring(3).replace("\"", "");
                } else if (line.startsWith("VERSION_ID=")) {
                    version = "-" + line.substring(11).replace("\"", "");
                }
            }
        } catch (IOException e) {
            return id;
        }
        return (id + version).replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
