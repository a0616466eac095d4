// Installs the distribution's packages that language steps need (python, pip, node, npm, git, compilers).
package vagga.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * vagga's packages::ensure_packages for the features of the language steps. Each feature names,
 * per distribution, the packages kept in the image (vagga's system_deps) and the build
 * dependencies (vagga's build_deps: there during the build, removed at its end as !BuildDeps are,
 * unless an !Install names them). A feature whose program is already in the root costs nothing.
 * With a {@link Distribution} (!Debian, !Ubuntu, !Alpine, or a !Container built from one) that
 * distribution installs them; without one (a root from !Tar, where vagga refuses) the root's own
 * package manager (apt-get on Debian and Ubuntu, apk on Alpine) installs the packages of the
 * features that the step itself needs, kept, and none of the compilers and headers. A root with
 * neither is an error naming the features, so the user can install them with !Sh and turn
 * install-python / install-node off.
 */
final class DistroPackages {
    /**
     * One feature: the file that shows it is there (null: none), then per family the packages
     * kept and the build dependencies, space-separated; {@code compiling} features (compilers and
     * headers) are skipped without a distribution.
     */
    record Feature(String probe, String aptKeep, String aptBuild, String alpineKeep, String alpineBuild,
                   boolean compiling) {}

    /**
     * vagga's tables (ubuntu.rs and alpine.rs, build_deps and system_deps), in the order vagga's
     * steps ask for them. Ours: pip and bundler are the distribution's (vagga downloads get-pip.py and
     * runs gem install bundler), composer the distribution's (vagga downloads its installer), unzip a
     * build dependency of composer.
     */
    static final Map<String, Feature> FEATURES = Map.ofEntries(
            Map.entry("build-essential", new Feature(null, "", "build-essential ca-certificates", "",
                    "build-base ca-certificates", true)),
            Map.entry("https", new Feature(null, "", "ca-certificates", "", "ca-certificates", false)),
            Map.entry("python3", new Feature("usr/bin/python3", "python3", "", "python3", "", false)),
            Map.entry("python3-dev", new Feature(null, "", "python3-dev", "", "python3-dev", true)),
            Map.entry("pip3", new Feature("usr/lib/python3/dist-packages/pip", "python3-pip", "", "py3-pip", "", false)),
            Map.entry("python2", new Feature("usr/bin/python2", "python2", "", "python2", "", false)),
            Map.entry("python2-dev", new Feature(null, "", "python-dev", "", "python2-dev", true)),
            Map.entry("pip2", new Feature("usr/lib/python2.7/dist-packages/pip", "python-pip", "", "py2-pip", "", false)),
            Map.entry("nodejs", new Feature("usr/bin/node", "nodejs", "", "nodejs", "", false)),
            Map.entry("nodejs-dev", new Feature(null, "", "nodejs-dev", "", "nodejs-dev", true)),
            Map.entry("npm", new Feature("usr/bin/npm", "", "npm", "nodejs npm", "", false)),
            Map.entry("git", new Feature("usr/bin/git", "", "git", "", "git", false)),
            Map.entry("unzip", new Feature("usr/bin/unzip", "", "unzip", "", "unzip", false)),
            Map.entry("php", new Feature("usr/bin/php", "php-cli", "", "php", "", false)),
            Map.entry("php-dev", new Feature(null, "", "php-dev", "", "php-dev", true)),
            Map.entry("composer", new Feature("usr/bin/composer", "composer", "", "composer", "", false)),
            Map.entry("ruby", new Feature("usr/bin/ruby", "ruby", "", "ruby ruby-io-console", "", false)),
            Map.entry("ruby-dev", new Feature(null, "", "ruby-dev", "", "ruby-dev", true)),
            Map.entry("bundler", new Feature("usr/bin/bundle", "bundler", "", "ruby-bundler", "", false)));

    /** Debian's names where Ubuntu's (vagga's) differ: Debian has no nodejs-dev and no python 2. */
    private static final Map<String, String> DEBIAN_NAMES = Map.of("nodejs-dev", "libnode-dev",
            "python-dev", "python2-dev");

    private boolean aptUpdated;

    void ensure(BuildContext ctx, List<String> features) throws IOException, StepFailure, InterruptedException {
        Path root = ctx.root();
        Distribution distribution = ctx.distribution();
        boolean alpine = distribution != null ? distribution.name().equals("Alpine")
                : RootPath.exists(root, "/etc/alpine-release");
        Set<String> keep = new LinkedHashSet<>();
        Set<String> build = new LinkedHashSet<>();
        for (String name : features) {
            Feature f = FEATURES.get(name);
            if (f == null) {
                throw new IllegalArgumentException(name);
            }
            if (isThere(root, name, f) || distribution == null && f.compiling()) {
                continue;
            }
            keep.addAll(names(alpine ? f.alpineKeep() : f.aptKeep(), distribution));
            build.addAll(names(alpine ? f.alpineBuild() : f.aptBuild(), distribution));
        }
        if (keep.isEmpty() && build.isEmpty()) {
            return;
        }
        if (distribution != null) {
            distribution.ensure(ctx, List.copyOf(keep), List.copyOf(build));
            return;
        }
        // no distribution of ours: the features' packages are simply installed, and stay
        Set<String> all = new LinkedHashSet<>(keep);
        all.addAll(build);
        if (RootPath.exists(root, "/etc/debian_version")) {
            List<String> argv = new ArrayList<>(List.of("apt-get", "install", "-y", "--no-install-recommends"));
            argv.addAll(all);
            Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
            if (!aptUpdated) {
                ctx.run(StepCommand.of(List.of("apt-get", "update"), "/").withEnv(env));
                aptUpdated = true;
            }
            ctx.run(StepCommand.of(argv, "/").withEnv(env));
        } else if (alpine) {
            List<String> argv = new ArrayList<>(List.of("apk", "add", "--no-cache"));
            argv.addAll(all);
            ctx.run(StepCommand.of(argv, "/"));
        } else {
            throw new StepFailure("this container has no distribution vagga knows (Debian, Ubuntu, Alpine) to "
                    + "install " + String.join(", ", all) + " from; install them in an earlier step and set "
                    + "install-python/install-node to false");
        }
    }

    private static boolean isThere(Path root, String name, Feature f) throws IOException {
        if (f.probe() == null) {
            return false;
        }
        // Alpine's pip lives under usr/lib/python3.X/site-packages: the program is enough there
        return RootPath.exists(root, "/" + f.probe())
                || name.startsWith("pip") && RootPath.exists(root, "/usr/bin/" + name);
    }

    private static List<String> names(String list, Distribution d) {
        List<String> out = new ArrayList<>();
        for (String p : list.split(" ")) {
            if (!p.isEmpty()) {
                out.add(d != null && d.name().equals("Debian") ? DEBIAN_NAMES.getOrDefault(p, p) : p);
            }
        }
        return out;
    }
}
