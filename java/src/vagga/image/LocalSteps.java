// The local build steps (SPEC 1.5): !Tar, !Container, !Sh, !Cmd, !Env, !Text, !Copy, !EnsureDir, !Remove, ...
package vagga.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import vagga.config.BuildStep;

/** The first builder family: steps that need no distribution and no package manager. */
final class LocalSteps implements BuilderFamily {
    @Override
    public boolean builds(BuildStep step) {
        return step instanceof BuildStep.Tar || step instanceof BuildStep.ContainerStep
                || step instanceof BuildStep.Sh || step instanceof BuildStep.Cmd
                || step instanceof BuildStep.Env || step instanceof BuildStep.Text
                || step instanceof BuildStep.Copy || step instanceof BuildStep.EnsureDir
                || step instanceof BuildStep.Remove || step instanceof BuildStep.Depends
                || step instanceof BuildStep.Download || step instanceof BuildStep.EmptyDir;
    }

    @Override
    public void run(BuildStep step, BuildContext ctx)
            throws StepFailure, BuildException, IOException, InterruptedException {
        Path root = ctx.root();
        if (step instanceof BuildStep.Tar t) {
            Path file = ctx.fetch(t.url(), t.sha256());
            extract(ctx, file, t.path() == null ? "/" : t.path(), t.subdir());
        } else if (step instanceof BuildStep.ContainerStep s) {
            Path base = ctx.base(s.name());
            // cp -a keeps hard links, device nodes, xattrs and owners, which Files.copy does not.
            ctx.runOnHost(List.of("cp", "-a", base + "/.", root + "/"), "cp");
            inheritFrom(ctx, base);
        } else if (step instanceof BuildStep.Sh s) {
            ctx.run(List.of("/bin/sh", "-exc", s.script()));
        } else if (step instanceof BuildStep.Cmd s) {
            ctx.run(s.argv());
        } else if (step instanceof BuildStep.Env s) {
            ctx.environ().putAll(s.vars());
        } else if (step instanceof BuildStep.Text s) {
            for (Map.Entry<String, String> e : s.files().entrySet()) {
                Path file = RootPath.resolve(root, e.getKey(), true);
                Files.createDirectories(file.getParent());
                Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
                ContainerBuilder.setMode(file, 0644);
            }
        } else if (step instanceof BuildStep.Copy s) {
            Path source = ProjectPaths.workSource(ctx.project(), s.source());
            boolean inContainer = source == null;
            if (inContainer) {
                source = RootPath.resolve(root, s.source(), true);
            }
            if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
                throw new StepFailure(inContainer ? BuildText.containerSourceMissing(s.source())
                        : BuildText.sourceMissing(s.source()));
            }
            if (inContainer && Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS) && FileTrees.isEmptyDir(source)) {
                ctx.note(BuildText.copiesNothing(s.source()));
            }
            Path dest = RootPath.resolve(root, s.path(), true);
            Files.createDirectories(dest.getParent());
            FileTrees.copy(source, dest, new CopyOptions(filter(ctx, s.rules(), s.noDefaultRules(), s.ignoreRegex(),
                    s.includeRegex()), s.ownerUid(), s.ownerGid(), s.umask(), s.preservePermissions(),
                    s.preserveTimes()));
        } else if (step instanceof BuildStep.EnsureDir s) {
            Files.createDirectories(RootPath.resolve(root, s.path(), true));
        } else if (step instanceof BuildStep.Remove s) {
            FileTrees.delete(RootPath.resolve(root, s.path(), false));
            ctx.removeAtEnd(s.path());
        } else if (step instanceof BuildStep.EmptyDir s) {
            emptyDir(RootPath.resolve(root, s.path(), false), s.path());
        } else if (step instanceof BuildStep.Depends s) {
            // only part of the version hash; vagga checks (and warns about) its rules at build time too
            filter(ctx, s.rules(), s.noDefaultRules(), s.ignoreRegex(), s.includeRegex());
        } else if (step instanceof BuildStep.Download s) {
            Path file = ctx.fetch(s.url(), s.sha256());
            Path dest = RootPath.resolve(root, s.path(), true);
            Files.createDirectories(dest.getParent());
            Files.copy(file, dest, StandardCopyOption.REPLACE_EXISTING);
            ContainerBuilder.setMode(dest, s.mode());
        }
    }

    /** vagga's clean_dir(path, false): a missing path is nothing to do; the directory itself stays. */
    private static void emptyDir(Path dir, String path) throws StepFailure, IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new StepFailure("!EmptyDir " + path + ": not a directory");
        }
        List<Path> children;
        try (var list = Files.list(dir)) {
            children = list.toList();
        }
        for (Path child : children) {
            FileTrees.delete(child);
        }
    }

    /** vagga's create_path_filter with its warning when rules include nothing. */
    private static PathFilter filter(BuildContext ctx, List<String> rules, Boolean noDefaultRules, String ignoreRegex,
                                     String includeRegex) throws StepFailure {
        PathFilter filter;
        try {
            filter = PathFilter.of(rules, noDefaultRules, ignoreRegex, includeRegex);
        } catch (IllegalArgumentException e) {
            throw new StepFailure(e.getMessage());
        }
        if (PathFilter.lacksIncludeRules(rules)) {
            ctx.note(BuildText.NO_INCLUDE_RULES);
        }
        return filter;
    }

    /** Every local step: what they leave outside the root is !Env's variables, !Remove's paths, a base's. */
    @Override
    public boolean replays(BuildStep step) {
        return builds(step);
    }

    @Override
    public void replay(BuildStep step, BuildContext ctx) throws StepFailure, BuildException, IOException {
        if (step instanceof BuildStep.ContainerStep s) {
            inheritFrom(ctx, ctx.base(s.name()));
        } else if (step instanceof BuildStep.Env s) {
            ctx.environ().putAll(s.vars());
        } else if (step instanceof BuildStep.Remove s) {
            ctx.removeAtEnd(s.path());
        }
    }

    /** A !Container base's variables, !Remove paths and distribution, carried on. */
    private static void inheritFrom(BuildContext ctx, Path base) throws StepFailure, IOException {
        ctx.environ().putAll(ContainerBuilder.buildEnviron(base));
        for (String path : ContainerBuilder.readRemoves(base.getParent())) {
            ctx.removeAtEnd(path);
        }
        vagga.image.distro.DistroSteps.inherit(ctx, base);
    }

    /** Unpacks with the system tar (it detects gzip/xz/bzip2 itself) into a staging dir,
     *  then moves the wanted subdir over the destination, merging directories. */
    private static void extract(BuildContext ctx, Path archive, String path, String subdir)
            throws IOException, StepFailure, InterruptedException {
        Path staging = ctx.scratch("tar-staging");
        FileTrees.delete(staging);
        Files.createDirectories(staging);
        try {
            List<String> argv = new ArrayList<>(List.of("tar", "-x", "-f", archive.toString(),
                    "-C", staging.toString(), "--numeric-owner"));
            ctx.runOnHost(argv, "tar");
            Path from = staging;
            if (subdir != null && !subdir.isEmpty() && !subdir.equals(".")) {
                from = staging.resolve(subdir).normalize();
                if (!from.startsWith(staging) || !Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
                    throw new StepFailure(BuildText.notADirectory(subdir, archive));
                }
            }
            FileTrees.mergeMove(from, RootPath.resolve(ctx.root(), path, true));
        } finally {
            FileTrees.delete(staging);
        }
    }
}
