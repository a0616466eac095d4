// The family of steps that bring outside sources in: !TarInstall, !Unzip, !Git, !GitInstall, !GitDescribe.
package vagga.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import vagga.config.BuildStep;

/**
 * As vagga: archives are unpacked and repositories checked out by vagga itself (host tools:
 * tar, unzip, git), never by tools inside the container, which may have none of them. A git
 * repository is cloned once (bare) into vagga's cache directory {@code git/} and fetched again
 * at each build that needs it; the checkout is a {@code git archive} of the wanted revision, so the
 * cached clone has no work tree or index that two builds could fight over.
 */
final class SourceSteps implements BuilderFamily {
    private BuildContext ctx;
    private Path scratch;

    @Override
    public boolean builds(BuildStep step) {
        return step instanceof BuildStep.Declared d && switch (d.tag()) {
            case "TarInstall", "Unzip", "Git", "GitInstall", "GitDescribe" -> true;
            default -> false;
        };
    }

    @Override
    public void run(BuildStep s, BuildContext ctx) throws StepFailure, BuildException, IOException, InterruptedException {
        use(ctx);
        BuildStep.Declared step = (BuildStep.Declared) s;
        switch (step.tag()) {
            case "TarInstall" -> tarInstall(step);
            case "Unzip" -> unzip(step);
            case "Git" -> {
                Path dest = RootPath.resolve(ctx.root(), step.string("path"), true);
                checkout(step.string("url"), step.string("revision"), step.string("branch"), dest);
            }
            case "GitInstall" -> gitInstall(step);
            case "GitDescribe" -> gitDescribe(step);
            default -> throw new IllegalArgumentException(step.tag());
        }
    }

    private void use(BuildContext ctx) throws IOException {
        this.ctx = ctx;
        this.scratch = ctx.scratch("sources");
    }

    /** vagga: unpack into /tmp/<archive name>, run the script in its only directory (or subdir). */
    private void tarInstall(BuildStep.Declared step)
            throws IOException, StepFailure, InterruptedException {
        Path archive = ctx.fetch(step.string("url"), step.string("sha256"));
        String dirName = archive.getFileName().toString();
        Path into = ctx.inRoot("/tmp/" + dirName); // unpacked as root: never through a link to the host
        Files.createDirectories(into);
        ContainerBuilder.setMode(into, 0755);
        HostTool.run(List.of("tar", "-x", "-f", archive.toString(), "-C", into.toString(), "--numeric-owner"),
                "tar");
        String subdir = step.string("subdir");
        String workDir;
        if (subdir != null) {
            workDir = "/tmp/" + dirName + "/" + subdir;
        } else {
            List<Path> items;
            try (Stream<Path> s = Files.list(into)) {
                items = s.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
            }
            if (items.isEmpty()) {
                throw new StepFailure("the archive " + step.string("url") + " is empty");
            }
            if (items.size() > 1) {
                throw new StepFailure("the archive " + step.string("url") + " holds " + items.size()
                        + " entries at its top; say which directory to run the script in with subdir"
                        + " (\".\" for the top)");
            }
            workDir = "/tmp/" + dirName + "/" + items.get(0).getFileName();
        }
        ctx.run(StepCommand.shell(step.string("script"), workDir));
    }

    /** Unzips into a staging directory, then moves the wanted subdir over the destination. */
    private void unzip(BuildStep.Declared step) throws IOException, StepFailure, InterruptedException {
        Path archive = ctx.fetch(step.string("url"), step.string("sha256"));
        Path staging = scratch.resolve("unzip-staging");
        FileTrees.delete(staging);
        Files.createDirectories(staging);
        try {
            HostTool.run(List.of("unzip", "-q", "-o", archive.toString(), "-d", staging.toString()), "unzip");
            Path from = staging;
            String subdir = step.string("subdir");
            if (subdir != null && !subdir.isEmpty() && !subdir.equals(".")) {
                from = staging.resolve(subdir).normalize();
                if (!from.startsWith(staging) || !Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
                    throw new StepFailure("\"" + subdir + "\" is not found in archive " + step.string("url"));
                }
            }
            Path dest = RootPath.resolve(ctx.root(), step.string("path"), true);
            Files.createDirectories(dest);
            FileTrees.mergeMove(from, dest);
        } finally {
            FileTrees.delete(staging);
        }
    }

