// Ours: !Debian SUITE, a root made by mmdebstrap from the machine's apt sources or the debian-mirror setting.
package vagga.image.distro;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import vagga.image.BuildContext;
import vagga.image.StepFailure;

/**
 * The bootstrapped base is cached as a tarball in {@code <cache>/debian-base/} (keyed by suite,
 * architecture and the sources it came from), as vagga caches the Ubuntu base image: a second build
 * unpacks it instead of bootstrapping again, and {@code vagga _clean} of the cache refreshes it.
 * mmdebstrap runs on the host (it is the bootstrap tool) in a private mount and PID namespace of its
 * own, tied to this process by a parent-death signal, so a killed build leaves no mount behind
 * and no bootstrap running; the half-made root is a temporary directory the next build removes.
 */
final class Debian extends AptDistribution {
    static final String DEFAULT_MIRROR = "http://deb.debian.org/debian";

    /** The bootstrap made or unpacked the whole root from the cached base tarball. */
    private boolean baseCached;

    Debian(String suite) {
        super(suite);
    }

    boolean baseCached() {
        return baseCached;
    }

    @Override
    public String name() {
        return "Debian";
    }

    @Override
    String describe() {
        return "debian " + codename;
    }

    @Override
    String listsKey() {
        return "debian";
    }

    @Override
    String mirror(BuildContext ctx) throws StepFailure {
        String m = ctx.settings().debianMirror();
        return m == null ? DEFAULT_MIRROR : m;
    }

    @Override
    public void bootstrap(BuildContext ctx) throws StepFailure, IOException, InterruptedException {
        Releases.debianSuite(codename);
        String mirror = ctx.settings().debianMirror();
        Path baseDir = ctx.sharedCacheDir().resolve("debian-base");
        Path base = baseDir.resolve(codename + "-" + arch() + "-" + sourcesKey(mirror) + ".tar");
        Path root = ctx.root();
        boolean empty = isEmpty(root);
        boolean freshLists = false;
        try (CacheLock lock = CacheLock.take(ctx, "debian-base")) {
            removeParts(baseDir);
            if (Files.isRegularFile(base)) {
                ctx.note("unpacking the cached Debian " + codename + " base (" + base + ")");
                Commands.host(ctx, List.of("tar", "-x", "-f", base.toString(), "-C", root.toString(), "--numeric-owner"), "tar");
                baseCached = empty;
            } else {
                List<String> argv = new ArrayList<>(List.of(
                        // dies with vagga; its mounts (proc, sys, dev in the root) die with its namespace
                        "setpriv", "--pdeathsig", "KILL", "--",
                        "unshare", "--mount", "--propagation", "private", "--pid", "--fork", "--kill-child", "--",
                        "mmdebstrap", "--variant=minbase", "--mode=root", "--format=directory",
                        "--skip=check/empty", "--skip=cleanup/apt/lists", codename, root.toString()));
                if (mirror != null) {
                    argv.add(mirror);
                }
                ctx.note("bootstrapping Debian " + codename + " with mmdebstrap"
                        + (mirror == null ? " (from this machine's apt sources)" : " from " + mirror));
                Commands.host(ctx, argv, "mmdebstrap");
                keepLists(ctx);
                freshLists = true;
                if (empty) {
                    Files.createDirectories(baseDir);
                    Path part = baseDir.resolve(base.getFileName() + ".part." + ProcessHandle.current().pid());
                    Commands.host(ctx, List.of("tar", "-c", "-f", part.toString(), "-C", root.toString(), "--numeric-owner",
                            "."), "tar");
                    Files.move(part, base, StandardCopyOption.ATOMIC_MOVE);
                    baseCached = true;
                }
            }
        } catch (IOException e) {
            throw new StepFailure("cannot cache the Debian base in " + baseDir + ": " + e.getMessage(), e);
        }
        configureApt(ctx);
        mountCaches(ctx);
        if (freshLists) {
            markUpdated(ctx);
        }
        // C.UTF-8 is part of libc: no locales package needed (vagga's en_US.UTF-8 needs locale-gen)
        ctx.environ().put("LANG", "C.UTF-8");
    }

    /** The lists mmdebstrap just downloaded go to the shared lists cache (so !Install need not fetch them). */
    private void keepLists(BuildContext ctx) throws StepFailure, IOException {
        Path lists = ctx.root().resolve("var/lib/apt/lists");
        Path cache = listsCache(ctx);
        Files.createDirectories(cache.resolve("partial"));
        if (!Files.isDirectory(lists, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.list(lists)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && !n.equals("lock")) {
                    Path tmp = cache.resolve(".tmp." + n);
                    // a rename when the cache is on the root's file system (a copy otherwise)
                    Files.move(p, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, cache.resolve(n), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Parts of tarballs that a killed build was writing (we hold the lock: nobody writes them now). */
    private static void removeParts(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                if (p.getFileName().toString().contains(".part.")) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static boolean isEmpty(Path dir) throws StepFailure {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new StepFailure("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The sources a base came from: the mirror, or this machine's apt sources (their text). */
    private static String sourcesKey(String mirror) throws StepFailure {
        var d = sha256();
        try {
            if (mirror != null) {
                d.update(mirror.getBytes(StandardCharsets.UTF_8));
            } else {
                for (Path p : List.of(Path.of("/etc/apt/sources.list"), Path.of("/etc/apt/sources.list.d"))) {
                    if (Files.isRegularFile(p)) {
                        d.update(Files.readAllBytes(p));
                    } else if (Files.isDirectory(p)) {
                        try (Stream<Path> s = Files.list(p)) {
                            for (Path f : s.sorted().toList()) {
                                if (Files.isRegularFile(f)) {
                                    d.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                                    d.update(Files.readAllBytes(f));
                                }
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new StepFailure("cannot read this machine's apt sources: " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(d.digest()).substring(0, 8);
    }

    private static String arch() {
        String a = System.getProperty("os.arch");
        return switch (a) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> a;
        };
    }
}
