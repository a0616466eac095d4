// Installs the distribution's packages that language steps need (python, pip, node, npm, git).
package vagga.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * vagga's packages::ensure_packages for the features of the language steps: a feature whose
 * program is already in the root costs nothing; the others are installed by the container's
 * {@link Distribution} (!Debian, !Ubuntu, !Alpine) when a step set one up, otherwise (a root from
 * !Tar) with the root's own package manager (apt-get on Debian and Ubuntu, apk on Alpine). A root with neither is an error naming the features, so the user can install them
 * with !Sh and turn install-python / install-node off.
 */
final class DistroPackages {
    /** feature -> the file that shows it is there, the Debian package, the Alpine package. */
    private record Feature(String probe, String debian, String alpine) {}

    private static final Map<String, Feature> FEATURES = Map.ofEntries(
            Map.entry("python3", new Feature("usr/bin/python3", "python3", "python3")),
            Map.entry("pip3", new Feature("usr/lib/python3/dist-packages/pip", "python3-pip", "py3-pip")),
            Map.entry("python2", new Feature("usr/bin/python2", "python2", "python2")),
            Map.entry("pip2", new Feature("usr/lib/python2.7/dist-packages/pip", "python-pip", "py2-pip")),
            Map.entry("nodejs", new Feature("usr/bin/node", "nodejs", "nodejs")),
            Map.entry("npm", new Feature("usr/bin/npm", "npm", "npm")),
            Map.entry("git", new Feature("usr/bin/git", "git", "git")),
            Map.entry("https", new Feature("etc/ssl/certs/ca-certificates.crt", "ca-certificates", "ca-certificates")),
            Map.entry("unzip", new Feature("usr/bin/unzip", "unzip", "unzip")),
            Map.entry("php", new Feature("usr/bin/php", "php-cli", "php")),
            Map.entry("composer", new Feature("usr/bin/composer", "composer", "composer")),
            Map.entry("ruby", new Feature("usr/bin/ruby", "ruby", "ruby")),
            Map.entry("bundler", new Feature("usr/bin/bundle", "bundler", "ruby-bundler")));

    private boolean aptUpdated;

    void ensure(BuildContext ctx, List<String> features) throws IOException, StepFailure, InterruptedException {
        Path root = ctx.root();
        List<Feature> missing = new ArrayList<>();
        for (String name : features) {
            Feature f = FEATURES.get(name);
            if (f == null) {
                throw new IllegalArgumentException(name);
            }
            // Alpine's pip lives under usr/lib/python3.X/site-packages: the program is enough there
            boolean there = Files.exists(root.resolve(f.probe()))
                    || name.startsWith("pip") && Files.exists(root.resolve("usr/bin/" + name));
            if (!there) {
                missing.add(f);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        Distribution distribution = ctx.distribution();
        if (distribution != null) {
            boolean alpine = distribution.name().equals("Alpine");
            distribution.install(ctx, missing.stream().map(f -> alpine ? f.alpine() : f.debian()).toList());
        } else if (Files.exists(root.resolve("etc/debian_version"))) {
            List<String> argv = new ArrayList<>(List.of("apt-get", "install", "-y", "--no-install-recommends"));
            missing.forEach(f -> argv.add(f.debian()));
            Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
            if (!aptUpdated) {
                ctx.run(StepCommand.of(List.of("apt-get", "update"), "/").withEnv(env));
                aptUpdated = true;
            }
            ctx.run(StepCommand.of(argv, "/").withEnv(env));
        } else if (Files.exists(root.resolve("etc/alpine-release"))) {
            List<String> argv = new ArrayList<>(List.of("apk", "add", "--no-cache"));
            missing.forEach(f -> argv.add(f.alpine()));
            ctx.run(StepCommand.of(argv, "/"));
        } else {
            throw new StepFailure("this container has no distribution vagga knows (Debian, Ubuntu, Alpine) to "
                    + "install " + String.join(", ", missing.stream().map(Feature::debian).toList())
                    + " from; install them in an earlier step and set install-python/install-node to false");
        }
    }
}
