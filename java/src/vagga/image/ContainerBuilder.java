// Builds a container's root from its setup steps (SPEC 1.5) unless a root of the same version exists.
package vagga.image;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import vagga.config.BuildStep;
import vagga.config.Config;
import vagga.config.Container;
import vagga.linux.ExitStatus;
import vagga.linux.LinuxException;
import vagga.linux.ShimInvocation;
import vagga.linux.Signals;

/**
 * Layout, as vagga: {@code .vagga/.roots/<name>.<hash8>/root} is a finished root, and
 * {@code .vagga/<name>} a symlink to it. A build happens in
 * {@code .vagga/.roots/.tmp.<name>.<random>/root} and is renamed into place only when every step
 * succeeded, so a failed or killed build never leaves a root that looks finished; leftover
 * temporary directories are removed by the next build (under the project lock, nobody else can
 * be using them). Beside {@code root} a finished build keeps {@code environ} (the !Env variables,
 * inherited by !Container) and {@code removes} (the !Remove paths, applied again to children).
 */
public final class ContainerBuilder implements AutoCloseable {
    /** vagga's default PATH, for build steps and as the base of every container's environment. */
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** Directories every root gets, so the shim has its mount points (/work is required by it). */
    private static final List<String> MOUNT_POINTS = List.of("proc", "sys", "dev", "work", "tmp", "run");

    private final CommandRunner givenRunner;
    private BlockingReactor ownReactor;

    /** Build commands (!Sh, !Cmd) run on a ProcessReactor of this builder, started on first use. */
    public ContainerBuilder() {
        this(null);
    }

    /** Build commands run through {@code runner} (e.g. the supervisor's own reactor). */
    public ContainerBuilder(CommandRunner runner) {
        this.givenRunner = runner;
    }

    /** {@code .vagga} of a project. */
    public static Path vaggaDir(Path projectRoot) {
        return projectRoot.resolve(".vagga");
    }

    /**
     * Builds the container when no root of its current version exists (or {@code force}), and
     * returns its root directory; the path stays valid when a later build repoints .vagga/NAME.
     * @return null for a !HostRoot container (nothing is built; the shim uses --host-root)
     * @throws BuildException one line: unknown container, cycle, failed step (which and why),
     *                        unsupported step
     */
    public synchronized Path ensureBuilt(Config config, String name, boolean force, PrintStream progress)
            throws BuildException {
        Container container = config.containers().get(name);
        if (container == null) {
            throw new BuildException(config.containerNotFound(name, null));
        }
        if (container.isHostRoot()) {
            return null;
        }
        // A step we cannot build is the answer, before hashing (which reads the steps' input files).
        checkBuildable(config, name, new java.util.HashSet<>());
        VersionHash versions = new VersionHash(config);
        versions.of(name);
        Path vagga = vaggaDir(config.projectRoot());
        try (ProjectLock lock = ProjectLock.acquire(vagga, progress)) {
            if (lock.outermost()) {
                removeStale(vagga);
            }
            return new Build(config, versions, progress).ensure(name, force);
        } catch (IOException e) {
            throw new BuildException("container \"" + name + "\": " + ProjectPaths.describe(e), e);
        }
    }

    /** Throws for the first step vagga knows but we cannot build, in the container or its bases. */
    private static void checkBuildable(Config config, String name, java.util.Set<String> seen)
            throws BuildException {
        Container container = config.containers().get(name);
        if (container == null || !seen.add(name)) {
            return; // reported by the build itself (unknown container) or by the loader (cycle)
        }
        for (BuildStep step : container.setup()) {
            if (step instanceof BuildStep.Unsupported) {
                throw new BuildException("container \"" + name + "\": build step !" + step.tag()
                        + " is not supported yet");
            }
            if (step instanceof BuildStep.ContainerStep base) {
                checkBuildable(config, base.name(), seen);
            }
        }
    }

