// The container built-ins `_build`, `_version_hash`, `_clean`, `_run` as calls returning an exit code.
package vagga.image;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import vagga.config.Config;
import vagga.config.ConfigException;
import vagga.config.ConfigLoader;
import vagga.config.Container;
import vagga.linux.ExitStatus;
import vagga.linux.LinuxException;
import vagga.linux.MountSpec;
import vagga.linux.ShimInvocation;
import vagga.linux.Signals;
import vagga.plan.ExitCodes;

/**
 * Each entry point has a form taking the directory vagga was started in (it loads vagga.yaml)
 * and one taking an already loaded Config. Messages go to {@code err}, one line each; nothing
 * here calls System.exit.
 */
public final class BuildCommands {
    private BuildCommands() {}

    /** `vagga _build [--force] NAME`: 0, 121 (build failed, unknown container), 126 (config). */
    public static int build(Path cwd, String name, boolean force, PrintStream out, PrintStream err) {
        Config config = load(cwd, err);
        return config == null ? ExitCodes.CONFIG_ERROR : build(config, name, force, out, err);
    }

    public static int build(Config config, String name, boolean force, PrintStream out, PrintStream err) {
        try (ContainerBuilder builder = new ContainerBuilder()) {
            builder.ensureBuilt(config, name, force, err);
            return ExitCodes.OK;
        } catch (BuildException e) {
            err.println(e.getMessage());
            return ExitCodes.RUNTIME_ERROR;
        }
    }

    /** `vagga _version_hash [--short] NAME`: prints the hash (full, or the 8 digits of directory names). */
    public static int versionHash(Path cwd, String name, boolean shortHash, PrintStream out, PrintStream err) {
        Config config = load(cwd, err);
        return config == null ? ExitCodes.CONFIG_ERROR : versionHash(config, name, shortHash, out, err);
    }

    public static int versionHash(Config config, String name, boolean shortHash, PrintStream out, PrintStream err) {
        try {
            VersionHash hash = new VersionHash(config);
            out.println(shortHash ? hash.shortOf(name) : hash.of(name));
            return ExitCodes.OK;
        } catch (BuildException e) {
            err.println(e.getMessage());
            return ExitCodes.RUNTIME_ERROR;
        }
    }

    /** `vagga _clean --old|--everything|--transient|--tmp|--volumes`. */
    public static int clean(Path cwd, CleanMode mode, PrintStream out, PrintStream err) {
        Config config = load(cwd, err);
        return config == null ? ExitCodes.CONFIG_ERROR : clean(config, mode, out, err);
    }

    public static int clean(Config config, CleanMode mode, PrintStream out, PrintStream err) {
        Path vagga = ContainerBuilder.vaggaDir(config.projectRoot().toAbsolutePath());
        if (!Files.isDirectory(vagga)) {
            return ExitCodes.OK;
        }
        try (ProjectLock lock = ProjectLock.acquire(vagga, err)) {
            switch (mode) {
                case TMP -> ContainerBuilder.removeStale(vagga);
                case TRANSIENT -> TransientCopy.removeDead(vagga.resolve(".transient"));
                case VOLUMES -> FileTrees.delete(vagga.resolve(".volumes"));
                case OLD -> cleanOld(config, vagga);
                case EVERYTHING -> {
                    try (Stream<Path> s = Files.list(vagga)) {
                        for (Path p : s.toList()) {
                            String n = p.getFileName().toString();
                            // keep the lock we hold and a config that lives in .vagga/vagga.yaml
                            if (!n.equals(".lock") && !n.equals("vagga.yaml")) {
                                FileTrees.delete(p);
                            }
                        }
                    }
                }
            }
            return ExitCodes.OK;
        } catch (IOException e) {
            err.println("vagga: cannot clean " + vagga + ": " + ProjectPaths.describe(e));
            return ExitCodes.RUNTIME_ERROR;
        }
    }

