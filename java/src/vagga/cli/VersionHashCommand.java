// `vagga _version_hash [-s] [--fd3] [--debug-versioning] [--dump-version-data] CONTAINER`: the version without building.
package vagga.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import vagga.config.Config;
import vagga.image.BuildException;
import vagga.image.VersionHash;
import vagga.plan.ExitCodes;

/**
 * As vagga: 0 and the hash (full, or the 8 digits of directory names with -s), 121 for an unknown
 * container or a failing input, 122 for bad arguments. --fd3 writes the hash to file descriptor 3
 * instead of stdout (how vagga's launcher reads it); --debug-versioning prints the hash so far after
 * each step on stderr, --dump-version-data every value hashed, one a line, on stderr.
 */
final class VersionHashCommand {
    private static final String USAGE = "_version_hash [-s|--short] [--fd3] [--debug-versioning] [--dump-version-data] CONTAINER";

    private VersionHashCommand() {}

    static int run(Invocation inv, Config config, List<String> args) {
        boolean shortHash = false;
        boolean fd3 = false;
        boolean debug = false;
        boolean dump = false;
        String name = null;
        for (String a : args) {
            switch (a) {
                case "-h", "--help" -> {
                    inv.out().println("Usage:\n    vagga " + USAGE + "\n\nPrints version hash of the container without "
                            + "building it. If this command exits with code 29, then container can't be versioned "
                            + "before the build.");
                    return ExitCodes.OK;
                }
                case "-s", "--short" -> shortHash = true;
                case "--fd3" -> fd3 = true;
                case "--debug-versioning" -> debug = true;
                case "--dump-version-data" -> dump = true;
                default -> {
                    if (a.startsWith("-") || name != null) {
                        return usage(inv, "unexpected argument \"" + a + "\"");
                    }
                    name = a;
                }
            }
        }
        if (name == null) {
            return usage(inv, "a container name is required");
        }
        try {
            VersionHash hash = new VersionHash(config);
            String full;
            if (debug || dump) {
                boolean showSteps = debug;
                boolean showValues = dump;
                full = hash.traced(name, new VersionHash.Trace() {
                    @Override
                    public void step(String container, int number, int total, String label, String hashSoFar) {
                        if (showSteps) {
                            inv.err().println("[" + container + "] step " + number + "/" + total + ": " + label
                                    + ": " + hashSoFar);
                        }
                    }

                    @Override
                    public void value(String text) {
                        if (showValues) {
                            inv.err().println(text);
                        }
                    }
                });
            } else {
                full = hash.of(name);
            }
            String printed = shortHash ? full.substring(0, VersionHash.SHORT_LENGTH) : full;
            if (fd3) {
                return toFd3(inv, printed);
            }
            inv.out().println(printed);
            return ExitCodes.OK;
        } catch (BuildException e) {
            inv.err().println(e.getMessage());
            return ExitCodes.RUNTIME_ERROR;
        }
    }

    /** vagga writes the bare hash (no newline) to fd 3. */
    private static int toFd3(Invocation inv, String text) {
        Path fd = Path.of("/proc/self/fd/3");
        if (!Files.exists(fd) || ownFile(fd)) {
            inv.err().println("vagga _version_hash --fd3: file descriptor 3 is not open");
            return ExitCodes.RUNTIME_ERROR;
        }
        try (OutputStream out = Files.newOutputStream(fd, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            out.write(text.getBytes(StandardCharsets.US_ASCII));
            return ExitCodes.OK;
        } catch (IOException e) {
            inv.err().println("vagga _version_hash --fd3: cannot write to file descriptor 3: " + e.getMessage());
            return ExitCodes.RUNTIME_ERROR;
        }
    }

    /**
     * When the caller closed fd 3, the JVM's own first file got that number (its jar, archive or a
     * library): never write there.
     */
    private static boolean ownFile(Path fd) {
        try {
            String target = Files.readSymbolicLink(fd).toString();
            String lib = System.getProperty("vagga.libdir");
            String javaHome = System.getProperty("java.home");
            return target.endsWith(".jar") || target.endsWith(".jsa") || target.endsWith(".so")
                    || target.endsWith(".jimage") || target.endsWith("/modules")
                    || lib != null && target.startsWith(Path.of(lib).toAbsolutePath().normalize().toString())
                    || javaHome != null && target.startsWith(javaHome);
        } catch (IOException e) {
            return true;
        }
    }

    private static int usage(Invocation inv, String message) {
        inv.err().println("Usage: vagga " + USAGE);
        inv.err().println("vagga _version_hash: " + message);
        return ExitCodes.BAD_ARGUMENTS;
    }
}