    /** The variables set by the container's !Env steps (build-time only in vagga, see README). */
    public static Map<String, String> buildEnviron(Path root) throws IOException {
        Path file = root.getParent().resolve("environ");
        Map<String, String> env = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return env;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        for (String entry : text.split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    private static void writeEnviron(Path dir, Map<String, String> env) throws IOException {
        StringBuilder sb = new StringBuilder();
        env.forEach((k, v) -> sb.append(k).append('=').append(v).append('\0'));
        Files.writeString(dir.resolve("environ"), sb.toString(), StandardCharsets.UTF_8);
    }

    /** Temporary build dirs and symlinks of builds that were killed (caller holds the lock). */
    static void removeStale(Path vagga) throws IOException {
        for (Path dir : List.of(vagga.resolve(".roots"), vagga)) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> stale;
            try (Stream<Path> s = Files.list(dir)) {
                stale = s.filter(p -> p.getFileName().toString().startsWith(".tmp.")).toList();
            }
            for (Path p : stale) {
                FileTrees.delete(p);
            }
        }
    }

    private CommandRunner runner() throws LinuxException {
        if (givenRunner != null) {
            return givenRunner;
        }
        if (ownReactor == null) {
            ownReactor = new BlockingReactor();
        }
        return ownReactor;
    }

    @Override
    public synchronized void close() {
        if (ownReactor != null) {
            ownReactor.close();
            ownReactor = null;
        }
    }

    /** One ensureBuilt call: the containers built (or found) so far, so each is done once. */
    private final class Build {
        private final Config config;
        private final VersionHash versions;
        private final PrintStream progress;
        private final Path project;
        private final Path roots;
        private final Map<String, Path> finished = new LinkedHashMap<>();

        Build(Config config, VersionHash versions, PrintStream progress) {
            this.config = config;
            this.versions = versions;
            this.progress = progress;
            this.project = config.projectRoot().toAbsolutePath();
            this.roots = vaggaDir(project).resolve(".roots");
        }

        Path ensure(String name, boolean force) throws BuildException, IOException {
            Path known = finished.get(name);
            if (known != null) {
                return known;
            }
            Container container = config.containers().get(name);
            if (container == null) {
                throw new BuildException(config.containerNotFound(name, null));
            }
            Path dir = roots.resolve(name + "." + versions.shortOf(name));
            Path root = dir.resolve("root");
            if (force || !Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
                build(container, dir);
            }
            pointLink(name, dir);
            finished.put(name, root);
            return root;
        }

        private void build(Container container, Path dir) throws BuildException, IOException {
            String name = container.name();
            List<BuildStep> setup = container.setup();
            for (BuildStep step : setup) {
                if (step instanceof BuildStep.HostRoot) {
                    throw new BuildException("container \"" + name + "\": !HostRoot must be the only setup step");
                }
                if (step instanceof BuildStep.Unsupported) {
                    throw new BuildException("container \"" + name + "\": build step !" + step.tag()
                            + " is not supported yet");
                }
            }
            ProjectPaths.ensureDir(project, ".vagga/.roots");
            Path tmp = roots.resolve(".tmp." + name + "." + random());
            Path root = tmp.resolve("root");
            Files.createDirectories(root);
            boolean done = false;
            try {
                BuildState state = new BuildState(name, tmp, root);
                for (int i = 0; i < setup.size(); i++) {
                    BuildStep step = setup.get(i);
                    progress.println("[" + name + "] step " + (i + 1) + "/" + setup.size() + ": " + StepLabel.of(step));
                    try {
                        run(state, step);
                    } catch (IOException e) {
                        throw new BuildException(StepLabel.prefix(name, i, step) + ": " + ProjectPaths.describe(e), e);
                    } catch (StepFailure e) {
                        throw new BuildException(StepLabel.prefix(name, i, step) + ": " + e.getMessage(), e);
                    } catch (LinuxException e) {
                        throw new BuildException(StepLabel.prefix(name, i, step) + ": " + e.getMessage(), e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new BuildException(StepLabel.prefix(name, i, step) + ": interrupted", e);
                    }
                }
                finish(state);
                install(tmp, dir);
                done = true;
            } finally {
                if (!done) {
                    FileTrees.delete(tmp);
                }
            }
        }

        private void run(BuildState state, BuildStep step)
                throws IOException, StepFailure, LinuxException, InterruptedException, BuildException {
            Path root = state.root;
            if (step instanceof BuildStep.Tar t) {
                Path file = Fetch.get(project, cacheDir(), t.url(), t.sha256(), progress, "[" + state.name + "] ");
                extract(state, file, t.path() == null ? "/" : t.path(), t.subdir());
            } else if (step instanceof BuildStep.ContainerStep s) {
                Path base = ensure(s.name(), false);
                copyRoot(base, root);
                state.env.putAll(buildEnviron(base));
                state.removes.addAll(readRemoves(base.getParent()));
            } else if (step instanceof BuildStep.Sh s) {
                command(state, List.of("/bin/sh", "-exc", s.script()));
            } else if (step instanceof BuildStep.Cmd s) {
                command(state, s.argv());
            } else if (step instanceof BuildStep.Env s) {
                state.env.putAll(s.vars());
            } else if (step instanceof BuildStep.Text s) {
                for (Map.Entry<String, String> e : s.files().entrySet()) {
                    Path file = RootPath.resolve(root, e.getKey(), true);
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
                    setMode(file, 0644);
                }
            } else if (step instanceof BuildStep.Copy s) {
                Path source = ProjectPaths.workSource(project, s.source());
                if (source == null) {
                    source = RootPath.resolve(root, s.source(), true);
                }
                if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
                    throw new StepFailure("source " + s.source() + " does not exist");
                }
                Path dest = RootPath.resolve(root, s.path(), true);
                Files.createDirectories(dest.getParent());
                FileTrees.copy(source, dest, new CopyOptions(VersionHash.copyFilter(s), s.ownerUid(), s.ownerGid(),
                        CopyOptions.DEFAULT_UMASK, false, false));
            } else if (step instanceof BuildStep.EnsureDir s) {
                Files.createDirectories(RootPath.resolve(root, s.path(), true));
            } else if (step instanceof BuildStep.Remove s) {
                FileTrees.delete(RootPath.resolve(root, s.path(), false));
                state.removes.add(s.path());
            } else if (step instanceof BuildStep.Depends) {
                // only part of the version hash
            } else if (step instanceof BuildStep.Download s) {
                Path file = Fetch.get(project, cacheDir(), s.url(), s.sha256(), progress, "[" + state.name + "] ");
                Path dest = RootPath.resolve(root, s.path(), true);
                Files.createDirectories(dest.getParent());
                Files.copy(file, dest, StandardCopyOption.REPLACE_EXISTING);
                setMode(dest, s.mode());
            } else {
                throw new StepFailure("build step !" + step.tag() + " is not supported yet");
            }
        }

        private Path cacheDir() throws IOException {
            return ProjectPaths.ensureDir(project, ".vagga/.cache/downloads");
        }

        /** Unpacks with the system tar (it detects gzip/xz/bzip2 itself) into a staging dir,
         *  then moves the wanted subdir over the destination, merging directories. */
        private void extract(BuildState state, Path archive, String path, String subdir)
                throws IOException, StepFailure, InterruptedException {
            Path staging = state.tmp.resolve("tar-staging");
            FileTrees.delete(staging);
            Files.createDirectories(staging);
            try {
                List<String> argv = new ArrayList<>(List.of("tar", "-x", "-f", archive.toString(),
                        "-C", staging.toString(), "--numeric-owner"));
                host(argv, "tar");
                Path from = staging;
                if (subdir != null && !subdir.isEmpty() && !subdir.equals(".")) {
                    from = staging.resolve(subdir).normalize();
                    if (!from.startsWith(staging) || !Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
                        throw new StepFailure("subdir \"" + subdir + "\" is not a directory in " + archive);
                    }
                }
                FileTrees.mergeMove(from, RootPath.resolve(state.root, path, true));
            } finally {
                FileTrees.delete(staging);
            }
        }

        /** cp -a keeps hard links, device nodes, xattrs and owners, which Files.copy does not. */
        private void copyRoot(Path base, Path root) throws IOException, StepFailure, InterruptedException {
            host(List.of("cp", "-a", base + "/.", root + "/"), "cp");
        }

        private void command(BuildState state, List<String> argv)
                throws IOException, StepFailure, LinuxException, InterruptedException {
            prepareMountPoints(state.root);
            Map<String, String> env = new LinkedHashMap<>();
            env.put("PATH", DEFAULT_PATH);
            String term = System.getenv("TERM");
            env.put("TERM", term == null || term.isEmpty() ? "dumb" : term);
            env.putAll(state.env);
            List<String> envList = new ArrayList<>();
            env.forEach((k, v) -> envList.add(k + "=" + v));
            // The root's own /tmp is bound over the shim's fresh tmpfs, so files that host-side
            // steps put there (a !Download to /tmp/x) are seen by the commands; emptied at the end.
            Path tmpDir = RootPath.resolve(state.root, "/tmp", true);
            ShimInvocation inv = new ShimInvocation(state.root, true, project, "/work", argv,
                    envList, 0, 0, List.of(),
                    List.of(new vagga.linux.MountSpec.Bind(tmpDir.toString(), "/tmp", false)),
                    hostFile("/etc/hosts"), hostFile("/etc/resolv.conf"), -1, -1);
            ExitStatus status = runner().run(inv);
            if (status instanceof ExitStatus.Signalled s) {
                throw new StepFailure("killed by signal " + Signals.name(s.signal()));
            }
            if (status.code() == 124) {
                throw new StepFailure("container setup failed (exit code 124, see the vagga-init message above)");
            }
            if (status.code() != 0) {
                throw new StepFailure("exited with code " + status.code());
            }
        }

        private Path hostFile(String path) {
            Path p = Path.of(path);
            return Files.isReadable(p) ? p : null;
        }

        private void finish(BuildState state) throws IOException {
            for (String path : state.removes) {
                FileTrees.delete(RootPath.resolve(state.root, path, false));
            }
            Path tmpDir = state.root.resolve("tmp");
            if (Files.isDirectory(tmpDir, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> s = Files.list(tmpDir)) {
                    for (Path p : s.toList()) {
                        FileTrees.delete(p);
                    }
                }
            }
            prepareMountPoints(state.root);
            if (Files.isDirectory(tmpDir, LinkOption.NOFOLLOW_LINKS)) {
                setMode(tmpDir, 01777);
            }
            writeEnviron(state.tmp, state.env);
            Files.writeString(state.tmp.resolve("removes"), String.join("\n", state.removes), StandardCharsets.UTF_8);
        }

        /** Moves the finished build to its final name; a forced rebuild replaces the old root. */
        private void install(Path tmp, Path dir) throws IOException {
            Path old = null;
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                old = roots.resolve(".tmp." + dir.getFileName() + ".old." + random());
                Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            if (old != null) {
                FileTrees.delete(old);
            }
        }

        /** Repoints .vagga/NAME with a rename, so readers see the old or the new link, never none. */
        private void pointLink(String name, Path dir) throws IOException {
            Path vagga = vaggaDir(project);
            Path link = vagga.resolve(name);
            Path target = vagga.relativize(dir.resolve("root"));
            if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(target)) {
                return;
            }
            if (Files.exists(link, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(link)) {
                throw new FileAlreadyExistsException(link.toString(), null, "exists and is not a symlink vagga made");
            }
            Path tmpLink = vagga.resolve(".tmp.link." + name + "." + random());
            Files.createSymbolicLink(tmpLink, target);
            Files.move(tmpLink, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Runs a host tool; its stderr's last line explains a failure. */
    private static void host(List<String> argv, String what) throws IOException, StepFailure, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int code = p.waitFor();
        if (code != 0) {
            String last = output.isEmpty() ? "" : ": " + output.substring(output.lastIndexOf('\n') + 1);
            throw new StepFailure(what + " exited with code " + code + last);
        }
    }

    private static void prepareMountPoints(Path root) throws IOException {
        for (String dir : MOUNT_POINTS) {
            Path p = root.resolve(dir);
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(p);
                if (dir.equals("tmp")) {
                    setMode(p, 01777);
                }
            }
        }
        // vagga gives every root these two files, so the host's can be bound over them
        Path etc = root.resolve("etc");
        if (Files.isDirectory(etc, LinkOption.NOFOLLOW_LINKS)) {
            for (String f : List.of("hosts", "resolv.conf")) {
                Path p = etc.resolve(f);
                if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createFile(p);
                }
            }
        }
    }

    private static List<String> readRemoves(Path dir) throws IOException {
        Path file = dir.resolve("removes");
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isEmpty()) {
                out.add(line);
            }
        }
        return out;
    }

    /** chmod, sticky and setuid bits included (PosixFilePermission has only the rwx bits). */
    static void setMode(Path p, int mode) throws IOException {
        Files.setAttribute(p, "unix:mode", mode);
    }

    private static String random() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    /** Mutable state of one container's build: where it happens and what !Env/!Remove collected. */
    private static final class BuildState {
        final String name;
        final Path tmp;
        final Path root;
        final Map<String, String> env = new LinkedHashMap<>();
        final List<String> removes = new ArrayList<>();

        BuildState(String name, Path tmp, Path root) {
            this.name = name;
            this.tmp = tmp;
            this.root = root;
        }
    }

    /** A step failed for a reason we can state in a few words. */
    static final class StepFailure extends Exception {
        private static final long serialVersionUID = 1L;

        StepFailure(String message) {
            super(message);
        }
    }
}
