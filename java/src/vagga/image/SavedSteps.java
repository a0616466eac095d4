// Roots saved after the slow steps of a build, so a build whose definition changed from step K on starts after step K-1.
package vagga.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import vagga.config.BuildStep;

/**
 * Layout: {@code .vagga/.steps/<container>.<key>/root} (beside {@code .roots}), the root as it was after the first K
 * steps, where {@code key} is 16 hex digits of {@link VersionHash#prefixes} for step K (the
 * definition and inputs of steps 1..K, so an equal key means the same K steps). A copy is made
 * after each step that took at least {@link #WORTH_NANOS}, into {@code .steps/.tmp.*} and renamed
 * into place once complete: a killed build leaves only a temporary directory, which the next
 * build removes, never a saved step a later build would trust. A build starts from the saved root
 * with the most steps (fewer than all) whose steps {@link BuilderFamily#replays} (never
 * moved: the saved root stays for the next change): as root an overlay mount over it, the root
 * of a build's first save moved in rather than copied ({@link LayeredRoot}); else copies, {@code cp
 * -a --reflink=auto} (a reflink on btrfs and xfs, a full copy elsewhere). Never hard links: they
 * would share inodes with the build and its runs, and a write in place would change the saved
 * root too. The setting {@code saved-steps} bounds how many are kept per container (the least
 * recently used go first; 0 saves none); {@code _clean --old} and {@code --unused} remove those
 * no container's current definition starts with.
 */
final class SavedSteps {
    /** A step that took at least this long is worth a copy of the root after it. */
    static final long WORTH_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final String DIR = ".steps";
    private static final int KEY = 16;
    private static final String ID = "id";

    private final Path dir;
    private final String container;
    private final List<String> prefixes;
    private final int keep;

    /** @param base where the roots are (.vagga, or the storage dir's project directory) */
    SavedSteps(Path base, String container, List<String> prefixes, int keep) {
        this.dir = base.resolve(DIR);
        this.container = container;
        this.prefixes = prefixes;
        this.keep = keep;
    }

    /** The setting's value: a count of steps, 0 or more. */
    static int keepSetting(String text) throws StepFailure {
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new StepFailure("setting saved-steps: expected a number of saved steps (0 or more), got \"" + text + "\"");
    }

    /** The name of the directory holding the root saved after the step whose prefix hash is given. */
    static String entryName(String container, String prefix) {
        return container + "." + prefix.substring(0, KEY);
    }

    private Path entry(int steps) {
        return dir.resolve(entryName(container, prefixes.get(steps - 1)));
    }

    /** The most steps, fewer than all, saved for this definition and replayable; 0 for none. */
    int resumable(List<BuildStep> setup, Predicate<BuildStep> replays) {
        int replayable = 0;
        while (replayable < setup.size() - 1 && replays.test(setup.get(replayable))) {
            replayable++;
        }
        for (int k = replayable; k >= 1; k--) {
            if (Files.isDirectory(entry(k).resolve("root"), LinkOption.NOFOLLOW_LINKS)) {
                return k;
            }
        }
        return 0;
    }

    /**
     * Starts the build at the empty directory {@code root} from the root saved after {@code steps}
     * steps: an overlay mount over it when {@code layers} can make one (nothing copied), else a copy.
     */
    void restore(int steps, Path root, LayeredRoot layers) throws IOException, StepFailure, InterruptedException {
        Path e = entry(steps);
        Files.setLastModifiedTime(e, FileTime.fromMillis(System.currentTimeMillis())); // recently used
        if (layers != null) {
            String id = id(e);
            if (id != null) {
                try {
                    layers.mount(e.resolve("root"), id);
                    return;
                } catch (IOException ex) {
                    // e.g. a filesystem overlayfs cannot take as upper layer: the copy below
                }
            }
        }
        copy(e.resolve("root"), root);
    }

