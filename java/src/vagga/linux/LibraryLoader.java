// Finds and loads libvaggajni.so and finds the init shim vagga-init, saying where it looked when it fails.
package vagga.linux;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Looks in order: the directory in system property {@code vagga.libdir}, the directory of the
 * running jar (or the classes directory), then {@code /usr/lib/vagga}.
 */
public final class LibraryLoader {
    public static final String LIBRARY = "libvaggajni.so";
    public static final String SHIM = "vagga-init";
    static final String SYSTEM_DIR = "/usr/lib/vagga";
    private static final int ENOENT = 2;

    private static boolean loaded;
    private static Path shim;

    private LibraryLoader() {}

    /** The directories searched, in order. */
    static List<Path> searchPath() {
        List<Path> dirs = new ArrayList<>();
        String prop = System.getProperty("vagga.libdir");
        if (prop != null && !prop.isEmpty()) {
            dirs.add(Path.of(prop).toAbsolutePath());
        }
        try {
            var source = LibraryLoader.class.getProtectionDomain().getCodeSource();
            if (source != null) {
                Path location = Path.of(source.getLocation().toURI());
                dirs.add(Files.isDirectory(location) ? location : location.getParent());
            }
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            // Not a file: URL (e.g. a custom class loader): the other places still apply.
        }
        dirs.add(Path.of(SYSTEM_DIR));
        return dirs;
    }

    static Path find(String name, boolean executable) throws LinuxException {
        List<String> tried = new ArrayList<>();
        for (Path dir : searchPath()) {
            Path candidate = dir.resolve(name);
            if (Files.isRegularFile(candidate) && (!executable || Files.isExecutable(candidate))) {
                return candidate;
            }
            tried.add(candidate.toString());
        }
        throw new LinuxException("find " + name, ENOENT,
                "cannot find " + name + "; tried: " + String.join(", ", tried),
                "set -Dvagga.libdir=DIR to the directory holding " + LIBRARY + " and " + SHIM);
    }

    /** Loads the JNI library once; throws with every path tried when it is nowhere. */
    public static synchronized void loadChecked() throws LinuxException {
        if (loaded) {
            return;
        }
        Path lib = find(LIBRARY, false);
        try {
            System.load(lib.toString());
        } catch (UnsatisfiedLinkError e) {
            throw new LinuxException("dlopen", 0, "cannot load " + lib + ": " + e.getMessage());
        }
        loaded = true;
    }

    /** For static initialisers of the classes with natives: as {@link #loadChecked}, unchecked. */
    static void load() {
        try {
            loadChecked();
        } catch (LinuxException e) {
            throw new UnsatisfiedLinkError(e.getMessage());
        }
    }

    /** The init shim's path (an executable vagga-init next to the library). */
    /** The directory holding vagga's own files (jar, JNI library, shim): what !VaggaBin shows. */
    public static Path directory() throws LinuxException {
        return shim().toAbsolutePath().getParent();
    }

    public static synchronized Path shim() throws LinuxException {
        if (shim == null) {
            shim = find(SHIM, true);
        }
        return shim;
    }
}
