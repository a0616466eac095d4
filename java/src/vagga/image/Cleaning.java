// `vagga _clean` as a service: what each mode removes from .vagga and the storage dir (under the project lock).
package vagga.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import vagga.config.CommandDef;
import vagga.config.CommandSpec;
import vagga.config.Config;
import vagga.config.Container;
import vagga.config.SuperviseSpec;
import vagga.config.Volume;

/**
 * As vagga's {@code wrapper/clean.rs}, with one rule of ours on top: a root some running vagga
 * process uses ({@link RootLease}) is never removed, whatever the mode says.
 */
public final class Cleaning {
    private Cleaning() {}

    /**
     * One `_clean` call.
     * @param modes      in the order given, each run once
     * @param dryRun     remove nothing: only say what would go
     * @param global     apply to every project of {@code storageDir} (and {@code cacheDir} for EVERYTHING)
     * @param atLeast    with UNUSED: roots not used for this long (null: not the current version)
     */
    public record Request(List<CleanMode> modes, boolean dryRun, boolean global, Duration atLeast,
                          Path storageDir, Path cacheDir) {}

    /** Removes what the request names; returns the paths removed (or that would be, for a dry run). */
    public static List<Path> clean(Config config, Request request, BuildProgress progress) throws BuildException {
        Path project = config.projectRoot().toAbsolutePath();
        Path vagga = ContainerBuilder.vaggaDir(project);
        List<Path> gone = new ArrayList<>();
        if (!Files.isDirectory(vagga) && !request.global()) {
            return gone;
        }
        Run run = new Run(request.dryRun(), gone);
        try (ProjectLock lock = ProjectLock.acquire(vagga, progress)) {
            for (CleanMode mode : request.modes()) {
                if (request.global()) {
                    global(run, mode, request);
                } else {
                    project(run, mode, config, request.atLeast());
                }
            }
        } catch (IOException e) {
            throw new BuildException(BuildText.cannotClean(vagga, ProjectPaths.describe(e)), e);
        }
        return gone;
    }

