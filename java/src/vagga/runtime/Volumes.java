// Turns a command's and its container's `volumes:` (SPEC 1.6) into checked mounts for the shim.
package vagga.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import vagga.config.CommandSpec;
import vagga.config.Container;
import vagga.config.Position;
import vagga.config.Volume;
import vagga.linux.LibraryLoader;
import vagga.linux.LinuxException;
import vagga.image.ContainerBuilder;
import vagga.image.FileTrees;
import vagga.image.ProjectPaths;
import vagga.image.RootPath;
import vagga.linux.MountSpec;

/**
 * Every host path is decided and checked here, in the supervisor, so the shim only mounts what
 * was checked: bind sources must stay inside the project (after resolving ".." and symlinks) and
 * every mount point must already exist where the shim will mount it.
 */
public final class Volumes {
    /** Top-level directories of the --host-root skeleton (PROTOCOL.md) plus the standard mounts. */
    private static final List<String> HOST_ROOT_DIRS = List.of("usr", "bin", "sbin", "lib", "lib32", "lib64",
            "libx32", "etc", "opt", "var", "home", "root", "srv", "work", "tmp", "run", "proc", "dev");

    private Volumes() {}

    /**
     * @param projectRoot the project (mounted at /work)
     * @param container   the container whose volumes apply
     * @param command     the command whose volumes win per path, or null (`vagga _run`)
     * @param rootDir     the container's built root on the host, or null for !HostRoot
     * @return mounts in mount order (a parent path before the paths below it)
     * @throws VolumeException naming the volume and the problem, never a partial list
     */
    public static List<MountSpec> resolve(Path projectRoot, Container container, CommandSpec command, Path rootDir)
            throws VolumeException {
        return resolve(projectRoot, container, command, rootDir, Map.of(), Map.of());
    }

    /**
     * @param containerRoots the built roots of the containers that !Container volumes name (see
     *                       {@link #containersNamed}); such a volume shows that root read-only
     */
    public static List<MountSpec> resolve(Path projectRoot, Container container, CommandSpec command, Path rootDir,
                                          Map<String, Path> containerRoots) throws VolumeException {
        return resolve(projectRoot, container, command, rootDir, containerRoots, Map.of());
    }

    /**
     * @param externalVolumes vagga's external-volumes setting: {@code /volumes/NAME/...} in a bind
     *                        means a path under the host directory of NAME
     */
    public static List<MountSpec> resolve(Path projectRoot, Container container, CommandSpec command, Path rootDir,
                                          Map<String, Path> containerRoots, Map<String, Path> externalVolumes)
            throws VolumeException {
        return resolve(projectRoot, container, command, rootDir, containerRoots, externalVolumes, Map.of());
    }

    /**
     * @param initializing !Persistent volumes being initialised by this command ({@link PersistentInit}):
     *                     name to the temporary directory mounted in the volume's place
     */
    public static List<MountSpec> resolve(Path projectRoot, Container container, CommandSpec command, Path rootDir,
                                          Map<String, Path> containerRoots, Map<String, Path> externalVolumes,
                                          Map<String, Path> initializing) throws VolumeException {
        // TreeMap: "/a" sorts before "/a/b" (a prefix sorts first), so parents are mounted first.
        Map<String, Volume> merged = new TreeMap<>();
        for (Map.Entry<String, Volume> e : container.volumes().entrySet()) {
            merged.put(normalize(e.getKey(), e.getValue()), e.getValue());
        }
        if (command != null) {
            for (Map.Entry<String, Volume> e : command.volumes().entrySet()) {
                merged.put(normalize(e.getKey(), e.getValue()), e.getValue());
            }
        }
        Path project = projectRoot.toAbsolutePath();
        Path vagga = ContainerBuilder.vaggaDir(project);
        List<MountSpec> mounts = new ArrayList<>();
        for (Map.Entry<String, Volume> e : merged.entrySet()) {
            String dest = e.getKey();
            Volume volume = e.getValue();
            try {
                MountSpec mount = mount(project, vagga, dest, volume, rootDir, containerRoots, externalVolumes,
                        initializing);
                checkMountPoint(project, rootDir, mounts, dest);
                mounts.add(mount);
            } catch (SetupProblem p) {
                throw VolumeException.inSetup(p.getMessage());
            } catch (Problem p) {
                throw new VolumeException(describe(dest, volume) + ": " + p.getMessage());
            } catch (IOException io) {
                throw new VolumeException(describe(dest, volume) + ": " + ProjectPaths.describe(io));
            }
        }
        return List.copyOf(mounts);
    }

