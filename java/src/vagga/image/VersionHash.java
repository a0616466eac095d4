// The version of a container: sha256 of its setup steps and their inputs (files, archives, base containers).
package vagga.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import vagga.config.BuildStep;
import vagga.config.Config;
import vagga.config.Container;

/**
 * What goes in, per step: the step's tag and its values (never its position in the file, so
 * moving a container around vagga.yaml keeps its hash), plus the content of the files it reads
 * from the project (!Copy from /work, !Depends, a local !Tar) and, for !Container, the base
 * container's own hash. Container {@code environ} and {@code volumes} are runtime settings and
 * stay out, as in vagga.
 */
public final class VersionHash {
    /** Bumped when the meaning of a built root changes, so old roots are not reused. */
    private static final String FORMAT = "vagga-java-build-3";
    /** Length of the hash in directory names and {@code _version_hash --short}, as vagga. */
    public static final int SHORT_LENGTH = 8;

    /**
     * What {@code _version_hash --debug-versioning} / {@code --dump-version-data} show: the hash so
     * far after each step, and every value that goes into a hash, in order.
     */
    public interface Trace {
        void step(String container, int number, int total, String label, String hashSoFar);

        void value(String text);
    }

    /** The trace of the calling thread (the hashing code is static helpers fed one digest). */
    private static final ThreadLocal<Trace> TRACE = new ThreadLocal<>();

    private final Config config;
    private final InputTrees files;
    private final VersionCache cache;
    private final Map<String, String> done = new HashMap<>();
    private final Map<String, List<String>> prefixes = new HashMap<>();
    private final LinkedHashSet<String> inProgress = new LinkedHashSet<>();
    private final Map<String, PathFilter> filters = new HashMap<>();
    private final Map<String, Path> sources = new HashMap<>();

    /** Input trees and files are hashed through the project's {@link InputTrees}: unchanged ones are not read. */
    public VersionHash(Config config) {
        this(config, InputTrees.of(config.projectRoot()), VersionCache.of(config.projectRoot()));
    }

    VersionHash(Config config, InputTrees files) {
        this(config, files, null);
    }

    /** @param cache versions computed before (null: digest everything) */
    VersionHash(Config config, InputTrees files, VersionCache cache) {
        this.config = config;
        this.files = files;
        this.cache = cache;
    }

    /**
     * Versions of the same config with its inputs read again (a build step may have written one:
     * yarn.lock, composer.lock), digested through the same version cache, which is keyed by all the
     * bytes a digest was fed, so it cannot give an old answer; not reading it again saves a rebuild ~1 ms.
     */
    VersionHash reread() {
        return new VersionHash(config, InputTrees.of(config.projectRoot()), cache);
    }

    /** The full hex sha256 of the container's definition and inputs. */
    public String of(String name) throws BuildException {
        String known = done.get(name);
        if (known != null) {
            return known;
        }
        return compute(name, false);
    }

    /**
     * withPrefixes: the hash after each step too (what a build's saved steps are keyed by); a start
     * that finds its roots built never needs them, so they are computed only when asked for.
     */
    private String compute(String name, boolean withPrefixes) throws BuildException {
        Container c = config.containers().get(name);
        if (c == null) {
            throw new BuildException(config.containerNotFound(name, null));
        }
        if (!inProgress.add(name)) {
            List<String> cycle = new ArrayList<>(inProgress);
            cycle = cycle.subList(cycle.indexOf(name), cycle.size());
            throw new BuildException(c.position() + ": container \"" + name
                    + "\": !Container steps form a cycle: " + String.join(" -> ", cycle) + " -> " + name);
        }
        try {
            Trace trace = TRACE.get();
            // the hash alone (no prefixes, no trace): answered from the cache when fed the same bytes as before
            MessageDigest d = cache != null && !withPrefixes && trace == null ? cache.digest() : sha256();
            field(d, FORMAT);
            List<BuildStep> setup = c.setup();
            List<String> after = new ArrayList<>();
            for (int i = 0; i < setup.size(); i++) {
                step(d, name, i, setup.get(i));
                if (withPrefixes || trace != null) {
                    String soFar = HexFormat.of().formatHex(copy(d).digest());
                    after.add(soFar);
                    if (trace != null) {
                        trace.step(name, i + 1, setup.size(), StepLabel.of(setup.get(i)), soFar);
                    }
                }
            }
            if (withPrefixes) {
                prefixes.put(name, List.copyOf(after));
            }
            if (!c.dataDirs().isEmpty()) {
                // what the finished root keeps (only when given: other hashes stay as they were)
                field(d, "data-dirs");
                list(d, c.dataDirs());
            }
            String hex = HexFormat.of().formatHex(d.digest());
            done.put(name, hex);
            return hex;
        } finally {
            inProgress.remove(name);
        }
    }

