// The distribution family of build steps: which distribution a build is on, its packages and build deps.
package vagga.image.distro;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import vagga.config.BuildStep;

/**
 * One per container build, as vagga's guard.distro: the bootstrap step (!Debian, !Ubuntu,
 * !UbuntuRelease, !Alpine) sets the distribution; !Install, !BuildDeps, repositories and keys
 * then go to it. A !Container base's distribution is carried on from the file {@value #FILE}
 * its finished build keeps beside the root. Build dependencies are removed by {@link #finish}
 * unless !Install named them too, as vagga does.
 */
public final class DistroSteps {
    /** Beside a finished root: what {@link Distribution#describe()} said. */
    public static final String FILE = "distribution";

    private Distribution distro;
    private final Set<String> packages = new LinkedHashSet<>();
    private final Set<String> buildDeps = new LinkedHashSet<>();

    /** True for the steps of this family. */
    public static boolean handles(BuildStep step) {
        return step instanceof BuildStep.Debian || step instanceof BuildStep.Ubuntu
                || step instanceof BuildStep.UbuntuUniverse || step instanceof BuildStep.UbuntuRepo
                || step instanceof BuildStep.UbuntuPPA || step instanceof BuildStep.AptTrust
                || step instanceof BuildStep.Repo || step instanceof BuildStep.Install
                || step instanceof BuildStep.BuildDeps || step instanceof BuildStep.Alpine
                || step instanceof BuildStep.AlpineRepo;
    }

    public void run(DistroContext ctx, BuildStep step) throws DistroException, InterruptedException {
        if (step instanceof BuildStep.Debian s) {
            set(new Debian(s.suite())).bootstrap(ctx);
        } else if (step instanceof BuildStep.Ubuntu s) {
            set(new Ubuntu(s)).bootstrap(ctx);
        } else if (step instanceof BuildStep.Alpine s) {
            set(new Alpine(Releases.alpineVersion(s.version()), null)).bootstrap(ctx);
        } else if (step instanceof BuildStep.Install s) {
            packages.addAll(s.packages());
            buildDeps.removeAll(s.packages());
            need(step).install(ctx, s.packages());
        } else if (step instanceof BuildStep.BuildDeps s) {
            for (String p : s.packages()) {
                if (!packages.contains(p)) {
                    buildDeps.add(p);
                }
            }
            need(step).install(ctx, s.packages());
        } else if (step instanceof BuildStep.Repo s) {
            need(step).addRepo(ctx, s.name());
        } else if (step instanceof BuildStep.UbuntuRepo s) {
            apt(step).addDebianRepo(ctx, s.url(), s.suite(), s.components(), s.trusted());
        } else if (step instanceof BuildStep.AptTrust s) {
            apt(step).trust(ctx, s.server(), s.keys(), s.url());
        } else if (step instanceof BuildStep.UbuntuUniverse) {
            specific(step, Ubuntu.class).enableUniverse(ctx);
        } else if (step instanceof BuildStep.UbuntuPPA s) {
            specific(step, Ubuntu.class).addPpa(ctx, s.name());
        } else if (step instanceof BuildStep.AlpineRepo s) {
            specific(step, Alpine.class).addAlpineRepo(ctx, s.url(), s.branch(), s.repo(), s.repoTag());
        } else {
            throw new IllegalArgumentException("not a distribution step: !" + step.tag());
        }
    }

    /** After !Container: the base's distribution (if any) is this build's. */
    public void inherit(Path baseMetaDir) throws DistroException {
        Path file = baseMetaDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return;
        }
        String[] f;
        try {
            f = Files.readString(file, StandardCharsets.UTF_8).trim().split(" ");
        } catch (IOException e) {
            throw new DistroException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Distribution d = switch (f[0]) {
            case "debian" -> new Debian(f[1]);
            case "ubuntu" -> new Ubuntu(f[1]);
            case "alpine" -> new Alpine(f[1], f.length > 2 ? f[2] : null);
            default -> null;
        };
        if (d != null) {
            set(d);
        }
    }

    /** End of a successful build: build deps removed, distribution's finishing, its file written. */
    public void finish(DistroContext ctx) throws DistroException, InterruptedException {
        if (distro == null) {
            return;
        }
        distro.finish(ctx, List.copyOf(buildDeps));
        try {
            Files.writeString(ctx.metaDir().resolve(FILE), distro.describe() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DistroException("cannot write " + ctx.metaDir().resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    private Distribution set(Distribution d) throws DistroException {
        if (distro != null) {
            throw new DistroException("the container is already " + distro.name() + ": cannot also bootstrap "
                    + d.name());
        }
        distro = d;
        return d;
    }

    private Distribution need(BuildStep step) throws DistroException {
        if (distro == null) {
            throw new DistroException("!" + step.tag() + " needs a distribution: put !Ubuntu, !Alpine or !Debian"
                    + " (or a !Container built from one) before it");
        }
        return distro;
    }

    private AptDistribution apt(BuildStep step) throws DistroException {
        if (need(step) instanceof AptDistribution a) {
            return a;
        }
        throw new DistroException("!" + step.tag() + " works with Ubuntu and Debian, not " + distro.name());
    }

    private <T extends Distribution> T specific(BuildStep step, Class<T> type) throws DistroException {
        Distribution d = need(step);
        if (type.isInstance(d)) {
            return type.cast(d);
        }
        throw new DistroException("!" + step.tag() + " works with " + type.getSimpleName() + ", not " + d.name());
    }
}