    /** Whether a bind of the container or the command names /volumes/... (external volumes). */
    public static boolean usesExternalVolumes(Container container, CommandSpec command) {
        List<Volume> all = new ArrayList<>(container.volumes().values());
        if (command != null) {
            all.addAll(command.volumes().values());
        }
        for (Volume v : all) {
            String p = v instanceof Volume.BindRW b ? b.path() : v instanceof Volume.BindRO b ? b.path() : null;
            if (p != null && (p.equals("/volumes") || p.startsWith("/volumes/"))) {
                return true;
            }
        }
        return false;
    }

    /** /volumes/NAME[/sub]: NAME from the external-volumes setting; sub may not climb out of it. */
    private static Path externalSource(String path, Map<String, Path> externalVolumes) throws Problem {
        String rest = path.length() > "/volumes/".length() ? path.substring("/volumes/".length()) : "";
        int slash = rest.indexOf('/');
        String name = slash < 0 ? rest : rest.substring(0, slash);
        Path base = externalVolumes.get(name);
        if (name.isEmpty() || base == null) {
            throw new Problem("external volume \"" + name + "\" is not configured (add it to external-volumes in "
                    + "~/.config/vagga/settings.yaml or VAGGA_SETTINGS)");
        }
        Path host = slash < 0 ? base : base.resolve(rest.substring(slash + 1)).normalize();
        if (!host.startsWith(base)) {
            throw new Problem(path + " climbs out of the external volume \"" + name + "\"");
        }
        if (!Files.exists(host)) {
            throw new Problem(path + " does not exist (" + host + ")");
        }
        return host;
    }