    private static void cleanOld(Config config, Path vagga) throws IOException {
        ContainerBuilder.removeStale(vagga);
        VersionHash hash = new VersionHash(config);
        Set<String> current = new HashSet<>();
        Set<String> keepAllOf = new HashSet<>();
        for (String name : config.containers().keySet()) {
            try {
                current.add(name + "." + hash.shortOf(name));
            } catch (BuildException e) {
                // its version cannot be computed now (a missing input): keep what it has
                keepAllOf.add(name);
            }
        }
        Path roots = vagga.resolve(".roots");
        if (Files.isDirectory(roots)) {
            try (Stream<Path> s = Files.list(roots)) {
                for (Path p : s.toList()) {
                    String n = p.getFileName().toString();
                    int dot = n.lastIndexOf('.');
                    String container = dot > 0 ? n.substring(0, dot) : n;
                    if (!current.contains(n) && !keepAllOf.contains(container)) {
                        FileTrees.delete(p);
                    }
                }
            }
        }
        // links of containers that are gone from vagga.yaml, or that point at a removed root
        try (Stream<Path> s = Files.list(vagga)) {
            for (Path p : s.toList()) {
                if (Files.isSymbolicLink(p) && !Files.exists(p)) {
                    Files.delete(p);
                }
            }
        }
    }

    /**
     * `vagga _run CONTAINER CMD ARGS...`: builds the container if needed and runs the command
     * in it with the container's volumes and environment, in /work/<cwd relative to the project>.
     * @return the command's exit code (128+N for a signal), 121 for build/volume errors
     */
    public static int run(Path cwd, String containerName, List<String> argv, PrintStream out, PrintStream err) {
        Config config = load(cwd, err);
        return config == null ? ExitCodes.CONFIG_ERROR : run(config, cwd, containerName, argv, out, err);
    }

    public static int run(Config config, Path cwd, String containerName, List<String> argv, PrintStream out,
                          PrintStream err) {
        if (argv.isEmpty()) {
            err.println("vagga _run: a command to run is required");
            return ExitCodes.BAD_ARGUMENTS;
        }
        Path project = config.projectRoot().toAbsolutePath();
        try (BlockingReactor reactor = new BlockingReactor();
             ContainerBuilder builder = new ContainerBuilder(reactor)) {
            Container container = config.containers().get(containerName);
            Path root = builder.ensureBuilt(config, containerName, false, err);
            List<MountSpec> mounts = Volumes.resolve(project, container, null, root);
            ShimInvocation inv = new ShimInvocation(root, false, project, workDir(project, cwd), argv,
                    runEnvironment(container), 0, 0, List.of(), mounts, hostFile("/etc/hosts"),
                    hostFile("/etc/resolv.conf"), -1, -1);
            reactor.forwardSignals(Signals.SIGINT, Signals.SIGTERM, Signals.SIGHUP);
            ExitStatus status = reactor.run(inv);
            return status.code();
        } catch (BuildException | VolumeException e) {
            err.println(e.getMessage());
            return ExitCodes.RUNTIME_ERROR;
        } catch (LinuxException e) {
            err.println("vagga: " + e.getMessage());
            return ExitCodes.RUNTIME_ERROR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.RUNTIME_ERROR;
        }
    }

    /** SPEC 4.3 without the command-level layers: default PATH, TERM, the container's environ. */
    static List<String> runEnvironment(Container container) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", ContainerBuilder.DEFAULT_PATH);
        String term = System.getenv("TERM");
        env.put("TERM", term == null || term.isEmpty() ? "dumb" : term);
        env.putAll(container.environ());
        List<String> list = new ArrayList<>();
        env.forEach((k, v) -> list.add(k + "=" + v));
        return list;
    }

    /** /work plus where the caller stands inside the project. */
    static String workDir(Path project, Path cwd) {
        try {
            Path real = cwd.toRealPath();
            Path realProject = project.toRealPath();
            if (real.startsWith(realProject)) {
                String rel = realProject.relativize(real).toString();
                return rel.isEmpty() ? "/work" : "/work/" + rel;
            }
        } catch (IOException e) {
            // an unreadable cwd: run at the project root
        }
        return "/work";
    }

    private static Path hostFile(String path) {
        Path p = Path.of(path);
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? p : null;
    }

    private static Config load(Path cwd, PrintStream err) {
        try {
            return ConfigLoader.load(cwd);
        } catch (ConfigException e) {
            for (String line : e.problems()) {
                err.println(line);
            }
            return null;
        }
    }
}