    private void gitInstall(BuildStep.Declared step)
            throws IOException, StepFailure, InterruptedException {
        Path clone = gitCache(step.string("url"));
        String dirName = clone.getFileName().toString();
        Path dest = ctx.inRoot("/tmp/" + dirName);
        checkout(step.string("url"), step.string("revision"), step.string("branch"), dest);
        ctx.run(StepCommand.shell(step.string("script"), "/tmp/" + dirName + "/" + step.string("subdir")));
    }

    private void gitDescribe(BuildStep.Declared step) throws IOException, StepFailure, InterruptedException {
        String output = step.string("output-file");
        if (output == null) {
            return; // only the version hash reads it
        }
        String described = describe(ctx.project(), step);
        Path file = RootPath.resolve(ctx.root(), output, true);
        Files.createDirectories(file.getParent());
        Files.writeString(file, described, StandardCharsets.UTF_8);
    }

    /**
     * The file of a !SubConfig on the host: in the project (!Directory), in another container's
     * root (!Container NAME, built first), or in a checkout of a repository (!Git).
     */
    @SuppressWarnings("unchecked")
    Path subConfigFile(BuildStep.Declared step, BuildContext ctx)
            throws IOException, StepFailure, InterruptedException, BuildException {
        use(ctx);
        Map<String, Object> source = (Map<String, Object>) step.options().get("source");
        String path = step.string("path");
        return switch ((String) source.get("kind")) {
            case "Container" -> RootPath.resolve(ctx.base((String) source.get("name")), path, true);
            case "Git" -> {
                Path dest = scratch.resolve("subconfig-" + Integer.toHexString(step.hashCode()));
                FileTrees.delete(dest);
                checkout((String) source.get("url"), (String) source.get("revision"), (String) source.get("branch"),
                        dest);
                yield ProjectPaths.inProject(dest, path);
            }
            default -> ProjectPaths.inProject(ctx.project(), path);
        };
    }

    /** {@code git describe} of the step's repo (relative paths and /work are the project). */
    static String describe(Path project, BuildStep.Declared step) throws IOException, StepFailure, InterruptedException {
        String repo = step.string("repo");
        Path dir = repo.equals("/work") || repo.startsWith("/work/")
                ? project.resolve(repo.substring("/work".length()).replaceFirst("^/", ""))
                : repo.startsWith("/") ? Path.of(repo) : project.resolve(repo);
        List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString(), "describe"));
        if (step.string("pattern") != null) {
            argv.add("--match");
            argv.add(step.string("pattern"));
        }
        return HostTool.output(argv, "git describe").strip();
    }

    /** The revision (or branch, or HEAD) of the repository at {@code url}, unpacked into {@code dest}. */
    private void checkout(String url, String revision, String branch, Path dest)
            throws IOException, StepFailure, InterruptedException {
        Path clone = gitCache(url);
        String rev = revision != null ? revision : branch != null ? branch : "HEAD";
        Files.createDirectories(scratch);
        Path tar = scratch.resolve("git-archive.tar");
        try {
            HostTool.run(List.of("git", "--git-dir", clone.toString(), "archive", "--format=tar",
                    "--output=" + tar, rev + "^{tree}"), "git archive " + rev);
            Files.createDirectories(dest);
            HostTool.run(List.of("tar", "-x", "-f", tar.toString(), "-C", dest.toString(), "--numeric-owner"), "tar");
        } finally {
            Files.deleteIfExists(tar);
        }
    }

    /** vagga's cache/git/<url with / and % escaped>: cloned bare once, fetched at each use. */
    private Path gitCache(String url) throws IOException, StepFailure, InterruptedException {
        Path dir = ctx.cacheDir("git");
        String name = url.replace("%", "%25").replace("/", "%2F");
        Path clone = dir.resolve(name);
        String source = Fetch.isLocal(url) ? Fetch.localPath(ctx.project(), url).toString() : url;
        if (Files.isDirectory(clone)) {
            ctx.note("git fetch " + url);
            HostTool.run(List.of("git", "--git-dir", clone.toString(), "fetch", "--quiet", "--force", "--tags",
                    source, "+refs/heads/*:refs/heads/*"), "git fetch " + url);
        } else {
            ctx.note("git clone " + url);
            // a clone killed half-way leaves only its .tmp directory, removed by the next one
            Path tmp = dir.resolve(".tmp." + name);
            FileTrees.delete(tmp);
            HostTool.run(List.of("git", "clone", "--quiet", "--bare", source, tmp.toString()), "git clone " + url);
            Files.move(tmp, clone, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return clone;
    }
}
