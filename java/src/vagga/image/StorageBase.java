// Where a project's roots and transient copies live: .vagga, or with storage-dir the directory .vagga/.lnk names.
package vagga.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * As vagga's {@code setup.rs}: with the setting {@code storage-dir}, a project's images are kept in
 * {@code STORAGE/NAME} (NAME: the project directory's name, or NAME-1 ... NAME-100 when taken, or
 * the value of the variable named by {@code storage-subdir-from-env-var}), {@code .vagga/.lnk} links
 * there and {@code STORAGE/NAME/.lnk} back to the project; {@code .vagga/CONTAINER} then points at
 * {@code .lnk/.roots/CONTAINER.HASH/root}. Paths are returned through {@code .vagga/.lnk}, so links
 * made relative to {@code .vagga} come out as vagga's.
 */
public final class StorageBase {
    private StorageBase() {}

    /** The base of an existing layout: .vagga/.lnk when it is a link, else .vagga (nothing is created). */
    public static Path base(Path project) {
        Path vagga = ContainerBuilder.vaggaDir(project.toAbsolutePath());
        Path lnk = vagga.resolve(".lnk");
        return Files.isSymbolicLink(lnk) ? lnk : vagga;
    }

    /** {@code base/.roots}. */
    public static Path roots(Path project) {
        return base(project).resolve(".roots");
    }

    /**
     * The base to build into, made when missing: .vagga without a storage dir; with one, the
     * project's directory in it, linked as vagga links it.
     * @param storageDir     the setting storage-dir, or null
     * @param subdirFromEnv  the value of the variable storage-subdir-from-env-var names, or null
     * @throws BuildException vagga's messages for a .lnk that does not match the setting
     */
    public static Path prepare(Path project, Path storageDir, String subdirFromEnv) throws BuildException {
        Path abs = project.toAbsolutePath();
        Path vagga = ContainerBuilder.vaggaDir(abs);
        try {
            ProjectPaths.ensureDir(abs, ".vagga");
            if (storageDir == null) {
                return vagga;
            }
            Path lnk = vagga.resolve(".lnk");
            if (Files.isSymbolicLink(lnk)) {
                Path target = Files.readSymbolicLink(lnk);
                Path name = target.getFileName();
                if (name == null) {
                    throw new BuildException("Bad link .vagga/.lnk: \"" + target + "\". You probably need to remove it now");
                }
                if (!storageDir.equals(target.getParent())) {
                    Path wanted = storageDir.resolve(name);
                    throw new BuildException("You have set `storage-dir` to \"" + storageDir + "\", but .vagga/.lnk points to \""
                            + target + "\". " + (Files.exists(wanted)
                                    ? "You probably need to run `ln -sfn " + wanted + " .vagga/.lnk`"
                                    : "If storage dir is new, just remove `.vagga` dir."));
                }
                if (!Files.isDirectory(lnk)) {
                    throw new BuildException("Your .vagga/.lnk points to a non-existent directory. Presumably you deleted dir \""
                            + target + "\". Just remove .vagga/.lnk now.");
                }
                return lnk;
            }
            if (Files.exists(lnk, LinkOption.NOFOLLOW_LINKS)) {
                throw new BuildException("Bad link .vagga/.lnk: it is not a symlink. You probably need to remove it now");
            }
            if (!Files.isDirectory(storageDir)) {
                throw new BuildException("storage-dir \"" + storageDir + "\" does not exist: create it, or remove the setting");
            }
            Path target = subdirFromEnv != null ? storageDir.resolve(sanitize(subdirFromEnv)) : freeName(storageDir, abs);
            Files.createDirectories(target);
            Files.createSymbolicLink(lnk, target);
            if (subdirFromEnv == null && !Files.exists(target.resolve(".lnk"), LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(target.resolve(".lnk"), abs);
            }
            return lnk;
        } catch (IOException e) {
            throw new BuildException("vagga: cannot set up the storage dir: " + ProjectPaths.describe(e), e);
        }
    }

    /**
     * mkdir of {@code base/sub} for its owner only (0700): under .vagga without following links
     * (ProjectPaths), in the storage dir (reached through .vagga/.lnk, which the user set up) plainly.
     */
    static Path ensurePrivate(Path project, Path base, String sub) throws IOException {
        if (!Files.isSymbolicLink(base)) {
            return ProjectPaths.ensurePrivateDir(project, ".vagga/" + sub);
        }
        Path dir = base.resolve(sub);
        Files.createDirectories(dir);
        Files.setAttribute(dir, "unix:mode", 0700);
        return dir;
    }

    /**
     * Links {@code .vagga/.lnk} to {@code STORAGE/name} (vagga's {@code _init_storage_dir NAME}); with
     * {@code shared} (vagga's {@code --allow-multiple}) the directory may exist already (another
     * project's) and gets no {@code .lnk} back to this project.
     */
    public static Path init(Path project, Path storageDir, String name, boolean shared) throws BuildException {
        Path abs = project.toAbsolutePath();
        Path lnk = ContainerBuilder.vaggaDir(abs).resolve(".lnk");
        try {
            ProjectPaths.ensureDir(abs, ".vagga");
            if (Files.exists(lnk, LinkOption.NOFOLLOW_LINKS)) {
                throw new BuildException("The `.vagga/.lnk` already exists: " + Files.readSymbolicLink(lnk));
            }
            // vagga's init_dir takes the name as it is (no sanitizing, that is storage-subdir-from-env-var's)
            Path target = storageDir.resolve(name);
            if (!shared && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new BuildException("Directory " + target + " already exists");
            }
            Files.createDirectories(target);
            Files.createSymbolicLink(lnk, target);
            if (!shared) {
                Files.createSymbolicLink(target.resolve(".lnk"), abs);
            }
            return target;
        } catch (IOException e) {
            throw new BuildException("vagga: cannot set up the storage dir: " + ProjectPaths.describe(e), e);
        }
    }

    /** vagga's storage_dir::sanitize: letters, digits, "-", "_" and "." kept, anything else "-". */
    static String sanitize(String name) {
        StringBuilder sb = new StringBuilder();
        for (char c : name.toCharArray()) {
            sb.append(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' ? c : '-');
        }
        String s = sb.toString().replaceAll("^[.-]+", "");
        return s.isEmpty() ? "-" : s;
    }

    private static Path freeName(Path storageDir, Path project) throws BuildException {
        Path fileName = project.getFileName();
        if (fileName == null) {
            throw new BuildException("Project dir \"" + project + "\" is either root or has bad characters");
        }
        String name = fileName.toString();
        if (!Files.exists(storageDir.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
            return storageDir.resolve(name);
        }
        for (int i = 1; i <= 100; i++) {
            Path p = storageDir.resolve(name + "-" + i);
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                return p;
            }
        }
        throw new BuildException("Too many similar paths named " + name + " in \"" + storageDir + "\"");
    }
}