    /** The identity of a saved root (a random number given when it was saved; null for one saved by a copy before). */
    static String id(Path entry) throws IOException {
        Path f = entry.resolve(ID);
        return Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) ? Files.readString(f).strip() : null;
    }

    /**
     * After step {@code steps} (1-based) took {@code nanos}: the root is saved when the step was
     * slow, is not the last, and the steps so far can be replayed. With {@code layers}: a plain
     * root is moved into the saved step (nothing copied) and the build goes on in an overlay over
     * it; an overlay's upper layer is applied to a copy of its lower one, which is then saved and
     * becomes the new lower layer. Else the root is copied.
     * @return a line for the user when a root was saved, else null
     */
    String after(int steps, long nanos, Path root, boolean replayable, LayeredRoot layers)
            throws IOException, StepFailure, InterruptedException, LayeredRoot.Inexact {
        if (keep == 0 || !replayable || steps >= prefixes.size() || nanos < WORTH_NANOS) {
            return null;
        }
        Path e = entry(steps);
        Files.createDirectories(dir);
        Path tmp = dir.resolve(".tmp." + e.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        String id = Long.toHexString(ThreadLocalRandom.current().nextLong());
        boolean moved = false;
        try {
            Files.createDirectories(tmp);
            if (layers != null && layers.mounted()) {
                layers.unmount();
                Files.createDirectory(tmp.resolve("root"));
                copy(layers.lower(), tmp.resolve("root"));
                layers.applyTo(tmp.resolve("root"), layers.lower(), new ArrayList<>());
            } else if (layers != null) {
                Files.move(root, tmp.resolve("root"), StandardCopyOption.ATOMIC_MOVE);
                moved = true;
            } else {
                Files.createDirectories(tmp.resolve("root"));
                copy(root, tmp.resolve("root"));
            }
            Files.writeString(tmp.resolve(ID), id + "\n");
            FileTrees.delete(e); // a forced rebuild saves its steps again
            Files.move(tmp, e, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (moved && Files.exists(tmp.resolve("root"), LinkOption.NOFOLLOW_LINKS)) {
                // not saved after all: the build goes on with its root where it was
                Files.move(tmp.resolve("root"), root, StandardCopyOption.ATOMIC_MOVE);
            }
            FileTrees.delete(tmp);
        }
        if (layers != null) {
            if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(root);
            }
            try {
                layers.mount(e.resolve("root"), id);
            } catch (IOException ex) {
                layers.forget();
                copy(e.resolve("root"), root); // no overlay here after all: the build goes on in a copy
            }
        }
        List<Path> kept = bound(e);
        return "saved the root after step " + steps + " for reuse (" + kept.size() + " saved for \"" + container
                + "\": " + megabytes(kept) + " MB on disk; setting saved-steps)";
    }

    /** Removes the least recently used beyond {@code keep}, never {@code current}; returns those kept. */
    private List<Path> bound(Path current) throws IOException {
        Pattern mine = Pattern.compile(Pattern.quote(container) + "\\.[0-9a-f]{" + KEY + "}");
        List<Path> all;
        try (Stream<Path> s = Files.list(dir)) {
            all = new ArrayList<>(s.filter(p -> mine.matcher(p.getFileName().toString()).matches()).toList());
        }
        all.sort(Comparator.comparing((Path p) -> {
            try {
                return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                return FileTime.fromMillis(0);
            }
        }).reversed());
        all.remove(current);
        all.add(0, current); // the build's lower layer now
        for (Path p : all.subList(Math.min(keep, all.size()), all.size())) {
            FileTrees.delete(p);
        }
        return all.subList(0, Math.min(keep, all.size()));
    }

    /** Disk use of the saved roots (du: blocks, each hard-linked file once). */
    private static long megabytes(List<Path> entries) throws IOException, StepFailure, InterruptedException {
        if (entries.isEmpty()) {
            return 0;
        }
        List<String> argv = new ArrayList<>(List.of("du", "-skc", "--"));
        entries.forEach(p -> argv.add(p.toString()));
        String out = HostTool.output(argv, "du").strip();
        String total = out.substring(out.lastIndexOf('\n') + 1).split("\\s+")[0];
        return (Long.parseLong(total) + 512) / 1024;
    }

    static void copy(Path from, Path to) throws IOException, StepFailure, InterruptedException {
        // cp -a keeps hard links, device nodes, xattrs, owners and times, which Files.copy does not
        HostTool.run(List.of("cp", "-a", "--reflink=auto", "--", from + "/.", to + "/"), "cp");
    }
}