    /** The containers that !Container volumes and !Snapshot {container: ...} of the container and the
     *  command name, in order (they must be built before the volumes are resolved). */
    public static List<String> containersNamed(Container container, CommandSpec command) {
        List<String> names = new ArrayList<>();
        List<Volume> all = new ArrayList<>(container.volumes().values());
        if (command != null) {
            all.addAll(command.volumes().values());
        }
        for (Volume v : all) {
            String name = v instanceof Volume.ContainerVolume c ? c.name()
                    : v instanceof Volume.Snapshot s ? s.container() : null;
            if (name != null && !names.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    private static MountSpec mount(Path project, Path vagga, String dest, Volume volume, Path rootDir,
                                   Map<String, Path> containerRoots, Map<String, Path> externalVolumes,
                                   Map<String, Path> initializing) throws IOException, Problem {
        if (volume instanceof Volume.Tmpfs t) {
            Map<String, Integer> subdirs = new TreeMap<>();
            t.subdirs().forEach((path, dir) -> subdirs.put(path, dir.mode()));
            return new MountSpec.Tmpfs(dest, t.size(), t.mode(), subdirs, new TreeMap<>(t.files()));
        }
        if ((volume instanceof Volume.BindRW b ? b.path() : volume instanceof Volume.BindRO r ? r.path() : "")
                .matches("/vagga/root(/.*)?")) {
            return containerRootBind(project, volume, dest, rootDir);
        }
        if (volume instanceof Volume.BindRW b) {
            return new MountSpec.Bind(bindSource(project, b.path(), externalVolumes).toString(), dest, false);
        }
        if (volume instanceof Volume.BindRO b) {
            return new MountSpec.Bind(bindSource(project, b.path(), externalVolumes).toString(), dest, true);
        }
        if (volume instanceof Volume.Empty) {
            // vagga mounts a tiny tmpfs and remounts it read-only; a read-only bind of an empty
            // directory shows the same thing and needs nothing new from the shim.
            Path empty = ProjectPaths.ensureDir(project, ".vagga/.empty");
            try (var s = Files.list(empty)) {
                if (s.findAny().isPresent()) {
                    throw new Problem(empty + " should be empty but is not; remove what is in it");
                }
            }
            return new MountSpec.Bind(empty.toString(), dest, true);
        }
        if (volume instanceof Volume.Persistent p) {
            namedDir(p.name(), "!Persistent");
            Path pending = initializing.get(p.name());
            if (pending != null) {
                return new MountSpec.Bind(pending.toString(), dest, false);
            }
            Path dir = persistentDir(project, p, p.name());
            return new MountSpec.Bind(dir.toString(), dest, false);
        }
        if (volume instanceof Volume.CacheDir c) {
            // vagga's checks and words (wrapper/setup.rs); a path below the cache root is allowed
            if (c.name().isEmpty()) {
                throw new SetupProblem("mount !CacheDir: path must not be empty");
            }
            if (c.name().startsWith("/")) {
                throw new SetupProblem("mount !CacheDir \"" + c.name() + "\": path must not be absolute");
            }
            for (String part : c.name().split("/")) {
                if (part.equals("..") || part.contains("\0")) {
                    throw new Problem("bad !CacheDir path \"" + c.name() + "\" (no \"..\")");
                }
            }
            Path dir = ProjectPaths.ensureDir(project, ".vagga/.cache/" + c.name());
            return new MountSpec.Bind(dir.toString(), dest, false);
        }
        if (volume instanceof Volume.Snapshot s) {
            String source = null;
            if (s.container() != null) {
                // as in vagga: that container's folder at the same path as the mount point
                Path root = containerRoots.get(s.container());
                if (root == null) {
                    throw new Problem(containerRoots.containsKey(s.container())
                            ? "container \"" + s.container() + "\" is a !HostRoot, which has no root to copy"
                            : "container \"" + s.container() + "\" is not built");
                }
                Path folder = RootPath.resolve(root, dest, true);
                if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                    throw new Problem("container \"" + s.container() + "\" has no directory " + dest + " to copy");
                }
                source = folder.toString();
            }
            // The shim copies the directory into the tmpfs inside the container's mount namespace:
            // each process gets its own copy and the image is only read.
            return new MountSpec.Snapshot(dest, s.size(),
                    s.ownerUid() == null ? MountSpec.Snapshot.KEEP : s.ownerUid(),
                    s.ownerGid() == null ? MountSpec.Snapshot.KEEP : s.ownerGid(), source);
        }
        if (volume instanceof Volume.VaggaBin) {
            // vagga's own files (launcher's lib dir: jar, JNI library, init shim), read-only
            try {
                return new MountSpec.Bind(LibraryLoader.directory().toString(), dest, true);
            } catch (LinuxException e) {
                throw new Problem("cannot find vagga's own files: " + e.getMessage());
            }
        }
        if (volume instanceof Volume.ContainerVolume c) {
            Path root = containerRoots.get(c.name());
            if (root == null) {
                throw new Problem(containerRoots.containsKey(c.name())
                        ? "container \"" + c.name() + "\" is a !HostRoot, which has no root to mount"
                        : "container \"" + c.name() + "\" is not built");
            }
            return new MountSpec.Bind(root.toString(), dest, true);
        }
        throw new Problem("this volume kind is not supported yet");
    }

    /** {@code .vagga/.volumes/NAME} (NAME: the volume's, or a temporary one), made with the volume's owner. */
    static Path persistentDir(Path project, Volume.Persistent p, String name) throws IOException {
        // Unprivileged, we run in a user namespace where container root is our own uid:
        // the new directory already belongs to "root" there, and other owners cannot be
        // set from outside the namespace, so owners are only applied when we are root.
        boolean hostRoot = FileTrees.hostRoot();
        int uid = hostRoot && p.ownerUid() != null ? p.ownerUid() : -1;
        int gid = hostRoot && p.ownerGid() != null ? p.ownerGid() : -1;
        return ProjectPaths.ensureDir(project, ".vagga/.volumes/" + name, uid, gid).path();
    }

    /**
     * {@code !BindRW /vagga/root/PATH}: vagga's name for the container's own root. The bind is as
     * writable as the root is (vagga binds inside its read-only root: only a transient copy is
     * writable), so a volume never changes a built image.
     */
    private static MountSpec containerRootBind(Path project, Volume volume, String dest, Path rootDir)
            throws IOException, Problem {
        String path = volume instanceof Volume.BindRW b ? b.path() : ((Volume.BindRO) volume).path();
        if (rootDir == null) {
            throw new Problem("\"" + path + "\": a !HostRoot container has no root of its own to bind from");
        }
        Path host = RootPath.resolve(rootDir, path.substring("/vagga/root".length()), true);
        if (!Files.exists(host, LinkOption.NOFOLLOW_LINKS)) {
            throw new Problem(path + " does not exist in the container");
        }
        boolean writableRoot = rootDir.startsWith(vagga.image.StorageBase.base(project).resolve(".transient"));
        return new MountSpec.Bind(host.toString(), dest, volume instanceof Volume.BindRO || !writableRoot);
    }

    /** The host directory of a !BindRW/!BindRO path: /work/... inside the project, nothing else. */
    private static Path bindSource(Path project, String path, Map<String, Path> externalVolumes)
            throws IOException, Problem {
        if (path.equals("/volumes") || path.startsWith("/volumes/")) {
            return externalSource(path, externalVolumes);
        }
        if (!(path.equals("/work") || path.startsWith("/work/"))) {
            throw new Problem("\"" + path + "\" is outside the project; only paths under /work can be bound");
        }
        Path host;
        try {
            host = ProjectPaths.inProject(project, path);
        } catch (ProjectPaths.EscapeException e) {
            throw new Problem(e.getMessage());
        }
        if (!Files.exists(host)) {
            throw new Problem(path + " does not exist (" + host + ")");
        }
        return host;
    }

    private static void namedDir(String name, String kind) throws Problem {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")
                || name.contains("\0")) {
            throw new Problem("bad " + kind + " name \"" + name + "\" (a plain name, no \"/\")");
        }
    }

    /**
     * The shim mounts onto a path that must exist, so check where it will be at that moment:
     * inside an earlier volume, in the project (/work), in a standard mount, or in the root.
     */
    private static void checkMountPoint(Path project, Path rootDir, List<MountSpec> earlier, String dest)
            throws IOException, Problem {
        if (dest.equals("/")) {
            throw new Problem("cannot mount over the container's root");
        }
        if (dest.equals("/work")) {
            throw new Problem("hiding /work itself is not supported (a subdirectory of it is)");
        }
        for (int i = earlier.size() - 1; i >= 0; i--) {
            MountSpec m = earlier.get(i);
            if (!isBelow(dest, m.dest())) {
                continue;
            }
            String rel = dest.substring(m.dest().length() + 1);
            if (m instanceof MountSpec.Tmpfs t) {
                if (!t.subdirs().containsKey(rel) && !t.files().containsKey(rel)) {
                    throw new Problem("mount point " + dest + " does not exist: the !Tmpfs at " + m.dest()
                            + " has no subdir or file \"" + rel + "\"");
                }
            } else if (m instanceof MountSpec.Snapshot) {
                // A snapshot holds a copy of what was there before it: look further out.
                continue;
            } else if (m instanceof MountSpec.Bind b && !Files.exists(Path.of(b.source()).resolve(rel))) {
                throw new Problem("mount point " + dest + " does not exist (" + Path.of(b.source()).resolve(rel)
                        + ", inside the volume at " + m.dest() + ")");
            }
            return;
        }
        if (isBelow(dest, "/work")) {
            Path host = ProjectPaths.inProject(project, dest);
            if (!Files.exists(host)) {
                throw new Problem("mount point " + dest + " does not exist in the project (" + host + ")");
            }
            return;
        }
        if (dest.equals("/tmp") || dest.equals("/run") || dest.equals("/run/shm") || dest.equals("/proc")) {
            return;
        }
        if (isBelow(dest, "/tmp") || isBelow(dest, "/run") || isBelow(dest, "/proc")) {
            throw new Problem("mount point " + dest + " cannot exist: it is inside the container's fresh "
                    + dest.split("/")[1] + " (use a !Tmpfs with subdirs there)");
        }
        if (isBelow(dest, "/dev")) {
            if (!Files.exists(Path.of(dest))) {
                throw new Problem("mount point " + dest + " does not exist (/dev is the host's)");
            }
            return;
        }
        if (rootDir == null) {
            String top = dest.split("/")[1];
            if (!HOST_ROOT_DIRS.contains(top) || !Files.exists(Path.of(dest))) {
                throw new Problem("mount point " + dest + " does not exist in the !HostRoot container");
            }
            return;
        }
        if (!RootPath.exists(rootDir, dest)) {
            throw new Problem("mount point " + dest + " does not exist in the container");
        }
    }

    private static boolean isBelow(String path, String dir) {
        return path.equals(dir) || path.startsWith(dir + "/");
    }

    private static String normalize(String path, Volume volume) throws VolumeException {
        if (!path.startsWith("/")) {
            throw new VolumeException(describe(path, volume) + ": the mount point must be an absolute path");
        }
        String normal = Path.of(path).normalize().toString();
        if (normal.contains("/../") || normal.endsWith("/..")) {
            throw new VolumeException(describe(path, volume) + ": the mount point must not contain \"..\"");
        }
        return normal;
    }

    /** `volume "/data" (!BindRW "/work/x", vagga.yaml:12:7)`. */
    private static String describe(String dest, Volume volume) {
        String what;
        if (volume instanceof Volume.BindRW b) {
            what = "!BindRW \"" + b.path() + "\"";
        } else if (volume instanceof Volume.BindRO b) {
            what = "!BindRO \"" + b.path() + "\"";
        } else if (volume instanceof Volume.Persistent p) {
            what = "!Persistent \"" + p.name() + "\"";
        } else if (volume instanceof Volume.CacheDir c) {
            what = "!CacheDir \"" + c.name() + "\"";
        } else if (volume instanceof Volume.ContainerVolume c) {
            what = "!Container \"" + c.name() + "\"";
        } else {
            what = "!" + volume.getClass().getSimpleName().replace("ContainerVolume", "Container");
        }
        Position pos = volume.position();
        String where = pos == null || pos.equals(Position.UNKNOWN) ? "" : ", " + pos;
        return "volume \"" + dest + "\" (" + what + where + ")";
    }

    /** One volume's problem, before its name is put in front. */
    private static class Problem extends Exception {
        private static final long serialVersionUID = 1L;

        Problem(String message) {
            super(message);
        }
    }

    /** A problem vagga reports from its container setup, in its own words (exit 124). */
    private static final class SetupProblem extends Problem {
        private static final long serialVersionUID = 1L;

        SetupProblem(String message) {
            super(message);
        }
    }
}
