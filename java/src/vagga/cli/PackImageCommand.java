// vagga _pack_image CONTAINER [-f FILE] [-z|-j|-J] [--oci]: the container's root as a tar (ours: an image).
package vagga.cli;

import java.nio.file.Path;
import java.util.List;

import vagga.config.Config;
import vagga.config.Container;
import vagga.export.Compression;
import vagga.export.ExportException;
import vagga.export.ImagePack;
import vagga.image.BuildException;
import vagga.image.BuildMode;
import vagga.image.ContainerBuilder;
import vagga.image.VersionHash;
import vagga.plan.ExitCodes;

/**
 * As vagga: the container is built first when needed, {@code -f FILE} is relative to the project root
 * (vagga writes to /work/FILE), without it the tar goes to stdout; {@code -z/-j/-J} filter it through
 * gzip/bzip2/xz; --no-build/--no-version-check as for _run; the exit code is tar's. Bad arguments: 122;
 * unknown container, build failure: 121; not built with --no-build: 29.
 */
final class PackImageCommand {
    private PackImageCommand() {}

    static final String USAGE = "Usage: vagga _pack_image [-f FILE] [-z|-j|-J] [--oci] [--no-build|--no-version-check] CONTAINER";

    private static final String HELP = USAGE + "\n\n"
            + "Packs the container's root into a tar archive (on stdout without -f).\n\n"
            + "Optional arguments:\n"
            + "  -h,--help      show this help message and exit\n"
            + "  -f,--file FILE File to store tar archive at (relative to the project root)\n"
            + "  -z,--gzip      Filter the image through gzip.\n"
            + "  -j,--bzip2     Filter the image through bzip2.\n"
            + "  -J,--xz        Filter the image through xz.\n"
            + "  --oci          Ours: an image archive (docker-archive) for `podman load` / `docker load`,\n"
            + "                 named " + ImagePack.imageName("CONTAINER", "HASH") + "\n"
            + "  --no-image     Do not download the container image from an image index\n"
            + "  --no-build     Do not build the container; exit 29 when it is out of date\n"
            + "  --no-version-check  Pack whatever .vagga/CONTAINER points at (implies --no-build)";

    static int run(Invocation inv, Config config, List<String> args) {
        String name = null;
        String file = null;
        Compression compression = null;
        boolean oci = false;
        BuildMode mode = inv.options().buildMode();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "-h", "--help" -> {
                    inv.out().println(HELP);
                    return ExitCodes.OK;
                }
                case "-z", "--gzip" -> compression = Compression.GZIP;
                case "-j", "--bzip2" -> compression = Compression.BZIP2;
                case "-J", "--xz" -> compression = Compression.XZ;
                case "--oci" -> oci = true;
                case "-f", "--file" -> {
                    if (i + 1 >= args.size()) {
                        return usage(inv, "option " + a + " needs a file name");
                    }
                    file = args.get(++i);
                }
                default -> {
                    BuildMode asked = BuildMode.ofOption(a);
                    if (asked != null) {
                        mode = asked;
                    } else if (a.startsWith("--file=")) {
                        file = a.substring("--file=".length());
                    } else if (a.startsWith("-f") && a.length() > 2) {
                        file = a.substring(2);
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
        Container container = config.containers().get(name);
        if (container == null) {
            inv.err().println(config.containerNotFound(name, null));
            return ExitCodes.RUNTIME_ERROR;
        }
        if (container.isHostRoot()) {
            inv.err().println("vagga _pack_image: container \"" + name + "\" is !HostRoot: its root is the host's own "
                    + "directories, nothing is built to pack");
            inv.err().println("hint: pack a container built from steps (!Debian, !Ubuntu, !Tar, ...)");
            return ExitCodes.RUNTIME_ERROR;
        }
        String named = name;
        Path target = file == null ? null : config.projectRoot().resolve(file);
        Compression filter = compression;
        boolean asImage = oci;
        BuildMode asked = mode;
        return BuildExits.build(inv, () -> pack(inv, config, named, container, asked, target, filter, asImage));
    }

    /** Builds when needed, then writes the tar (or the image): tar's code. */
    private static int pack(Invocation inv, Config config, String name, Container container, BuildMode mode,
                            Path target, Compression compression, boolean oci) throws BuildException, ExportException {
        try (ContainerBuilder builder = new ContainerBuilder(null, Runs.caller(inv, config)).mode(mode)) {
            Path root = builder.ensureBuilt(config, name, false, new ProgressLines(inv.err()));
            if (compression != null) {
                inv.err().println("Compressing the image... This may take a few minutes.");
            }
            if (!oci) {
                return ImagePack.packRoot(root, compression, target, inv.out());
            }
            String image = ImagePack.imageName(name, new VersionHash(config).shortOf(name));
            int code = ImagePack.packImage(root, container, image, compression, target, inv.out(),
                    ContainerBuilder.vaggaDir(config.projectRoot()));
            if (code == 0) {
                inv.err().println("vagga _pack_image: image " + image);
            }
            return code;
        }
    }

    private static int usage(Invocation inv, String message) {
        inv.err().println(USAGE);
        inv.err().println("vagga _pack_image: " + message);
        return ExitCodes.BAD_ARGUMENTS;
    }
}
