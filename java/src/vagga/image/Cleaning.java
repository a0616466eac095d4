// `vagga _clean` as a service: what each mode removes from .vagga (under the project lock).
package vagga.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import vagga.config.Config;

public final class Cleaning {
    private Cleaning() {}

    /** Removes what {@code mode} names; nothing to do without a .vagga directory. */
    public static void clean(Config config, CleanMode mode, BuildProgress progress) throws BuildException {
        Path vagga = ContainerBuilder.vaggaDir(config.projectRoot().toAbsolutePath());
        if (!Files.isDirectory(vagga)) {
            return;
        }
        try (ProjectLock lock = ProjectLock.acquire(vagga, progress)) {
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
        } catch (IOException e) {
            throw new BuildException(BuildText.cannotClean(vagga, ProjectPaths.describe(e)), e);
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
        // stored walks of inputs the current containers no longer read (all of them when a hash failed)
        Path inputs = InputTrees.directory(config.projectRoot());
        if (keepAllOf.isEmpty() && Files.isDirectory(inputs)) {
            try (Stream<Path> s = Files.list(inputs)) {
                for (Path p : s.toList()) {
                    if (!hash.inputsUsed().contains(p.getFileName().toString())) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
        Path roots = vagga.resolve(".roots");
        if (Files.isDirectory(roots)) {
            try (Stream<Path> s = Files.list(roots)) {
                for (Path p : s.toList()) {
                    String n = p.getFileName().toString();
                    int dot = n.lastIndexOf('.');
                    String container = dot > 0 ? n.substring(0, dot) : n;
                    // roots replaced by a forced rebuild: removeStale took those nobody uses
                    if (!current.contains(n) && !keepAllOf.contains(container) && !n.startsWith(RootLease.OLD_PREFIX)) {
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
}