    /** {@link #of} with {@code trace} told every step and value (the whole hash is computed again). */
    public String traced(String name, Trace trace) throws BuildException {
        done.clear();
        TRACE.set(trace);
        try {
            return of(name);
        } finally {
            TRACE.remove();
        }
    }


    /** The names of the input-tree files this object used (what {@code _clean --old} keeps). */
    java.util.Set<String> inputsUsed() {
        return files.used();
    }

    /**
     * Per step of the container, the hash of its definition up to and including that step (the
     * key of a root saved after it: equal keys mean the same steps with the same inputs).
     */
    public List<String> prefixes(String name) throws BuildException {
        List<String> known = prefixes.get(name);
        if (known == null) {
            compute(name, true);
            known = prefixes.get(name);
        }
        return known;
    }

    private static MessageDigest copy(MessageDigest d) {
        try {
            return (MessageDigest) d.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digests can be cloned in every JVM", e);
        }
    }

    /** The first {@link #SHORT_LENGTH} hex digits, as used in {@code .vagga/.roots/<name>.<short>}. */
    public String shortOf(String name) throws BuildException {
        return of(name).substring(0, SHORT_LENGTH);
    }

    private void step(MessageDigest d, String name, int index, BuildStep step) throws BuildException {
        field(d, "step");
        field(d, step.tag());
        Path project = config.projectRoot();
        try {
            if (step instanceof BuildStep.Tar t) {
                fields(d, t.url(), t.path(), t.subdir(), t.sha256());
                if (Fetch.isLocal(t.url())) {
                    field(d, files.contentHash(Fetch.localPath(project, t.url())));
                }
            } else if (step instanceof BuildStep.ContainerStep s) {
                field(d, of(s.name()));
            } else if (step instanceof BuildStep.Sh s) {
                field(d, s.script());
            } else if (step instanceof BuildStep.Cmd s) {
                list(d, s.argv());
            } else if (step instanceof BuildStep.Env s) {
                map(d, s.vars());
            } else if (step instanceof BuildStep.Text s) {
                map(d, s.files());
            } else if (step instanceof BuildStep.Copy s) {
                fields(d, s.source(), s.path(), String.valueOf(s.ownerUid()), String.valueOf(s.ownerGid()));
                list(d, List.of(s.ignoreRegex() == null ? PathFilter.DEFAULT_IGNORE_REGEX : s.ignoreRegex()));
                // the other keys only when given, so the hashes of copies without them stay as they were
                if (s.includeRegex() != null || !s.rules().isEmpty() || s.noDefaultRules() != null) {
                    field(d, s.includeRegex());
                    list(d, s.rules());
                    field(d, String.valueOf(s.noDefaultRules()));
                }
                if (s.umask() != CopyOptions.DEFAULT_UMASK || s.preservePermissions() || s.preserveTimes()) {
                    fields(d, "umask", Integer.toOctalString(s.umask()), String.valueOf(s.preservePermissions()),
                            String.valueOf(s.preserveTimes()));
                }
                Path host = workSource(s.source());
                if (host != null) {
                    field(d, files.treeHash(host, filterOf(name, index, s), s.preservePermissions()));
                }
            } else if (step instanceof BuildStep.EnsureDir s) {
                field(d, s.path());
            } else if (step instanceof BuildStep.Remove s) {
                field(d, s.path());
            } else if (step instanceof BuildStep.EmptyDir s) {
                field(d, s.path());
            } else if (step instanceof BuildStep.Depends s) {
                field(d, s.path());
                list(d, s.rules() == null ? List.of() : s.rules());
                fields(d, s.ignoreRegex(), s.includeRegex(), String.valueOf(s.noDefaultRules()));
                field(d, files.treeHash(ProjectPaths.inProject(project, s.path()),
                        filter(name, index, step, s.rules(), s.noDefaultRules(), s.ignoreRegex(), s.includeRegex()), false));
            } else if (step instanceof BuildStep.Download s) {
                fields(d, s.url(), s.path(), Integer.toString(s.mode()), s.sha256());
            } else if (step instanceof BuildStep.Declared s) {
                plain(d, s.value());
                declaredInputs(d, name, index, s);
            } else if (step instanceof BuildStep.Debian s) {
                field(d, s.suite());
            } else if (step instanceof BuildStep.Ubuntu s) {
                fields(d, s.codename(), s.version(), s.url(), s.arch(), String.valueOf(s.keepChfnCommand()),
                        String.valueOf(s.eatmydata()));
            } else if (step instanceof BuildStep.UbuntuRepo s) {
                fields(d, s.url(), s.suite(), String.valueOf(s.trusted()));
                list(d, s.components());
            } else if (step instanceof BuildStep.UbuntuPPA s) {
                field(d, s.name());
            } else if (step instanceof BuildStep.AptTrust s) {
                fields(d, s.server(), s.url());
                list(d, s.keys());
            } else if (step instanceof BuildStep.Repo s) {
                field(d, s.name());
            } else if (step instanceof BuildStep.Install s) {
                list(d, s.packages());
            } else if (step instanceof BuildStep.BuildDeps s) {
                list(d, s.packages());
            } else if (step instanceof BuildStep.Alpine s) {
                field(d, s.version());
            } else if (step instanceof BuildStep.AlpineRepo s) {
                fields(d, s.url(), s.branch(), s.repo(), s.repoTag());
            } else if (step instanceof BuildStep.Unsupported s) {
                field(d, String.valueOf(s.value()));
            }
        } catch (IOException e) {
            throw new BuildException(StepLabel.prefix(name, index, step) + ": "
                    + ProjectPaths.describe(e));
        }
    }

