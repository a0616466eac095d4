// What a builder family gets for one container build: the root, commands inside it, caches, progress.
package vagga.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vagga.config.BuildStep;
import vagga.config.Config;
import vagga.config.ConfigException;
import vagga.config.Settings;
import vagga.launch.Environment;
import vagga.launch.Launcher;
import vagga.linux.ExitStatus;
import vagga.linux.LinuxException;
import vagga.linux.MountSpec;
import vagga.linux.NetworkNamespace;
import vagga.linux.Signals;

/**
 * One instance per container build, used on the building thread only. The root is a temporary
 * directory until every step and finish succeeded (then it is renamed into place), so a family may
 * leave it half-done on failure.
 */
public final class BuildContext {
    /** Builds another container of this project (a !Container step, a !Build source). */
    interface Bases {
        Path ensure(String name) throws BuildException, IOException;
    }

    private final Config config;
    private final String container;
    private final Path scratch;
    private final Path root;
    private final BuildProgress progress;
    private final Environment.Caller caller;
    private final CommandRunner runner;
    private final Bases bases;
    private final Map<String, String> environ = new LinkedHashMap<>();
    private final List<String> removes = new ArrayList<>();
    private Distribution distribution;
    private Settings settings;
    /** Binds every later command of this build gets (cache directories, !Build's temporary-mount). */
    private final Map<String, MountSpec> mounts = new LinkedHashMap<>();
    /** What the last copy of the host's hosts / resolv.conf into the root held (ContainerBuilder.copyHostFiles). */
    private final Map<String, byte[]> hostFilesCopied = new java.util.HashMap<>();
    private DistroPackages packages;
    private Steps steps;
    /** The overlay the build goes on in over a saved root, or null. */
    private LayeredRoot layers;

    /** Runs one step of this build through the families (a !SubConfig's steps). */
    interface Steps {
        void run(BuildStep step) throws StepFailure, BuildException, IOException, InterruptedException;
    }

    BuildContext(Config config, String container, Path scratch, Path root, BuildProgress progress,
                 Environment.Caller caller, CommandRunner runner, Bases bases) {
        this.config = config;
        this.container = container;
        this.scratch = scratch;
        this.root = root;
        this.progress = progress;
        this.caller = caller;
        this.runner = runner;
        this.bases = bases;
    }

    /** The container's name, for messages. */
    public String container() {
        return container;
    }

    /** The root being built (a host directory; `/` of the commands run by {@link #run}). */
    public Path root() {
        return root;
    }

    /** The project directory (`/work` inside the container). */
    public Path project() {
        return config.projectRoot().toAbsolutePath();
    }

    /** The whole configuration (other containers' definitions). */
    public Config config() {
        return config;
    }

    /** Where to report progress; never print. */
    public BuildProgress progress() {
        return progress;
    }

    /** Shorthand for {@code progress().note(container(), text)}. */
    public void note(String text) {
        progress.note(container, text);
    }

    /**
     * A private scratch directory beside the root (not inside it), removed with the build's
     * temporary directory; {@code name} keeps families apart.
     */
    public Path scratch(String name) throws IOException {
        Path dir = scratch.resolve(name);
        Files.createDirectories(dir);
        return dir;
    }

    /**
     * A cache directory that outlives builds: {@code .vagga/.cache/NAME} (downloads, package
     * archives). Shared by every container of the project; builds run one at a time (project lock).
     */
    public Path cacheDir(String name) throws IOException {
        return ProjectPaths.ensureDir(project(), ".vagga/.cache/" + name);
    }

    /** The settings of this run (global and the project's), read on first use. */
    public Settings settings() throws StepFailure {
        if (settings == null) {
            try {
                settings = Settings.forRun(caller.callerEnv(), project());
            } catch (ConfigException e) {
                throw new StepFailure(String.join("; ", e.problems()), e);
            }
        }
        return settings;
    }

    /** The !Env variables so far (mutable): every later command gets them, and they are saved with the root. */
    public Map<String, String> environ() {
        return environ;
    }

    /** A path (inside the root) removed at the end of the build and again from children's view (!Remove). */
    public void removeAtEnd(String path) {
        removes.add(path);
    }

    List<String> removes() {
        return removes;
    }

    /**
     * Runs {@code argv} inside the root being built (see {@link Launcher#buildStep}: read-write root,
     * network, proxy variables, read-only /sys, the host's resolv.conf), with the build's environment
     * plus {@code extraEnv}, and waits for it; its output goes to vagga's stdout/stderr.
     * @throws StepFailure when it exits non-zero or is killed
     */
    public void run(List<String> argv, Map<String, String> extraEnv)
            throws StepFailure, IOException, InterruptedException {
        run(StepCommand.of(argv, "/work").withEnv(extraEnv), false);
    }

