// !CapsuleCommand and `vagga _capsule build|run|script`: a command in the capsule, which builds and runs containers itself.
package vagga.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import vagga.config.BuildStep;
import vagga.config.CapsuleCommandSpec;
import vagga.config.CommandSpec;
import vagga.config.Config;
import vagga.config.Container;
import vagga.config.Position;
import vagga.config.Volume;
import vagga.config.WriteMode;
import vagga.plan.ExitCodes;

/**
 * As vagga's capsule (docs/capsule_commands.rst), with this vagga's capsule: vagga's is a container
 * made of its own release tarball (busybox and its tools at {@code /vagga/bin}); ours is the host's
 * system read-only (as {@code !HostRoot}), the project at {@code /work}, and this vagga's own
 * directory bound read-only at {@link #BIN} and first on {@code PATH}, so {@code vagga _capsule ...}
 * inside works: {@code build NAME} (as {@code _build}), {@code run CONTAINER CMD [ARGS]} (as
 * {@code _run}, the container built when needed) and {@code script URL [--sha256 HASH] [ARGS]} (the
 * script fetched once into {@code .vagga/.cache/capsule-scripts}, checked, run by {@code /bin/sh}).
 * The capsule gets the caller's {@code HOME} and {@code VAGGA_SETTINGS}, so the vagga inside reads
 * the same settings. A !CapsuleCommand's keys act as a !Command's: environ, work-dir, options,
 * accepts-arguments, epilog, prerequisites, pass-tcp-socket; uids/gids are the capsule's id map.
 */
final class Capsule {
    private Capsule() {}

    /** The capsule container of a command: a name no vagga.yaml uses (vagga's names have no space). */
    static String container(String command) {
        return "vagga capsule " + command;
    }
    /** Where this vagga's own files are in the capsule (a directory the host-root skeleton has). */
    static final String BIN = "/tmp/vagga";

    /** The config with a capsule container for each !CapsuleCommand (the same config when there is none). */
    static Config withCapsules(Config config) {
        Map<String, Container> containers = new LinkedHashMap<>(config.containers());
        for (Map.Entry<String, vagga.config.CommandDef> e : config.commands().entrySet()) {
            if (e.getValue() instanceof CapsuleCommandSpec spec) {
                containers.put(container(e.getKey()), capsule(container(e.getKey()), spec));
            }
        }
        return containers.size() == config.containers().size() ? config
                : new Config(config.file(), config.projectRoot(), containers, config.commands(), config.warnings());
    }

    private static Container capsule(String name, CapsuleCommandSpec spec) {
        Position at = spec.position();
        Map<String, Volume> volumes = new LinkedHashMap<>();
        volumes.put("/tmp", new Volume.Tmpfs(at, 100L << 20, 01777, Map.of("vagga", new Volume.TmpfsDir(0755)), Map.of()));
        volumes.put(BIN, new Volume.VaggaBin(at));
        List<String> uids = spec.uids().isEmpty() ? List.of("0-65535") : spec.uids();
        List<String> gids = spec.gids().isEmpty() ? List.of("0-65535") : spec.gids();
        return new Container(name, at, List.of(new BuildStep.HostRoot(at)), Map.of(), volumes,
                Container.DEFAULT_SHELL, uids, gids, "/etc/resolv.conf", "/etc/hosts");
    }

    /** The !CapsuleCommand as a plain command in the capsule container. */
    static CommandSpec asCommand(String name, CapsuleCommandSpec spec, Map<String, String> callerEnv) {
        Map<String, String> environ = new TreeMap<>(spec.environ());
        String path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        environ.putIfAbsent("PATH", BIN + ":" + path);
        String home = callerEnv.get("HOME");
        if (home != null && !home.isEmpty()) {
            environ.putIfAbsent("HOME", home);
        }
        String settings = callerEnv.get("VAGGA_SETTINGS");
        if (settings != null) {
            environ.putIfAbsent("VAGGA_SETTINGS", settings);
        }
        return new CommandSpec(spec.position(), container(name), spec.run(), environ, spec.workDir(), Map.of(), 0, 0,
                List.of(), null, WriteMode.READ_ONLY, List.of(), spec.passTcpSocket(), spec.description(),
                spec.prerequisites(), spec.options(), spec.acceptsArguments(), spec.aliases(), spec.group(), null,
                spec.epilog());
    }