    /** Removes, or for a dry run only records; a root in use by a running vagga is kept. */
    private record Run(boolean dryRun, List<Path> gone) {
        void remove(Path p) throws IOException {
            if (dryRun) {
                gone.add(p);
                return;
            }
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && Files.exists(p.resolve("in-use"), LinkOption.NOFOLLOW_LINKS)) {
                if (RootLease.removeUnused(p)) {
                    gone.add(p);
                }
                return;
            }
            FileTrees.delete(p);
            gone.add(p);
        }
    }

    private static void project(Run run, CleanMode mode, Config config, Duration atLeast) throws IOException {
        Path project = config.projectRoot().toAbsolutePath();
        Path vagga = ContainerBuilder.vaggaDir(project);
        Path base = StorageBase.base(project);
        switch (mode) {
            case TMP -> temporary(run, base, vagga);
            case TRANSIENT -> {
                for (Path p : TransientCopy.deadCopies(base.resolve(".transient"))) {
                    run.remove(p);
                }
            }
            case OLD -> {
                VersionHash hash = new VersionHash(config);
                removeExcept(run, base.resolve(".roots"), linkedRoots(vagga));
                removeExcept(run, base.resolve(SavedSteps.DIR), currentSteps(config, hash));
                if (!run.dryRun()) {
                    removeDanglingLinks(vagga);
                    pruneInputTrees(config, hash);
                }
            }
            case UNUSED -> {
                VersionHash hash = new VersionHash(config);
                Set<String> keep = atLeast == null ? currentRoots(config, hash) : recentlyUsed(base.resolve(".roots"), atLeast);
                removeExcept(run, base.resolve(".roots"), keep);
                removeExcept(run, base.resolve(SavedSteps.DIR), currentSteps(config, hash));
                if (!run.dryRun()) {
                    removeDanglingLinks(vagga);
                    pruneInputTrees(config, hash);
                }
            }
            case VOLUMES -> removeExcept(run, vagga.resolve(".volumes"), Set.of());
            case UNUSED_VOLUMES -> removeExcept(run, vagga.resolve(".volumes"), persistentNames(config));
            case EVERYTHING -> {
                if (!base.equals(vagga)) {
                    run.remove(base.toRealPath());
                }
                if (run.dryRun()) {
                    run.gone().add(vagga);
                    return;
                }
                for (Path p : list(vagga)) {
                    String n = p.getFileName().toString();
                    // keep the lock we hold and a config that lives in .vagga/vagga.yaml
                    if (!n.equals(".lock") && !n.equals("vagga.yaml")) {
                        run.remove(p);
                    }
                }
            }
        }
    }

    /** --global: over every project directory in the storage dir (vagga: --everything and --unused --at-least). */
    private static void global(Run run, CleanMode mode, Request request) throws IOException {
        switch (mode) {
            case EVERYTHING -> {
                for (Path dir : new Path[] {request.cacheDir(), request.storageDir()}) {
                    if (dir != null && Files.isDirectory(dir)) {
                        for (Path p : list(dir)) {
                            run.remove(p);
                        }
                    }
                }
            }
            case UNUSED, TMP, TRANSIENT -> {
                for (Path projectDir : list(request.storageDir())) {
                    String n = projectDir.getFileName().toString();
                    if (n.startsWith(".") || !Files.isDirectory(projectDir, LinkOption.NOFOLLOW_LINKS)
                            || projectDir.equals(request.cacheDir())) {
                        continue;
                    }
                    if (mode == CleanMode.UNUSED) {
                        Path roots = projectDir.resolve(".roots");
                        removeExcept(run, roots, recentlyUsed(roots, request.atLeast()));
                    } else if (mode == CleanMode.TMP) {
                        temporary(run, projectDir, null);
                    } else {
                        for (Path p : TransientCopy.deadCopies(projectDir.resolve(".transient"))) {
                            run.remove(p);
                        }
                    }
                }
            }
            default -> throw new IllegalArgumentException(mode + " has no --global form");
        }
    }

    /** NAME.KEY of every step a current definition starts with ("NAME.*" when its version cannot be computed). */
    private static Set<String> currentSteps(Config config, VersionHash hash) {
        Set<String> keep = new HashSet<>();
        for (String name : config.containers().keySet()) {
            try {
                for (String prefix : hash.prefixes(name)) {
                    keep.add(SavedSteps.entryName(name, prefix));
                }
            } catch (BuildException e) {
                keep.add(name + ".*");
            }
        }
        return keep;
    }

    /** Builds that never finished, and links of builds killed while being made. */
    private static void temporary(Run run, Path base, Path vagga) throws IOException {
        for (Path p : list(base.resolve(SavedSteps.DIR))) {
            if (p.getFileName().toString().startsWith(".tmp.")) {
                run.remove(p);
            }
        }
        for (Path p : list(base.resolve(".roots"))) {
            String n = p.getFileName().toString();
            if (n.startsWith(".tmp") || n.startsWith(RootLease.OLD_PREFIX)) {
                if (!run.dryRun()) {
                    LayeredRoot.unmountStale(p); // a build killed in an overlay mount
                }
                run.remove(p);
            }
        }
        if (vagga != null) {
            // .volumes/.tmp.*: a !Persistent volume's initialisation that never finished
            for (Path dir : List.of(vagga, vagga.resolve(".volumes"))) {
                for (Path p : list(dir)) {
                    if (p.getFileName().toString().startsWith(".tmp.")) {
                        run.remove(p);
                    }
                }
            }
        }
    }

    /** NAME.HASH of every root a visible .vagga/NAME link points at (vagga's --old reads only these). */
    private static Set<String> linkedRoots(Path vagga) throws IOException {
        Set<String> keep = new HashSet<>();
        for (Path p : list(vagga)) {
            if (!p.getFileName().toString().startsWith(".") && Files.isSymbolicLink(p)) {
                Path target = Files.readSymbolicLink(p);
                int n = target.getNameCount();
                if (n >= 2) {
                    keep.add(target.getName(n - 2).toString());
                }
            }
        }
        return keep;
    }

    /** NAME.HASH8 of the current version of every container; all of a container whose version cannot be computed now. */
    private static Set<String> currentRoots(Config config, VersionHash hash) {
        Set<String> keep = new HashSet<>();
        for (String name : config.containers().keySet()) {
            try {
                keep.add(name + "." + hash.shortOf(name));
            } catch (BuildException e) {
                // a missing input: vagga removes its roots; we keep them (a rebuild may not be possible)
                keep.add(name + ".*");
            }
        }
        return keep;
    }

    /** Stored walks of inputs the current containers no longer read (none go when a version cannot be computed). */
    private static void pruneInputTrees(Config config, VersionHash hash) throws IOException {
        for (String name : config.containers().keySet()) {
            try {
                hash.shortOf(name);
            } catch (BuildException e) {
                return;
            }
        }
        for (Path p : list(InputTrees.directory(config.projectRoot()))) {
            if (!hash.inputsUsed().contains(p.getFileName().toString())) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Roots whose last_use file (touched by every use) is newer than {@code atLeast} ago. */
    private static Set<String> recentlyUsed(Path roots, Duration atLeast) throws IOException {
        Instant cutOff = Instant.now().minus(atLeast);
        Set<String> keep = new HashSet<>();
        for (Path p : list(roots)) {
            Path use = p.resolve(RootLease.LAST_USE);
            if (Files.exists(use) && Files.getLastModifiedTime(use).toInstant().isAfter(cutOff)) {
                keep.add(p.getFileName().toString());
            }
        }
        return keep;
    }

    /** The !Persistent volume names the config uses (containers, commands, supervise children). */
    private static Set<String> persistentNames(Config config) {
        Set<String> names = new HashSet<>();
        List<java.util.Map<String, Volume>> maps = new ArrayList<>();
        for (Container c : config.containers().values()) {
            maps.add(c.volumes());
        }
        for (CommandDef def : config.commands().values()) {
            if (def instanceof CommandSpec c) {
                maps.add(c.volumes());
            } else if (def instanceof SuperviseSpec s) {
                for (CommandSpec child : s.children().values()) {
                    maps.add(child.volumes());
                }
            }
        }
        for (java.util.Map<String, Volume> m : maps) {
            if (m != null) {
                m.values().stream().filter(v -> v instanceof Volume.Persistent)
                        .forEach(v -> names.add(((Volume.Persistent) v).name()));
            }
        }
        return names;
    }

    /** Removes every entry of {@code dir} whose name is not kept ("NAME.*" keeps every root of NAME). */
    private static void removeExcept(Run run, Path dir, Set<String> keep) throws IOException {
        for (Path p : list(dir)) {
            String n = p.getFileName().toString();
            int dot = n.lastIndexOf('.');
            String any = (dot > 0 ? n.substring(0, dot) : n) + ".*";
            if (!keep.contains(n) && !keep.contains(any)) {
                run.remove(p);
            }
        }
    }

    private static void removeDanglingLinks(Path vagga) throws IOException {
        for (Path p : list(vagga)) {
            if (Files.isSymbolicLink(p) && !Files.exists(p) && !p.getFileName().toString().equals(".lnk")) {
                Files.delete(p);
            }
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
