// !Persistent {init-command}: a new volume filled by its init command, kept only when that command succeeds.
package vagga.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import vagga.config.CommandSpec;
import vagga.config.Container;
import vagga.config.Volume;
import vagga.image.ProjectPaths;

/**
 * As vagga (docs/volumes.rst): a command named by the {@code init-command} of a {@code !Persistent}
 * volume of its own or its container's, run while {@code .vagga/.volumes/NAME} does not exist, gets
 * an empty temporary directory ({@code .vagga/.volumes/.tmp.NAME.*}) at the mount point; it becomes
 * the volume only when the command exits 0 (a rename), so a failed or killed initialisation leaves
 * no half-filled volume (and runs again next time; {@code _clean --tmp} removes what a kill left).
 * Every volume naming the command is initialised by that one run. Which commands run first:
 * {@link #initCommands}.
 */
public final class PersistentInit implements AutoCloseable {
    private final Map<String, Path> pending;
    private final Path volumes;

    private PersistentInit(Path volumes, Map<String, Path> pending) {
        this.volumes = volumes;
        this.pending = pending;
    }

    /** The volumes {@code commandName} initialises now, each with its temporary directory made. */
    public static PersistentInit prepare(Path project, Container container, CommandSpec command, String commandName)
            throws IOException {
        Path volumes = project.toAbsolutePath().resolve(".vagga/.volumes");
        Map<String, Path> pending = new LinkedHashMap<>();
        if (container != null && commandName != null) {
            for (Volume.Persistent p : persistent(container, command)) {
                if (commandName.equals(p.initCommand()) && !pending.containsKey(p.name())
                        && !Files.exists(volumes.resolve(p.name()), LinkOption.NOFOLLOW_LINKS)) {
                    String tmp = ".tmp." + p.name() + "." + Long.toHexString(System.nanoTime())
                            + Long.toHexString(ProcessHandle.current().pid());
                    pending.put(p.name(), Volumes.persistentDir(project, p, tmp));
                }
            }
        }
        return new PersistentInit(volumes, pending);
    }

    /** Name of each volume being initialised to the directory mounted in its place. */
    public Map<String, Path> pending() {
        return Collections.unmodifiableMap(pending);
    }

    /** The command succeeded: each temporary directory becomes its volume. */
    public void commit() throws IOException {
        for (Map.Entry<String, Path> e : new ArrayList<>(pending.entrySet())) {
            Path target = volumes.resolve(e.getKey());
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                continue; // another vagga initialised it meanwhile: its volume stays, ours goes
            }
            Files.move(e.getValue(), target, StandardCopyOption.ATOMIC_MOVE);
            pending.remove(e.getKey());
        }
    }

    /** Removes every temporary directory not committed. */
    @Override
    public void close() throws IOException {
        for (Path tmp : pending.values()) {
            if (Files.exists(tmp, LinkOption.NOFOLLOW_LINKS)) {
                vagga.image.FileTrees.delete(tmp);
            }
        }
        pending.clear();
    }

    /**
     * vagga's prerequisites scan ({@code launcher/prerequisites.rs}): the init commands of the
     * !Persistent volumes a command (or each child of a supervise) mounts, from its own volumes and
     * its container's, whose volume does not exist yet.
     */
    public static List<String> initCommands(Path project, Container container, CommandSpec command) {
        List<String> out = new ArrayList<>();
        Path volumes = project.toAbsolutePath().resolve(".vagga/.volumes");
        for (Volume.Persistent p : persistent(container, command)) {
            if (p.initCommand() != null && !out.contains(p.initCommand())
                    && !Files.exists(volumes.resolve(p.name()), LinkOption.NOFOLLOW_LINKS)) {
                out.add(p.initCommand());
            }
        }
        return out;
    }

    private static List<Volume.Persistent> persistent(Container container, CommandSpec command) {
        List<Volume.Persistent> out = new ArrayList<>();
        if (command != null) {
            for (Volume v : command.volumes().values()) { // a loop, not a lambda: see Supervisor
                if (v instanceof Volume.Persistent p) {
                    out.add(p);
                }
            }
        }
        if (container != null) {
            for (Volume v : container.volumes().values()) {
                if (v instanceof Volume.Persistent p) {
                    out.add(p);
                }
            }
        }
        return out;
    }
}