    private static final String USAGE = "Usage:\n    vagga _capsule COMMAND [ARGS ...]\n";

    /** {@code vagga _capsule build|run|script ...}: the command's code; 122 for bad arguments, 127 unknown. */
    static int run(Invocation inv, Config config, List<String> args) {
        if (args.isEmpty() || args.get(0).equals("-h") || args.get(0).equals("--help")) {
            (args.isEmpty() ? inv.err() : inv.out()).print(USAGE + "\nRun a special capsule command (in a"
                    + " !CapsuleCommand):\n  build CONTAINER           build a container (as _build)\n"
                    + "  run CONTAINER CMD [ARGS]  run a command in a container (as _run)\n"
                    + "  script URL [--sha256 HASH] [ARGS]  fetch a script once, run it with /bin/sh\n");
            return args.isEmpty() ? ExitCodes.BAD_ARGUMENTS : ExitCodes.OK;
        }
        List<String> rest = args.subList(1, args.size());
        switch (args.get(0)) {
            case "build":
                return Builtin.BUILD.run(inv, config, rest);
            case "run":
                return Builtin.RUN.run(inv, config, rest);
            case "script":
                return script(inv, config, rest);
            default:
                inv.err().println("Unknown command \"" + args.get(0) + "\"");
                return ExitCodes.NOTHING_TO_RUN;
        }
    }

    private static int script(Invocation inv, Config config, List<String> args) {
        String sha256 = null;
        int i = 0;
        for (; i < args.size() && args.get(i).startsWith("--"); i++) {
            if (args.get(i).equals("--sha256") && i + 1 < args.size()) {
                sha256 = args.get(++i).toLowerCase(java.util.Locale.ROOT);
            } else if (args.get(i).startsWith("--sha256=")) {
                sha256 = args.get(i).substring("--sha256=".length()).toLowerCase(java.util.Locale.ROOT);
            } else {
                inv.err().println("Usage:\n    vagga _capsule script [--sha256 HASH] URL [ARG ...]");
                inv.err().println("vagga _capsule script: unexpected option \"" + args.get(i) + "\"");
                return ExitCodes.BAD_ARGUMENTS;
            }
        }
        if (i >= args.size()) {
            inv.err().println("Usage:\n    vagga _capsule script [--sha256 HASH] URL [ARG ...]");
            inv.err().println("vagga _capsule script: a URL is required");
            return ExitCodes.BAD_ARGUMENTS;
        }
        String url = args.get(i);
        List<String> scriptArgs = args.subList(i + 1, args.size());
        try {
            Path dir = vagga.image.ProjectPaths.ensureDir(config.projectRoot(), ".vagga/.cache/capsule-scripts");
            Path cached = dir.resolve(hex(sha("url\0" + url)));
            if (!Files.isRegularFile(cached)) {
                Path tmp = dir.resolve(".tmp." + cached.getFileName() + "." + ProcessHandle.current().pid());
                try (InputStream in = open(url, config, inv)) {
                    Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                Files.move(tmp, cached, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            if (sha256 != null) {
                String got = hex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(cached)));
                if (!got.equals(sha256)) {
                    Files.deleteIfExists(cached);
                    inv.err().println("Hashsum mismatch: expected " + sha256 + " but was " + got + " (" + url + ")");
                    return ExitCodes.RUNTIME_ERROR;
                }
            }
            List<String> argv = new ArrayList<>(List.of("/bin/sh", cached.toString()));
            argv.addAll(scriptArgs);
            inv.out().flush();
            Process p = new ProcessBuilder(argv).directory(inv.cwd().toFile()).inheritIO().start();
            return p.waitFor();
        } catch (IOException e) {
            inv.err().println("Error fetching script " + url + ": " + vagga.image.ProjectPaths.describe(e));
            return ExitCodes.RUNTIME_ERROR;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.RUNTIME_ERROR;
        }
    }

    /** http(s) URLs, file: URLs, and paths (relative to the current directory). */
    private static InputStream open(String url, Config config, Invocation inv) throws IOException {
        if (url.startsWith("http://") || url.startsWith("https://") || url.startsWith("file:")) {
            return URI.create(url).toURL().openStream();
        }
        return Files.newInputStream(inv.cwd().resolve(url));
    }

    private static byte[] sha(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