    /**
     * A family's command: as {@link #run(List, Map)} with the command's own work dir, user and
     * network, and the build's extra mounts; a failure names the command ({@code command "npm
     * install ..." exited with code 1}), whose own output (npm's, pip's message) is just above.
     */
    public void run(StepCommand cmd) throws StepFailure, IOException, InterruptedException {
        run(cmd, true);
    }

    /** {@code named}: the failure names the command (a family's, not the user's own !Sh). */
    private void run(StepCommand cmd, boolean named) throws StepFailure, IOException, InterruptedException {
        ContainerBuilder.prepareMountPoints(root);
        ContainerBuilder.copyHostFiles(root, hostFilesCopied);
        Map<String, String> env = new LinkedHashMap<>(environ);
        env.putAll(caBundle());
        env.putAll(cmd.env());
        String what = named ? "command \"" + String.join(" ", cmd.argv()) + "\" " : "";
        ExitStatus status;
        try {
            // never through a link the root's own files planted (/tmp -> /etc would bind the host's /etc)
            Path tmpDir = RootPath.resolve(root, "/tmp", true);
            NetworkNamespace network = cmd.isolateNetwork() ? NetworkNamespace.create() : null;
            try {
                status = runner.run(Launcher.buildStep(project(), root, tmpDir, caller, env, cmd.argv(), cmd.workDir(),
                        cmd.uid(), cmd.gid(), cmd.groups(), cmd.externalUid(), List.copyOf(mounts.values()),
                        network == null ? -1 : network.fd()));
            } finally {
                if (network != null) {
                    network.close();
                }
            }
        } catch (LinuxException e) {
            throw new StepFailure(e.getMessage(), e);
        }
        if (status instanceof ExitStatus.Signalled s) {
            throw new StepFailure(what + BuildText.killed(Signals.name(s.signal())));
        }
        if (status.code() == 124) {
            throw new StepFailure(BuildText.SETUP_FAILED);
        }
        if (status.code() != 0) {
            throw new StepFailure(what + BuildText.exited(status.code()));
        }
    }

