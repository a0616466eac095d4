// The family of steps about containers and the build itself: !Build, !SubConfig, !RunAs, !CacheDirs.
package vagga.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import vagga.config.BuildStep;
import vagga.config.Config;
import vagga.config.ConfigException;
import vagga.config.ConfigLoader;
import vagga.config.Container;

final class ContainerSteps implements BuilderFamily {
    private final SourceSteps sources = new SourceSteps();

    @Override
    public boolean builds(BuildStep step) {
        return step instanceof BuildStep.Declared d && switch (d.tag()) {
            case "Build", "SubConfig", "RunAs", "CacheDirs" -> true;
            default -> false;
        };
    }

    @Override
    public void run(BuildStep s, BuildContext ctx) throws StepFailure, BuildException, IOException, InterruptedException {
        BuildStep.Declared step = (BuildStep.Declared) s;
        switch (step.tag()) {
            case "CacheDirs" -> {
                for (Map.Entry<String, String> e : step.pathMap().entrySet()) {
                    ctx.cacheMount(e.getKey(), e.getValue());
                }
            }
            case "RunAs" -> {
                List<Integer> groups = step.strings("supplementary-gids").stream().map(Integer::parseUnsignedInt)
                        .toList();
                ctx.run(new StepCommand(List.of("/bin/sh", "-exc", step.string("script")), step.string("work-dir"),
                        Map.of(), Integer.parseUnsignedInt(step.string("user-id")),
                        Integer.parseUnsignedInt(step.string("group-id")), groups, step.flag("isolate-network"),
                        step.string("external-user-id") == null ? null
                                : Integer.parseUnsignedInt(step.string("external-user-id"))));
            }
            case "Build" -> buildFrom(step, ctx);
            case "SubConfig" -> subConfig(step, ctx);
            default -> throw new IllegalArgumentException(step.tag());
        }
    }

    /** vagga's !Build: a part of another container's root, copied in or mounted read-only. */
    private static void buildFrom(BuildStep.Declared step, BuildContext ctx)
            throws IOException, StepFailure, InterruptedException, BuildException {
        Path other = ctx.base(step.string("container"));
        Path source = RootPath.resolve(other, step.string("source"), true);
        if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new StepFailure("source " + step.string("source") + " does not exist in container \""
                    + step.string("container") + "\"");
        }
        if (step.string("path") != null) {
            Path dest = RootPath.resolve(ctx.root(), step.string("path"), true);
            if (Files.isDirectory(source)) {
                Files.createDirectories(dest);
                ctx.runOnHost(List.of("cp", "-a", source + "/.", dest + "/"), "cp");
            } else {
                Files.createDirectories(dest.getParent());
                ctx.runOnHost(List.of("cp", "-a", source.toString(), dest.toString()), "cp");
            }
        } else if (step.string("temporary-mount") != null) {
            ctx.buildMount(source, step.string("temporary-mount"), true);
        } else {
            throw new StepFailure("!Build needs path or temporary-mount");
        }
    }

    /** vagga's !SubConfig: the steps of a container of another config file, run in this build. */
    private void subConfig(BuildStep.Declared step, BuildContext ctx)
            throws IOException, StepFailure, InterruptedException, BuildException {
        Path file = sources.subConfigFile(step, ctx);
        Container c;
        try {
            c = subConfigContainer(step, file, ctx.project());
        } catch (IOException e) {
            throw new StepFailure(e.getMessage());
        }
        for (BuildStep inner : c.setup()) {
            if (inner instanceof BuildStep.Unsupported || inner instanceof BuildStep.HostRoot) {
                throw new StepFailure(inner.position() + ": " + BuildText.notSupported(ctx.container(), inner.tag()));
            }
            ctx.note(StepLabel.of(inner));
            ctx.runStep(inner);
        }
    }

    /**
     * The container a !SubConfig names, read from {@code file}; the build and the version hash share it. A file
     * that is missing is vagga's {@code /work/PATH: Error reading file: ...} (quire's wording), with the path as
     * vagga shows it inside its build.
     */
    static Container subConfigContainer(BuildStep.Declared step, Path file, Path project) throws IOException {
        String path = step.string("path");
        Map<?, ?> source = (Map<?, ?>) step.options().get("source");
        if (!Files.exists(file)) {
            String shown = "Directory".equals(source.get("kind")) ? "/work/" + path.replaceFirst("^/+", "") : path;
            throw new IOException(shown + ": Error reading file: No such file or directory (os error 2)");
        }
        Config sub;
        try {
            sub = ConfigLoader.loadFile(file, project);
        } catch (ConfigException e) {
            throw new IOException("cannot read " + path + ":\n" + String.join("\n", e.problems()));
        }
        Container c = sub.containers().get(step.string("container"));
        if (c == null) {
            throw new IOException("container \"" + step.string("container") + "\" not found in " + path);
        }
        return c;
    }
}
