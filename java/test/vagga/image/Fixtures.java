// Builds config model records for the build tests without going through vagga.yaml.
package vagga.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vagga.config.BuildStep;
import vagga.config.CommandSpec;
import vagga.config.Config;
import vagga.config.Container;
import vagga.config.Position;
import vagga.config.Run;
import vagga.config.Volume;
import vagga.config.WriteMode;

public final class Fixtures {
    public static final Position AT = new Position("vagga.yaml", 3, 5);

    private Fixtures() {}

    /**
     * A root under {@code tmp} whose {@code file} (e.g. "etc/lsb-release") is a link to an absolute
     * host path holding {@code hostText}; the same path inside the root holds {@code imageText}.
     */
    public static Path rootLinkingToHost(Path tmp, String file, String hostText, String imageText) throws IOException {
        Path host = Files.writeString(tmp.resolve("host-" + Path.of(file).getFileName()), hostText);
        Path root = tmp.resolve("root");
        Path inImage = root.resolve(host.toString().substring(1));
        Files.createDirectories(inImage.getParent());
        Files.writeString(inImage, imageText);
        Files.createDirectories(root.resolve(file).getParent());
        Files.createSymbolicLink(root.resolve(file), host);
        return root;
    }

    public static Container container(String name, List<BuildStep> setup) {
        return container(name, setup, Map.of());
    }

    public static Container container(String name, List<BuildStep> setup, Map<String, Volume> volumes) {
        return new Container(name, AT, setup, Map.of(), volumes, Container.DEFAULT_SHELL, List.of(), List.of(),
                null, null);
    }

    public static Config config(Path project, Container... containers) {
        Map<String, Container> map = new LinkedHashMap<>();
        for (Container c : containers) {
            map.put(c.name(), c);
        }
        return new Config(project.resolve("vagga.yaml"), project, map, Map.of());
    }

    public static CommandSpec command(String container, Map<String, Volume> volumes) {
        return new CommandSpec(AT, container, Run.shell("true"), Map.of(), null, volumes, 0, 0, List.of(), null,
                WriteMode.READ_ONLY, List.of(), null, null, List.of(), null, false, List.of(), null, null, null);
    }

    /** A tarball of {@code dir}'s contents (entries "./..."), compressed by tar's -a from the name. */
    public static Path tarball(Path dir, Path archive) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("tar", "-c", "-a", "-f", archive.toString(), "-C", dir.toString(), ".")
                .inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("tar failed");
        }
        return archive;
    }

    public static Path write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }
}