    /** What a declared step reads besides its own values (vagga's hash of each step). */
    @SuppressWarnings("unchecked")
    private void declaredInputs(MessageDigest d, String name, int index, BuildStep.Declared s)
            throws IOException, BuildException {
        Path project = config.projectRoot();
        switch (s.tag()) {
            case "TarInstall", "Unzip" -> {
                if (Fetch.isLocal(s.string("url"))) {
                    fileContent(d, Fetch.localPath(project, s.string("url")));
                }
            }
            case "GitDescribe" -> {
                try {
                    field(d, SourceSteps.describe(project, s));
                } catch (StepFailure e) {
                    throw new IOException(e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
            case "Build" -> buildInput(d, s);
            case "SubConfig" -> {
                Map<String, Object> source = (Map<String, Object>) s.options().get("source");
                if ("Container".equals(source.get("kind"))) {
                    field(d, of((String) source.get("name")));
                } else if ("Directory".equals(source.get("kind"))) {
                    Container c = ContainerSteps.subConfigContainer(s,
                            ProjectPaths.inProject(project, s.string("path")), project);
                    // the steps are run as if written here; !Container/!Build inside name our containers
                    for (BuildStep inner : c.setup()) {
                        step(d, name, index, inner);
                    }
                }
            }
            case "Py2Requirements", "Py3Requirements" ->
                    list(d, PipSteps.requirementLines(project, (String) s.value()));
            case "NpmDependencies" -> map(d, NpmSteps.dependencies(project, s));
            case "ComposerDependencies" -> field(d, ComposerSteps.hashInput(project, s));
            case "GemBundle" -> list(d, GemSteps.hashInput(project, s));
            case "YarnDependencies" -> {
                Path dir = ProjectPaths.inProject(project, s.string("dir"));
                Path lock = dir.resolve("yarn.lock");
                fileContent(d, dir.resolve("package.json"));
                field(d, Files.exists(lock) ? "lock" : "no lock");
                if (Files.exists(lock)) {
                    fileContent(d, lock);
                }
            }
            default -> { }
        }
    }

    /**
     * !Build: the other container's version, or with content-hash (and path) the files it copies,
     * as vagga: then a rebuild of the other container that makes the same files changes nothing.
     * Before the other container is built there are no files to read: the build is versioned
     * again when done (ContainerBuilder), and named by its content then.
     */
    private void buildInput(MessageDigest d, BuildStep.Declared s) throws IOException, BuildException {
        String other = s.string("container");
        if (!s.flag("content-hash") || s.string("path") == null) {
            field(d, of(other));
            return;
        }
        Path root = ContainerBuilder.vaggaDir(config.projectRoot()).resolve(".roots")
                .resolve(other + "." + shortOf(other)).resolve("root");
        if (!Files.isDirectory(root)) {
            fields(d, "not built yet", of(other));
            return;
        }
        field(d, "content");
        field(d, files.treeHash(RootPath.resolve(root, s.string("source"), true),
                PathFilter.of(List.of(), null, "(?!)", null), true));
    }

    /** A plain value (String, List, Map, null), tagged by kind so no two values collide. */
    private static void plain(MessageDigest d, Object v) {
        if (v instanceof List<?> l) {
            field(d, "list:" + l.size());
            l.forEach(item -> plain(d, item));
        } else if (v instanceof Map<?, ?> m) {
            field(d, "map:" + m.size());
            m.forEach((k, item) -> {
                field(d, String.valueOf(k));
                plain(d, item);
            });
        } else {
            field(d, v == null ? null : v.toString());
        }
    }

    /**
     * {@link #filter}, made once per filter for all containers hashed by this object (containers
     * copying from one source with vagga's default ignores share it: the pattern is compiled once).
     */
    private PathFilter filterOf(String name, int index, BuildStep.Copy s) throws BuildException {
        String key = s.ignoreRegex() + "\0" + s.includeRegex() + "\0" + s.noDefaultRules() + "\0" + s.rules();
        PathFilter known = filters.get(key);
        if (known == null) {
            known = filter(name, index, s);
            filters.put(key, known);
        }
        return known;
    }

    /** A !Copy source's host path, resolved (and checked to stay in the project) once per object. */
    private Path workSource(String source) throws IOException {
        if (sources.containsKey(source)) {
            return sources.get(source);
        }
        Path host = ProjectPaths.workSource(config.projectRoot(), source);
        sources.put(source, host);
        return host;
    }

    /** The files of a !Copy source that count: its rules or regular expressions, or vagga's defaults. */
    static PathFilter filter(String name, int index, BuildStep.Copy s) throws BuildException {
        return filter(name, index, s, s.rules(), s.noDefaultRules(), s.ignoreRegex(), s.includeRegex());
    }

    /** vagga's create_path_filter: a bad combination or pattern is the step's build error. */
    static PathFilter filter(String name, int index, BuildStep step, List<String> rules, Boolean noDefaultRules,
                             String ignoreRegex, String includeRegex) throws BuildException {
        try {
            return PathFilter.of(rules, noDefaultRules, ignoreRegex, includeRegex);
        } catch (IllegalArgumentException e) {
            throw new BuildException(StepLabel.prefix(name, index, step) + ": " + e.getMessage());
        }
    }

    /** A file's content, through the stat-keyed cache. */
    private void fileContent(MessageDigest d, Path file) throws IOException {
        field(d, files.contentHash(file));
    }

    /** Length-prefixed, so ("ab","c") and ("a","bc") differ; null differs from "null". */
    static void field(MessageDigest d, String s) {
        Trace trace = TRACE.get();
        if (trace != null) {
            trace.value(s == null ? "~" : s);
        }
        if (s == null) {
            d.update((byte) 0);
            return;
        }
        // 1, the length in ASCII digits, ':', the bytes: assembled first, so the digest is fed once
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int digits = 1;
        for (int n = b.length; n >= 10; n /= 10) {
            digits++;
        }
        byte[] out = new byte[digits + 2 + b.length];
        out[0] = 1;
        for (int n = b.length, i = digits; i >= 1; i--, n /= 10) {
            out[i] = (byte) ('0' + n % 10);
        }
        out[digits + 1] = ':';
        System.arraycopy(b, 0, out, digits + 2, b.length);
        d.update(out);
    }

    private static void fields(MessageDigest d, String... values) {
        for (String v : values) {
            field(d, v);
        }
    }

    private static void list(MessageDigest d, List<String> values) {
        field(d, Integer.toString(values.size()));
        for (String v : values) {
            field(d, v);
        }
    }

    private static void map(MessageDigest d, Map<String, String> values) {
        Map<String, String> sorted = new TreeMap<>(values);
        field(d, Integer.toString(sorted.size()));
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            fields(d, e.getKey(), e.getValue());
        }
    }

    static MessageDigest sha256() {
        return new Sha256(); // not MessageDigest.getInstance: the security providers' first use costs ~20 ms
    }
}
