// Builds a container's root from its setup steps (SPEC 1.5) unless a root of the same version exists.
package vagga.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.stream.Stream;
import vagga.config.BuildStep;
import vagga.config.Config;
import vagga.config.Container;
import vagga.linux.ExitStatus;
import vagga.linux.LinuxException;
import vagga.linux.ShimInvocation;
import vagga.launch.Environment;

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
    /**
     * Directories every root gets, as vagga's (its modes: 0755, /tmp 1777), so the shim has its
     * mount points (/work is required by it) and /etc can take the host's hosts and resolv.conf.
     */
    private static final List<String> MOUNT_POINTS = List.of("dev", "etc", "proc", "run", "sys", "tmp", "work");

    private final CommandRunner givenRunner;
    private final Environment.Caller caller;
    private BlockingReactor ownReactor;
    private BuildMode mode = BuildMode.NORMAL;

    /** Build commands (!Sh, !Cmd) run on a ProcessReactor of this builder, started on first use. */
    public ContainerBuilder() {
        this(null, Environment.Caller.of(System.getenv()));
    }

    /** Build commands run through {@code runner} (e.g. the supervisor's own reactor). */
    public ContainerBuilder(CommandRunner runner) {
        this(runner, Environment.Caller.of(System.getenv()));
    }

    /**
     * @param runner where build commands run, or null for a reactor of this builder
     * @param caller who started vagga: build commands get its TERM and proxy variables
     */
    public ContainerBuilder(CommandRunner runner, Environment.Caller caller) {
        this.givenRunner = runner;
        this.caller = caller;
    }

    /** How far this builder may go to get a root (the global --no-build etc.); NORMAL by default. */
    public ContainerBuilder mode(BuildMode mode) {
        this.mode = mode;
        return this;
    }

    /** The mode given to {@link #mode(BuildMode)}. */
    public BuildMode mode() {
        return mode;
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
    public synchronized Path ensureBuilt(Config config, String name, boolean force, BuildProgress progress)
            throws BuildException {
        try (Session session = session(config, progress)) {
            return session.ensure(name, force);
        }
    }

    /** Several containers in a row (a command's children): one project lock, stale scan and storage set-up for all. */
    public Session session(Config config, BuildProgress progress) {
        return new Session(config, progress);
    }

    /**
     * {@link #ensureBuilt} for several containers: the project lock is taken at the first container
     * that needs it and held until {@link #close}, stale temporary directories are removed once,
     * and an input tree shared by several containers is walked once, unless a build ran meanwhile
     * (a build step may write into the project). Each container's version is still computed and
     * its root checked, linked and leased.
     */
    public final class Session implements AutoCloseable {
        private final Config config;
        private final BuildProgress progress;
        private VersionHash versions;
        private ProjectLock lock;
        private String lockedFor;
        private Path base;
        private Build build;

        private Session(Config config, BuildProgress progress) {
            this.config = config;
            this.progress = progress;
        }

        /** As {@link ContainerBuilder#ensureBuilt}. */
        public Path ensure(String name, boolean force) throws BuildException {
            Container container = config.containers().get(name);
            if (container == null) {
                throw new BuildException(config.containerNotFound(name, null));
            }
            if (container.isHostRoot()) {
                return null;
            }
            if (mode == BuildMode.NO_VERSION_CHECK && !force) {
                return linkedRoot(config, name);
            }
            // the setting version-check: false (vagga): any root already built under the name is used
            // without computing a version; one never built is built as usual
            if (!caller.settings().versionCheck() && !force && mode != BuildMode.NO_BUILD) {
                Path link = vaggaDir(config.projectRoot().toAbsolutePath()).resolve(name);
                if (Files.isSymbolicLink(link) && Files.isDirectory(link)) {
                    return linkedRoot(config, name);
                }
            }
            // A step we cannot build is the answer, before hashing (which reads the steps' input files).
            if (mode != BuildMode.NO_BUILD || force) {
                checkBuildable(config, name, new java.util.HashSet<>());
            }
            if (versions == null || build != null && build.builds > 0) {
                // inputs read before a build are read again after it
                versions = versions == null ? new VersionHash(config) : versions.reread();
                build = null;
            }
            if (mode == BuildMode.NO_BUILD && !force) {
                String version;
                try {
                    version = versions.shortOf(name);
                } catch (BuildException e) {
                    // vagga's _version_hash exits 29 when a container cannot be versioned before its build
                    throw new BuildException(e.getMessage(), BuildException.NOT_BUILT);
                }
                return builtRoot(config, name, version);
            }
            versions.of(name);
            try {
                if (lock == null) {
                    Path vagga = vaggaDir(config.projectRoot());
                    lock = ProjectLock.acquire(vagga, new ProjectLock.WhenHeld() { // not a lambda: see ProcessReactor
                        @Override
                        public void held() throws BuildException {
                            whenLockHeld(name, force);
                        }
                    });
                    lockedFor = name;
                    base = storageBase(config);
                    if (lock.outermost()) {
                        removeStale(vagga);
                    }
                    StorageBase.ensurePrivate(config.projectRoot(), base, ".roots");
                }
                if (build == null) {
                    build = new Build(config, versions, progress, base);
                }
                return build.ensure(name, force);
            } catch (IOException e) {
                throw new BuildException(BuildText.containerIo(name, ProjectPaths.describe(e)), e);
            }
        }

        /**
         * Another vagga process holds the project lock: it checks versions, cleans, or builds. As vagga
         * (whose lock is per container and taken only to build), only a build of this very container
         * elsewhere is a reason to give up: with {@code build-lock-wait: false} (vagga's default) this
         * one aborts with vagga's line, with {@code true} it says vagga's waiting line and waits. A run
         * whose root is there builds nothing and waits, as when the holder only checks or builds
         * another container (builds of a project still run one at a time); the wait is short unless a
         * build is running. The check is racy only towards waiting: the holder may start building this
         * container just after it, and the wait then ends finding the root built.
         */
        private void whenLockHeld(String name, boolean force) throws BuildException {
            Path vagga = vaggaDir(config.projectRoot());
            boolean built = !force && Files.isDirectory(StorageBase.roots(config.projectRoot())
                    .resolve(name + "." + versions.shortOf(name)).resolve("root"), LinkOption.NOFOLLOW_LINKS);
            if (!built && ContainerBuildLock.heldElsewhere(vagga, name)) {
                if (!caller.settings().buildLockWait()) {
                    throw new BuildException(BuildText.buildLocked());
                }
                progress.otherBuildRunning(name);
            } else {
                progress.waitingForLock(vagga.resolve(".lock"));
            }
        }

        /** Releases the project lock. */
        @Override
        public void close() throws BuildException {
            if (lock != null) {
                try {
                    lock.close();
                } catch (IOException e) {
                    throw new BuildException(BuildText.containerIo(lockedFor, ProjectPaths.describe(e)), e);
                } finally {
                    lock = null;
                }
            }
        }
    }

    /** Where roots are built: .vagga, or with storage-dir the project's directory there (through .vagga/.lnk). */
    private Path storageBase(Config config) throws BuildException {
        vagga.config.Settings settings = caller.settings();
        String subdir = null;
        String variable = settings.storageSubdirFromEnvVar();
        if (settings.storageDir() != null && variable != null) {
            subdir = caller.callerEnv().get(variable);
            if (subdir == null || subdir.isEmpty()) {
                throw new BuildException("Couldn't determine storage-dir subdir from environment: $" + variable
                        + " (storage-subdir-from-env-var) is not set");
            }
        }
        return StorageBase.prepare(config.projectRoot(), settings.storageDir(), subdir);
    }

    /** --no-build: the root of the current version if it is there (leased like a built one). */
    private static Path builtRoot(Config config, String name, String version) throws BuildException {
        Path dir = StorageBase.roots(config.projectRoot()).resolve(name + "." + version);
        if (!Files.isDirectory(dir.resolve("root"), LinkOption.NOFOLLOW_LINKS)) {
            throw new BuildException(BuildText.notBuilt(name, version), BuildException.NOT_BUILT);
        }
        try {
            RootLease.take(dir);
        } catch (IOException e) {
            throw new BuildException(BuildText.containerIo(name, ProjectPaths.describe(e)), e);
        }
        return dir.resolve("root");
    }

    /** --no-version-check: whatever .vagga/NAME points at, as vagga's version_from_symlink. */
    private static Path linkedRoot(Config config, String name) throws BuildException {
        Path link = vaggaDir(config.projectRoot().toAbsolutePath()).resolve(name);
        try {
            if (!Files.isSymbolicLink(link) || !Files.isDirectory(link)) {
                throw new BuildException(BuildText.notLinked(name), BuildException.NOT_BUILT);
            }
            Path root = link.toRealPath();
            RootLease.take(root.getParent());
            return root;
        } catch (IOException e) {
            throw new BuildException(BuildText.containerIo(name, ProjectPaths.describe(e)), e);
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
                throw new BuildException(BuildText.notSupported(name, step.tag()));
            }
            if (step instanceof BuildStep.ContainerStep base) {
                checkBuildable(config, base.name(), seen);
            }
            if (step instanceof BuildStep.Declared d && d.tag().equals("Build")) {
                checkBuildable(config, d.string("container"), seen);
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
        for (Map.Entry<String, String> e : env.entrySet()) {
            sb.append(e.getKey()).append('=').append(e.getValue()).append('\0');
        }
        Files.writeString(dir.resolve("environ"), sb.toString(), StandardCharsets.UTF_8);
    }

    /** Temporary build dirs and symlinks of builds that were killed (caller holds the lock). */
    static void removeStale(Path vagga) throws IOException {
        Path base = StorageBase.base(vagga.getParent());
        for (Path dir : List.of(base.resolve(".roots"), base.resolve(SavedSteps.DIR), vagga)) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            for (Path p : FileTrees.entries(dir, ".tmp.")) {
                LayeredRoot.unmountStale(p); // a build killed in an overlay mount
                FileTrees.delete(p);
            }
            if (dir.getFileName().toString().equals(".roots")) {
                for (Path p : FileTrees.entries(dir, RootLease.OLD_PREFIX)) {
                    RootLease.removeUnused(p);
                }
            }
        }
    }

    /** The first family that builds the step, or null. */
    private static BuilderFamily familyOf(List<BuilderFamily> families, BuildStep step) {
        for (BuilderFamily family : families) {
            if (family.builds(step)) {
                return family;
            }
        }
        return null;
    }

    /** What a build step does: run, replay, or restore the root saved after it. */
    private interface StepAction {
        void run() throws StepFailure, BuildException, IOException, InterruptedException;
    }

    /** Runs one step's action; a failure names the container and the step. */
    private static void step(String name, int i, BuildStep step, StepAction action) throws BuildException {
        try {
            action.run();
        } catch (IOException e) {
            throw new BuildException(BuildText.stepFailed(name, i, step, ProjectPaths.describe(e)), e);
        } catch (StepFailure e) {
            throw new BuildException(BuildText.stepFailed(name, i, step, e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildException(BuildText.stepFailed(name, i, step, BuildText.interrupted()), e);
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
        private final BuildProgress progress;
        private final Path project;
        private final Path roots;
        private final Map<String, Path> finished = new LinkedHashMap<>();
        /** How many containers this object built (not only found): their steps may have changed inputs. */
        private int builds;

        private final Path base;

        Build(Config config, VersionHash versions, BuildProgress progress, Path base) {
            this.config = config;
            this.versions = versions;
            this.progress = progress;
            this.project = config.projectRoot().toAbsolutePath();
            this.base = base;
            this.roots = base.resolve(".roots");
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
            // vagga builds what a !Build content-hash copies from first: its files are the version
            boolean byContent = false;
            for (BuildStep step : container.setup()) {
                if (step instanceof BuildStep.Declared d && d.tag().equals("Build") && d.flag("content-hash")) {
                    ensure(d.string("container"), false);
                    byContent = true;
                }
            }
            String version = byContent ? new VersionHash(config).shortOf(name) : versions.shortOf(name);
            Path dir = roots.resolve(name + "." + version);
            Path root = dir.resolve("root");
            boolean built = force || !Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS);
            if (built) {
                dir = build(container, dir, force);
                root = dir.resolve("root");
            }
            pointLink(name, dir);
            RootLease.take(dir);
            if (built && container.autoClean() && !caller.settings().disableAutoClean()) {
                removeOtherVersions(name, dir);
            }
            if (built) {
                afterBuild(name, dir);
            }
            finished.put(name, root);
            return root;
        }

        /** Builds into a temporary directory and installs it; returns the directory it is named by. */
        private Path build(Container container, Path dir, boolean force) throws BuildException, IOException {
            builds++;
            try (ContainerBuildLock building = ContainerBuildLock.hold(vaggaDir(project), container.name())) {
                return build(container, dir, force, true);
            } catch (LayeredRoot.Inexact e) {
                progress.note(container.name(), e.getMessage());
                try {
                    return build(container, dir, true, false);
                } catch (LayeredRoot.Inexact again) {
                    throw new IllegalStateException(again); // no overlay without reuse
                }
            }
        }

        private Path build(Container container, Path dir, boolean force, boolean layered)
                throws BuildException, IOException, LayeredRoot.Inexact {
            String name = container.name();
            List<BuildStep> setup = container.setup();
            for (BuildStep step : setup) {
                if (step instanceof BuildStep.HostRoot) {
                    throw new BuildException(BuildText.hostRootNotAlone(name));
                }
                if (step instanceof BuildStep.Unsupported) {
                    throw new BuildException(BuildText.notSupported(name, step.tag()));
                }
            }
            StorageBase.ensurePrivate(project, base, ".roots");
            // versioned-build-dir (vagga): .tmp.NAME.HASH, the version being built, instead of a random
            // suffix; the project lock keeps a second build of the same version out meanwhile
            Path tmp = caller.settings().versionedBuildDir() ? roots.resolve(".tmp." + dir.getFileName())
                    : roots.resolve(".tmp." + name + "." + random());
            if (caller.settings().versionedBuildDir()) {
                FileTrees.delete(tmp);
            }
            Path root = tmp.resolve("root");
            Files.createDirectories(root);
            boolean done = false;
            // anonymous classes, not lambdas, on a build's path: linking each lambda costs a cold JVM ~1 ms
            LayeredRoot layers = layered && LayeredRoot.possible() ? new LayeredRoot(tmp, root, new IntPredicate() {
                @Override
                public boolean test(int tid) {
                    try {
                        return runner().joinMountNamespace(tid);
                    } catch (LinuxException e) {
                        return false;
                    }
                }
            }) : null;
            try {
                BuildContext ctx = new BuildContext(config, name, tmp, root, progress, caller, new CommandRunner() {
                    @Override
                    public ExitStatus run(ShimInvocation inv) throws LinuxException, InterruptedException {
                        return runner().run(inv);
                    }
                }, new BuildContext.Bases() {
                    @Override
                    public Path ensure(String base) throws BuildException, IOException {
                        return ensureBase(base);
                    }
                });
                ctx.setLayers(layers);
                List<BuilderFamily> families = StepFamilies.forOneBuild();
                ctx.setSteps(new BuildContext.Steps() {
                    @Override
                    public void run(BuildStep inner) throws StepFailure, BuildException, IOException, InterruptedException {
                        BuilderFamily family = familyOf(families, inner);
                        if (family == null) {
                            throw new StepFailure(BuildText.notSupported(name, inner.tag()));
                        }
                        family.run(inner, ctx);
                    }
                });
                if (container.imageCacheUrl() != null && mode != BuildMode.NO_IMAGE_DOWNLOAD
                        && fromImage(container, ctx)) {
                    finish(tmp, ctx);
                    install(tmp, dir);
                    done = true;
                    return dir;
                }
                SavedSteps saved = savedSteps(name, ctx);
                // step-by-step reuse (SavedSteps): the root after the unchanged first steps, their state replayed
                int first = force ? 0 : saved.resumable(setup, new Predicate<BuildStep>() {
                    @Override
                    public boolean test(BuildStep step) {
                        BuilderFamily family = familyOf(families, step);
                        return family != null && family.replays(step);
                    }
                });
                if (first > 0) {
                    step(name, first - 1, setup.get(first - 1), new StepAction() {
                        @Override
                        public void run() throws StepFailure, IOException, InterruptedException {
                            saved.restore(first, root, layers);
                        }
                    });
                    for (int i = 0; i < first; i++) {
                        BuildStep step = setup.get(i);
                        step(name, i, step, new StepAction() {
                            @Override
                            public void run() throws StepFailure, BuildException, IOException, InterruptedException {
                                familyOf(families, step).replay(step, ctx);
                            }
                        });
                    }
                    ctx.note("reusing the root saved after step " + first + " of " + setup.size() + " ("
                            + StepLabel.of(setup.get(first - 1)) + ")");
                }
                boolean replayable = true;
                for (int i = first; i < setup.size(); i++) {
                    BuildStep step = setup.get(i);
                    progress.stepStarted(name, i + 1, setup.size(), StepLabel.of(step));
                    BuilderFamily family = familyOf(families, step);
                    if (family == null) {
                        throw new BuildException(BuildText.notSupported(name, step.tag()));
                    }
                    long started = System.nanoTime();
                    step(name, i, step, new StepAction() {
                        @Override
                        public void run() throws StepFailure, BuildException, IOException, InterruptedException {
                            family.run(step, ctx);
                        }
                    });
                    replayable &= family.replays(step);
                    if (!family.cachedAfter(step, ctx)) {
                        save(saved, i + 1, System.nanoTime() - started, replayable, ctx, layers);
                    }
                }
                try {
                    for (BuilderFamily family : families) {
                        family.finish(ctx);
                    }
                    if (ctx.distribution() != null) {
                        ctx.distribution().finish(ctx);
                    }
                } catch (StepFailure e) {
                    throw new BuildException(BuildText.containerIo(name, e.getMessage()), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new BuildException(BuildText.containerIo(name, BuildText.interrupted()), e);
                }
                finish(tmp, ctx);
                if (layers != null && layers.mounted()) {
                    materialize(layers, tmp, ctx);
                }
                // vagga versions a container again after its build: a step may have written an
                // input of the hash into the project (yarn.lock, composer.lock, Gemfile.lock), and
                // the root is named by what the next start will compute
                Path named = roots.resolve(name + "." + versions.reread().shortOf(name));
                install(tmp, named);
                done = true;
                return named;
            } finally {
                if (!done) {
                    if (layers != null) {
                        layers.abandon();
                    }
                    FileTrees.delete(tmp);
                }
            }
        }

        /** The overlay's upper layer applied to a plain tree at the root: a recycled unused root of the container, or a copy. */
        private void materialize(LayeredRoot layers, Path tmp, BuildContext ctx)
                throws BuildException, IOException, LayeredRoot.Inexact {
            String name = ctx.container();
            List<Path> candidates = new ArrayList<>();
            if (!caller.settings().hardLinkIdenticalFiles()) { // linked roots share files: none is ours to change
                // the container's roots (NAME.HASH), the most recently modified first; plain loops (FileTrees.entries)
                List<Path> mine = new ArrayList<>();
                List<Long> times = new ArrayList<>();
                for (Path p : FileTrees.entries(roots, name + ".")) {
                    if (p.getFileName().toString().indexOf('.', name.length() + 1) < 0) {
                        long t = p.toFile().lastModified();
                        int at = 0;
                        while (at < times.size() && times.get(at) >= t) {
                            at++;
                        }
                        mine.add(at, p);
                        times.add(at, t);
                    }
                }
                candidates.addAll(mine); // which is in use, materialize asks only of one that fits
            }
            try {
                layers.unmount();
                String line = layers.materialize(tmp, candidates);
                if (line != null) {
                    ctx.note(line);
                }
            } catch (StepFailure e) {
                throw new BuildException(BuildText.containerIo(name, e.getMessage()), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BuildException(BuildText.containerIo(name, BuildText.interrupted()), e);
            }
        }

        /**
         * vagga's image-cache-url: before building, the image at the URL ({@code ${container_name}} and
         * {@code ${short_hash}} replaced; http(s), or a local path as !Tar takes) is unpacked as the
         * root. Any failure is vagga's line and a local build from a clean root.
         */
        private boolean fromImage(Container container, BuildContext ctx) throws BuildException, IOException {
            String url = container.imageCacheUrl().replace("${container_name}", container.name())
                    .replace("${short_hash}", versions.shortOf(container.name()));
            try {
                Path image = ctx.fetch(url, null);
                ctx.runOnHost(List.of("tar", "-x", "-f", image.toString(), "-C", ctx.root().toString(),
                        "--numeric-owner"), "tar");
                if (!Fetch.isLocal(url)) {
                    Files.deleteIfExists(image); // as vagga: a downloaded image is not kept in the cache
                }
                ctx.note("unpacked the image " + url);
                return true;
            } catch (IOException | StepFailure e) {
                ctx.note(BuildText.imageFailed(e instanceof IOException io ? ProjectPaths.describe(io) : e.getMessage()));
                try (Stream<Path> s = Files.list(ctx.root())) {
                    for (Path p : s.toList()) {
                        FileTrees.delete(p);
                    }
                }
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BuildException(BuildText.containerIo(container.name(), BuildText.interrupted()), e);
            }
        }

        /** The settings index-all-images and hard-link-identical-files (vagga's line: "Found and linked ..."). */
        private void afterBuild(String name, Path dir) throws IOException {
            vagga.config.Settings settings = caller.settings();
            if (settings.indexAllImages()) {
                ImageIndex.write(dir);
            }
            if (settings.hardLinkIdenticalFiles()) {
                List<Path> dirs = new ArrayList<>(ImageDirs.of(roots));
                if (settings.hardLinkBetweenProjects() && settings.storageDir() != null) {
                    dirs = new ArrayList<>(ImageDirs.ofStorage(settings.storageDir()));
                }
                dirs.removeIf(d -> d.toAbsolutePath().normalize().equals(dir.toAbsolutePath().normalize())
                        || safeReal(d).equals(safeReal(dir)));
                dirs.add(dir);
                ImageIndex.Linked linked = ImageIndex.hardlink(dirs);
                progress.note(name, "Found and linked " + linked.count() + " (" + ImageIndex.humanSize(linked.bytes())
                        + ") identical files");
            }
        }

        /** auto-clean: the container's other roots go once the new one is in place (kept while in use). */
        private void removeOtherVersions(String name, Path current) throws IOException {
            List<Path> others;
            try (Stream<Path> s = Files.list(roots)) {
                others = s.filter(p -> {
                    String n = p.getFileName().toString();
                    return !p.equals(current) && (n.startsWith(name + ".") && n.indexOf('.', name.length() + 1) < 0
                            || n.startsWith(RootLease.OLD_PREFIX + name + "."));
                }).toList();
            }
            for (Path p : others) {
                RootLease.removeUnused(p);
            }
        }

        /** The build's saved steps (beside the roots), bounded by the setting saved-steps. */
        private SavedSteps savedSteps(String name, BuildContext ctx) throws BuildException {
            try {
                return new SavedSteps(roots.getParent(), name, versions.prefixes(name),
                        SavedSteps.keepSetting(ctx.settings().savedSteps()));
            } catch (StepFailure e) {
                throw new BuildException(BuildText.containerIo(name, e.getMessage()), e);
            }
        }

        /** A copy of the root after a slow step; failing to make one only costs a later build time. */
        private void save(SavedSteps saved, int steps, long nanos, boolean replayable, BuildContext ctx,
                LayeredRoot layers) throws BuildException, LayeredRoot.Inexact {
            try {
                String line = saved.after(steps, nanos, ctx.root(), replayable, layers);
                if (line != null) {
                    ctx.note(line);
                }
            } catch (IOException | StepFailure e) {
                ctx.note("cannot save the root after step " + steps + " for reuse: "
                        + (e instanceof IOException io ? ProjectPaths.describe(io) : e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BuildException(BuildText.containerIo(ctx.container(), BuildText.interrupted()), e);
            }
        }

        private Path ensureBase(String name) throws BuildException, IOException {
            return ensure(name, false);
        }

        private void finish(Path tmp, BuildContext ctx) throws IOException {
            Path root = ctx.root();
            for (String path : ctx.removes()) {
                FileTrees.delete(RootPath.resolve(root, path, false));
            }
            Container container = config.containers().get(ctx.container());
            if (!container.dataDirs().isEmpty()) {
                DataDirs.keepOnly(root, container.dataDirs(), ctx::note);
            }
            Path tmpDir = root.resolve("tmp");
            if (Files.isDirectory(tmpDir, LinkOption.NOFOLLOW_LINKS)) {
                for (Path p : FileTrees.entries(tmpDir)) {
                    FileTrees.delete(p);
                }
            }
            prepareMountPoints(root);
            if (Files.isDirectory(tmpDir, LinkOption.NOFOLLOW_LINKS)) {
                setMode(tmpDir, 01777);
            }
            writeEnviron(tmp, ctx.environ());
            Files.writeString(tmp.resolve("removes"), String.join("\n", ctx.removes()), StandardCharsets.UTF_8);
        }

        /** Moves the finished build to its final name; a forced rebuild replaces the old root. */
        private void install(Path tmp, Path dir) throws IOException {
            Path old = null;
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                // a running child may use it: it is removed once no vagga process holds it
                old = roots.resolve(RootLease.OLD_PREFIX + dir.getFileName() + "." + random());
                Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            if (old != null) {
                RootLease.removeUnused(old);
            }
        }

        /** Repoints .vagga/NAME with a rename, so readers see the old or the new link, never none. */
        private void pointLink(String name, Path dir) throws IOException {
            Path vagga = vaggaDir(project);
            Path link = vagga.resolve(name);
            Path target = vagga.relativize(dir.resolve("root"));
            try {
                // one readlink: at every start, per container, the link is what it should be
                if (Files.readSymbolicLink(link).equals(target)) {
                    return;
                }
            } catch (NotLinkException e) {
                throw new FileAlreadyExistsException(link.toString(), null, "exists and is not a symlink vagga made");
            } catch (NoSuchFileException e) {
                // made below
            }
            Path tmpLink = vagga.resolve(".tmp.link." + name + "." + random());
            Files.createSymbolicLink(tmpLink, target);
            Files.move(tmpLink, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Path safeReal(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    static void prepareMountPoints(Path root) throws IOException {
        for (String dir : MOUNT_POINTS) {
            Path p = root.resolve(dir);
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(p);
                setMode(p, dir.equals("tmp") ? 01777 : 0755);
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

    /**
     * Build commands get the host's hosts and resolv.conf as files of the root, copied in (as vagga
     * copies them), not bound over it: a step may replace them (`ln -sfn /state/resolv.conf
     * /etc/resolv.conf`) or write its own. So the copy is made only where the root's file is
     * missing, empty, or still the copy made before ({@code copied}, per file); a symlink there (a
     * step's, or a distribution's link into /run) is left alone, and the shim follows it inside the
     * container ({@link vagga.launch.Launcher#buildStep}).
     */
    static void copyHostFiles(Path root, Map<String, byte[]> copied) throws IOException {
        for (String name : List.of("hosts", "resolv.conf")) {
            Path file = RootPath.resolve(root, "/etc/" + name, false);
            Path host = Path.of("/etc", name);
            if (Files.isSymbolicLink(file) || !Files.isDirectory(file.getParent(), LinkOption.NOFOLLOW_LINKS)
                    || !Files.isReadable(host)) {
                continue;
            }
            byte[] now = Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? Files.readAllBytes(file) : new byte[0];
            if (now.length == 0 || java.util.Arrays.equals(now, copied.get(name))) {
                byte[] content = Files.readAllBytes(host);
                Files.write(file, content);
                copied.put(name, content);
            }
        }
    }

    static List<String> readRemoves(Path dir) throws IOException {
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
}
