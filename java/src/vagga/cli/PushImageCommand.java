// vagga _push_image CONTAINER: the container packed as image.tar.xz, then the push-image-script setting uploads it.
package vagga.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import vagga.config.Config;
import vagga.config.ConfigException;
import vagga.config.Container;
import vagga.config.Settings;
import vagga.export.Compression;
import vagga.export.ExportException;
import vagga.export.ImagePack;
import vagga.image.BuildException;
import vagga.image.BuildMode;
import vagga.image.ContainerBuilder;
import vagga.plan.ExitCodes;

/**
 * As vagga's {@code launcher/push.rs}: the container is built when needed, packed with xz into
 * {@code image.tar.xz} beside its root, and the setting {@code push-image-script} runs on the host
 * as {@code /bin/sh -exc SCRIPT} in the project directory, stdin closed, with the variables
 * {@code source_path} (the image, relative to the project: {@code .vagga/.roots/NAME.HASH/image.tar.xz},
 * through {@code .vagga/.lnk} with a storage-dir), {@code container_name} and {@code hash}; vagga's
 * documentation calls them {@code image_path} and {@code short_hash}, so those are set too. The image
 * is removed afterwards. The other side is a container's {@code image-cache-url}, which fetches
 * {@code ${container_name}.${short_hash}...} before a build.
 */
final class PushImageCommand {
    private PushImageCommand() {}

    static final String USAGE = "Usage: vagga _push_image [--no-build|--no-version-check] CONTAINER";

    static int run(Invocation inv, Config config, List<String> args) {
        String name = null;
        BuildMode mode = inv.options().buildMode();
        for (String a : args) {
            switch (a) {
                case "-h", "--help" -> {
                    inv.out().println(USAGE + "\n\nPushes the container's image (packed with xz) with the "
                            + "setting push-image-script.\n\nOptional arguments:\n"
                            + "  -h,--help      show this help message and exit\n"
                            + "  --no-image     Do not download the container image from an image index\n"
                            + "  --no-build     Do not build the container; exit 29 when it is out of date\n"
                            + "  --no-version-check  Push whatever .vagga/CONTAINER points at (implies --no-build)");
                    return ExitCodes.OK;
                }
                default -> {
                    BuildMode asked = BuildMode.ofOption(a);
                    if (asked != null) {
                        mode = asked;
                    } else if (a.startsWith("-") || name != null) {
                        return usage(inv, "unexpected argument \"" + a + "\"");
                    } else {
                        name = a;
                    }
                }
            }
        }
        if (name == null) {
            return usage(inv, "a container name is required");
        }
        Settings settings;
        try {
            settings = Settings.forRun(inv.env(), config.projectRoot());
        } catch (ConfigException e) {
            Dispatch.printProblems(inv.err(), e);
            return ExitCodes.CONFIG_ERROR;
        }
        Container container = config.containers().get(name);
        if (container == null) {
            inv.err().println(config.containerNotFound(name, null));
            return ExitCodes.RUNTIME_ERROR;
        }
        if (container.isHostRoot()) {
            inv.err().println("vagga _push_image: container \"" + name + "\" is !HostRoot: nothing is built to push");
            return ExitCodes.RUNTIME_ERROR;
        }
        String named = name;
        BuildMode asked = mode;
        return BuildExits.build(inv, () -> push(inv, config, settings, named, asked));
    }

    /** Builds when needed, packs, runs the script: 0 or 121. */
    private static int push(Invocation inv, Config config, Settings settings, String name, BuildMode mode)
            throws BuildException, ExportException {
        Path image;
        String version;
        try (ContainerBuilder builder = new ContainerBuilder(null, Runs.caller(inv, config)).mode(mode)) {
            Path root = builder.ensureBuilt(config, name, false, new ProgressLines(inv.err()));
            String dir = root.getParent().getFileName().toString();
            version = dir.substring(dir.lastIndexOf('.') + 1);
            image = root.getParent().resolve("image.tar.xz");
            inv.err().println("Compressing the image... This may take a few minutes.");
            int code = ImagePack.packRoot(root, Compression.XZ, image, inv.out());
            if (code != 0) {
                inv.err().println("Error when packing image: tar exited with code " + code);
                return ExitCodes.RUNTIME_ERROR;
            }
            if (settings.pushImageScript() == null) {
                inv.err().println("You should specify 'push-image-script' setting");
                Files.deleteIfExists(image);
                return ExitCodes.RUNTIME_ERROR;
            }
            String source = (settings.storageDir() != null ? ".vagga/.lnk/.roots/" : ".vagga/.roots/")
                    + dir + "/image.tar.xz";
            int pushed = upload(inv, config, settings.pushImageScript(), source, name, version);
            Files.deleteIfExists(image);
            return pushed;
        } catch (IOException e) {
            inv.err().println("Error when uploading image: " + vagga.image.ProjectPaths.describe(e));
            return ExitCodes.RUNTIME_ERROR;
        }
    }

    /** The script on the host, in the project directory; 0 or 121 with vagga's line. */
    private static int upload(Invocation inv, Config config, String script, String source, String name,
                              String hash) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-exc", script).directory(config.projectRoot().toFile())
                .inheritIO().redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(inv.env());
        env.put("source_path", source);
        env.put("image_path", source);
        env.put("container_name", name);
        env.put("hash", hash);
        env.put("short_hash", hash);
        inv.out().flush();
        inv.err().flush();
        try {
            int code = pb.start().waitFor();
            if (code != 0) {
                inv.err().println("Error when uploading image: the push-image-script exited with code " + code);
                return ExitCodes.RUNTIME_ERROR;
            }
            return ExitCodes.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.RUNTIME_ERROR;
        }
    }

    private static int usage(Invocation inv, String message) {
        inv.err().println(USAGE);
        inv.err().println("vagga _push_image: " + message);
        return ExitCodes.BAD_ARGUMENTS;
    }
}