    /**
     * The standard output of a family's command inside the root (`gem env gemdir`, `php --ini`),
     * through a file in the build's /tmp (the container needs /bin/sh); a failure as {@link #run}.
     */
    public String capture(List<String> argv) throws StepFailure, IOException, InterruptedException {
        String out = "/tmp/.vagga-capture";
        List<String> sh = new ArrayList<>(List.of("/bin/sh", "-c", "exec \"$@\" > " + out, "sh"));
        sh.addAll(argv);
        run(StepCommand.of(sh, "/work"));
        Path file = RootPath.resolve(root, out, true);
        try {
            return Files.readString(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Ours: VAGGA_BUILD_CA_BUNDLE names a PEM file of CA certificates (a TLS proxy's, or the
     * host's merged bundle) that family commands must trust besides the distribution's. It is
     * copied into the build's /tmp (emptied at the end, never in the image) and named by the
     * variables npm, pip, git, curl and OpenSSL read. Certificate checks stay on.
     */
    private Map<String, String> caBundle() throws IOException, StepFailure {
        Path bundle = caBundleFile();
        if (bundle == null) {
            return Map.of();
        }
        Path copy = RootPath.resolve(root, "/tmp/.vagga-ca-bundle.pem", true);
        if (!Files.exists(copy)) {
            Files.copy(bundle, copy);
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : List.of("NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "PIP_CERT", "REQUESTS_CA_BUNDLE",
                "GIT_SSL_CAINFO", "CURL_CA_BUNDLE")) {
            env.put(name, "/tmp/.vagga-ca-bundle.pem");
        }
        return env;
    }

    /** The file VAGGA_BUILD_CA_BUNDLE names (see {@link #caBundle}), or null when it is not set. */
    public Path caBundleFile() throws StepFailure {
        String bundle = caller.callerEnv().get("VAGGA_BUILD_CA_BUNDLE");
        if (bundle == null || bundle.isEmpty()) {
            return null;
        }
        if (!Files.isReadable(Path.of(bundle))) {
            throw new StepFailure(BuildText.caBundleUnreadable(bundle));
        }
        return Path.of(bundle);
    }

    /** Binds a host directory at {@code containerPath} for every later command of this build. */
    public void buildMount(Path host, String containerPath, boolean readOnly) throws IOException {
        Files.createDirectories(RootPath.resolve(root, containerPath, true));
        mounts.put(containerPath, new MountSpec.Bind(host.toString(), containerPath, readOnly));
    }

    /** Ends a {@link #buildMount} early. */
    public void unmount(String containerPath) {
        mounts.remove(containerPath);
    }

    /**
     * vagga's cache directory {@code name} at {@code containerPath} for the rest of the build
     * (!CacheDirs, pip's and npm's caches), in the cache-dir setting's directory when it is set
     * (shared by the user's projects), else the project's .vagga/.cache; it stays empty in the image.
     */
    public void cacheMount(String containerPath, String name) throws IOException, StepFailure {
        if (!mounts.containsKey(containerPath)) {
            Path dir = sharedCacheDir().resolve(name);
            Files.createDirectories(dir);
            buildMount(dir, containerPath, false);
        }
    }

    /** The distribution's packages for these features (python3, pip3, nodejs, npm, git), unless there. */
    public void ensurePackages(List<String> features) throws StepFailure, IOException, InterruptedException {
        if (packages == null) {
            packages = new DistroPackages();
        }
        packages.ensure(this, features);
    }

    void setSteps(Steps steps) {
        this.steps = steps;
    }

    /** Runs another step in this build, through the family that builds it (a !SubConfig's steps). */
    public void runStep(BuildStep step) throws StepFailure, BuildException, IOException, InterruptedException {
        steps.run(step);
    }

    /** {@link #run(List, Map)} with the build's environment only. */
    public void run(List<String> argv) throws StepFailure, IOException, InterruptedException {
        run(argv, Map.of());
    }

    /** The local file for a url (a project path, or a download cached in {@code .vagga/.cache/downloads}). */
    public Path fetch(String url, String sha256) throws IOException, InterruptedException {
        return Fetch.get(project(), cacheDir("downloads"), url, sha256, progress, container);
    }

    /** Builds (or finds) another container of the project and returns its root. */
    public Path base(String name) throws BuildException, IOException {
        return bases.ensure(name);
    }

    /** Runs a host tool (tar, cp) outside any container; its output's last line explains a failure. */
    public void runOnHost(List<String> argv, String what) throws StepFailure, IOException, InterruptedException {
        HostTool.run(argv, what);
    }


    /**
     * The directory of the package caches (apt's lists and archives, apk's packages, base images):
     * the cache-dir setting (shared by every project of the user), else the project's .vagga/.cache,
     * as vagga.
     */
    public Path sharedCacheDir() throws StepFailure, IOException {
        Path dir = settings().cacheDir();
        if (dir == null) {
            return ProjectPaths.ensureDir(project(), ".vagga/.cache");
        }
        Files.createDirectories(dir);
        return dir;
    }

    /**
     * The directory {@code name} of {@link #sharedCacheDir()}; under the project it is made
     * without following symlinks (a container, which sees the project, may have planted one).
     */
    public Path sharedCacheDir(String name) throws StepFailure, IOException {
        if (settings().cacheDir() == null) {
            return cacheDir(name);
        }
        Path dir = sharedCacheDir().resolve(name);
        Files.createDirectories(dir);
        return dir;
    }

    /** An http(s) download cached in {@code cacheDir}, checked against sha256 before it enters the cache. */
    public Path download(String url, Path cacheDir, String sha256) throws IOException, InterruptedException {
        return Fetch.get(project(), cacheDir, url, sha256, progress, container);
    }

    /** The body of a small http(s) resource (an index, a checksum list, a key), not cached;
     *  null for HTTP 404 when {@code optional}. */
    public byte[] fetchBody(String url, boolean optional) throws StepFailure, InterruptedException {
        return Fetch.body(url, optional);
    }

    /**
     * The host path of {@code containerPath} in the root, its symlinks followed as the container would
     * ({@link RootPath}): where a host-side write of the build goes, never a host file a step's link names.
     */
    public Path inRoot(String containerPath) throws IOException {
        return RootPath.resolve(root, containerPath, true);
    }

    /** The build goes on in this overlay over a saved root (null: a plain root); see {@link #unchangedFrom}. */
    void setLayers(LayeredRoot layers) {
        this.layers = layers;
    }

    /**
     * The saved root the build goes on over (an overlay's lower layer) when no step since it was
     * mounted wrote, replaced or deleted {@code rel} (relative to the root) or a directory above it:
     * the file there is the one of the root now. Else null (no saved root below, or changed).
     */
    public Path unchangedFrom(String rel) throws IOException {
        return layers != null && layers.mounted() && layers.unchanged(rel) ? layers.lower() : null;
    }

    /** The distribution set up by an earlier step, or null. */
    public Distribution distribution() {
        return distribution;
    }

    /** Called by the step that bootstraps a distribution; one per container. */
    public void setDistribution(Distribution d) throws StepFailure {
        if (distribution != null) {
            throw new StepFailure(BuildText.distributionOverlap(d.name(), distribution.name()));
        }
        distribution = d;
    }
}
