// A container's root as vagga's tar, or as a docker-archive image that `podman load` / `docker load` accept.
package vagga.export;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import vagga.config.Container;
import vagga.launch.Environment;

/**
 * Both forms are written by the host's {@code tar} (as vagga runs busybox tar): {@code -C ROOT .},
 * owners as numbers. The docker-archive ({@code --oci}) is one layer, the root, plus an image config
 * carrying the container's environment, {@code /work} as work dir and user 0:0, and a manifest
 * naming the image {@link #imageName}; a compressed archive is fine for both loaders.
 */
public final class ImagePack {
    private ImagePack() {}

    /** Where the project is mounted in every container, and so the image's work dir. */
    public static final String WORK = "/work";

    /**
     * The name _export's files use for a container's image: {@code localhost/vagga/NAME:HASH}, HASH the
     * short version hash (so an image of an older definition is not taken for the current one).
     * Image names are lower case: other characters become {@code -}.
     */
    public static String imageName(String container, String shortHash) {
        String repo = container.toLowerCase().replaceAll("[^a-z0-9._-]", "-").replaceAll("^[._-]+", "");
        return "localhost/vagga/" + (repo.isEmpty() ? "container" : repo) + ":" + shortHash;
    }

    /** The environment every process of the container starts with (before its command's own). */
    public static Map<String, String> environ(Container container) {
        Map<String, String> env = new LinkedHashMap<>(Environment.forRun(Environment.Caller.of(Map.of()),
                container.environ()));
        env.remove("TERM"); // the engine sets it when it gives a terminal
        return env;
    }

    /**
     * vagga's {@code _pack_image}: a tar of {@code root} to {@code file}, or to {@code stdout} when file
     * is null. Returns tar's exit status.
     */
    public static int packRoot(Path root, Compression compression, Path file, OutputStream stdout)
            throws ExportException {
        List<String> argv = tarCommand(compression, file);
        argv.addAll(List.of("-C", root.toString(), "."));
        return runTar(argv, stdout);
    }

    /** {@code _pack_image --oci}: the docker-archive image. Returns tar's exit status. */
    public static int packImage(Path root, Container container, String imageName, Compression compression,
                                Path file, OutputStream stdout, Path scratchParent) throws ExportException {
        Path scratch;
        try {
            Files.createDirectories(scratchParent);
            scratch = Files.createTempDirectory(scratchParent, ".pack-image-");
        } catch (IOException e) {
            throw new ExportException("vagga _pack_image: cannot create a directory in " + scratchParent + ": " + e.getMessage());
        }
        try {
            Path layer = scratch.resolve("layer.tar");
            int code = runTar(new ArrayList<>(List.of("tar", "-c", "--numeric-owner", "-f", layer.toString(),
                    "-C", root.toString(), ".")), null);
            if (code != 0) {
                return code;
            }
            String layerHex = sha256(layer);
            Path layerDir = scratch.resolve(layerHex);
            Files.createDirectory(layerDir);
            Files.move(layer, layerDir.resolve("layer.tar"));
            byte[] config = YamlText.json(imageConfig(container, layerHex)).getBytes(StandardCharsets.UTF_8);
            String configHex = HexFormat.of().formatHex(digest().digest(config));
            Files.write(scratch.resolve(configHex + ".json"), config);
            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("Config", configHex + ".json");
            manifest.put("RepoTags", List.of(imageName));
            manifest.put("Layers", List.of(layerHex + "/layer.tar"));
            Files.writeString(scratch.resolve("manifest.json"), YamlText.json(List.of(manifest)));
            List<String> argv = tarCommand(compression, file);
            argv.addAll(List.of("--owner=0", "--group=0", "-C", scratch.toString(),
                    "manifest.json", configHex + ".json", layerHex));
            return runTar(argv, stdout);
        } catch (IOException e) {
            throw new ExportException("vagga _pack_image: " + e.getMessage());
        } finally {
            removeTree(scratch);
        }
    }

    /** The image config (OCI / docker image spec): one layer, the container's environ, /work, 0:0. */
    static Map<String, Object> imageConfig(Container container, String layerHex) {
        List<String> env = new ArrayList<>();
        environ(container).forEach((k, v) -> env.add(k + "=" + v));
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("Env", env);
        cfg.put("WorkingDir", WORK);
        cfg.put("User", "0:0");
        cfg.put("Labels", Map.of("org.vagga.container", container.name()));
        Map<String, Object> image = new LinkedHashMap<>();
        image.put("architecture", architecture());
        image.put("os", "linux");
        image.put("config", cfg);
        Map<String, Object> rootfs = new LinkedHashMap<>();
        rootfs.put("type", "layers");
        rootfs.put("diff_ids", List.of("sha256:" + layerHex));
        image.put("rootfs", rootfs);
        image.put("history", List.of(Map.of("created_by", "vagga _pack_image --oci " + container.name())));
        return image;
    }

    private static String architecture() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> arch;
        };
    }

    private static List<String> tarCommand(Compression compression, Path file) {
        List<String> argv = new ArrayList<>(List.of("tar", "-c", "--numeric-owner"));
        if (compression != null) {
            argv.add(compression.tarOption());
        }
        argv.addAll(List.of("-f", file == null ? "-" : file.toString()));
        return argv;
    }

    /** Runs tar; its stdout goes to {@code stdout} when that is given, its stderr to ours. */
    private static int runTar(List<String> argv, OutputStream stdout) throws ExportException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        if (stdout == null) {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        try {
            Process p = pb.start();
            if (stdout != null) {
                try (InputStream in = p.getInputStream()) {
                    in.transferTo(stdout);
                }
                stdout.flush();
            }
            return p.waitFor();
        } catch (IOException e) {
            throw new ExportException("vagga _pack_image: cannot run " + argv.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExportException("vagga _pack_image: interrupted");
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest d = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void removeTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a leftover scratch directory under .vagga is harmless
        }
    }
}
