// The distribution family of build steps: the bootstrap step, packages, build deps, repositories and keys.
package vagga.image.distro;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import vagga.config.BuildStep;
import vagga.image.BuildContext;
import vagga.image.BuilderFamily;
import vagga.image.Distribution;
import vagga.image.StepFailure;

/**
 * As vagga's guard.distro: the bootstrap step (!Debian, !Ubuntu, !UbuntuRelease, !Alpine) sets the
 * container's distribution; !Install, !BuildDeps, repositories and keys then go to it. A !Container
 * base's distribution is carried on ({@link #inherit}) from the file {@value #FILE} its finished
 * build keeps beside the root. Build dependencies are removed at the end unless !Install named them
 * too, as vagga does.
 */
public final class DistroSteps implements BuilderFamily {
    /** Beside a finished root: what {@link KnownDistribution#describe()} said. */
    public static final String FILE = "distribution";

    @Override
    public boolean builds(BuildStep step) {
        return step instanceof BuildStep.Debian || step instanceof BuildStep.Ubuntu
                || step instanceof BuildStep.UbuntuUniverse || step instanceof BuildStep.UbuntuRepo
                || step instanceof BuildStep.UbuntuPPA || step instanceof BuildStep.AptTrust
                || step instanceof BuildStep.Repo || step instanceof BuildStep.Install
                || step instanceof BuildStep.BuildDeps || step instanceof BuildStep.Alpine
                || step instanceof BuildStep.AlpineRepo;
    }

    @Override
    public void run(BuildStep step, BuildContext ctx) throws StepFailure, IOException, InterruptedException {
        try {
            dispatch(step, ctx);
        } catch (StepFailure e) {
            // the interpreter names container and step; we add where the step is written
            throw new StepFailure(e.getMessage() + " (" + step.position() + ")", e);
        }
    }

    private void dispatch(BuildStep step, BuildContext ctx) throws StepFailure, IOException, InterruptedException {
        if (step instanceof BuildStep.Debian s) {
            bootstrap(ctx, new Debian(s.suite()));
        } else if (step instanceof BuildStep.Ubuntu s) {
            bootstrap(ctx, new Ubuntu(s));
        } else if (step instanceof BuildStep.Alpine s) {
            bootstrap(ctx, new Alpine(Releases.alpineVersion(s.version()), null));
        } else if (step instanceof BuildStep.Install s) {
            remember(step, ctx);
            need(step, ctx).install(ctx, s.packages());
        } else if (step instanceof BuildStep.BuildDeps s) {
            remember(step, ctx);
            need(step, ctx).install(ctx, s.packages());
        } else if (step instanceof BuildStep.Repo s) {
            need(step, ctx).addRepository(ctx, s.name());
        } else if (step instanceof BuildStep.UbuntuRepo s) {
            specific(step, ctx, AptDistribution.class, "Ubuntu and Debian")
                    .addDebianRepo(ctx, s.url(), s.suite(), s.components(), s.trusted());
        } else if (step instanceof BuildStep.AptTrust s) {
            specific(step, ctx, AptDistribution.class, "Ubuntu and Debian").trust(ctx, s.server(), s.keys(), s.url());
        } else if (step instanceof BuildStep.UbuntuUniverse) {
            specific(step, ctx, Ubuntu.class, "Ubuntu").enableUniverse(ctx);
        } else if (step instanceof BuildStep.UbuntuPPA s) {
            specific(step, ctx, Ubuntu.class, "Ubuntu").addPpa(ctx, s.name());
        } else if (step instanceof BuildStep.AlpineRepo s) {
            specific(step, ctx, Alpine.class, "Alpine").addAlpineRepo(ctx, s.url(), s.branch(), s.repo(), s.repoTag());
        } else {
            throw new IllegalArgumentException("not a distribution step: !" + step.tag());
        }
    }

    /**
     * Debian and Ubuntu bootstraps, packages, repositories and keys: their effects are in the root,
     * and the distribution is resumed as after a !Container (caches mounted, indexes refreshed by
     * the next install). Not Alpine (its mirror is chosen at bootstrap) nor Ubuntu's universe and
     * PPAs (remembered in memory): a build runs those again.
     */
    @Override
    public boolean replays(BuildStep step) {
        return step instanceof BuildStep.Debian || step instanceof BuildStep.Ubuntu
                || step instanceof BuildStep.Install || step instanceof BuildStep.BuildDeps
                || step instanceof BuildStep.Repo || step instanceof BuildStep.UbuntuRepo
                || step instanceof BuildStep.AptTrust;
    }

    /** A !Debian bootstrap into an empty root: its base is in the cache as a tarball. */
    @Override
    public boolean cachedAfter(BuildStep step, BuildContext ctx) {
        return step instanceof BuildStep.Debian && ctx.distribution() instanceof Debian d && d.baseCached();
    }

    @Override
    public void replay(BuildStep step, BuildContext ctx) throws StepFailure, IOException {
        KnownDistribution d = step instanceof BuildStep.Debian s ? new Debian(s.suite())
                : step instanceof BuildStep.Ubuntu s ? new Ubuntu(s) : null;
        if (d != null) {
            ctx.setDistribution(d);
            d.resume(ctx);
        } else {
            remember(step, ctx);
        }
    }

    /** What !Install and !BuildDeps leave for the end of the build: build deps not also installed. */
    private static void remember(BuildStep step, BuildContext ctx) throws StepFailure {
        if (!(need(step, ctx) instanceof KnownDistribution d)) {
            return;
        }
        if (step instanceof BuildStep.Install s) {
            d.rememberInstalled(s.packages());
        } else if (step instanceof BuildStep.BuildDeps s) {
            d.rememberBuildDeps(s.packages());
        }
    }

    private static void bootstrap(BuildContext ctx, KnownDistribution d)
            throws StepFailure, IOException, InterruptedException {
        ctx.setDistribution(d);
        d.bootstrap(ctx);
    }

    /** After a !Container step: the base's distribution (if it has one of ours) is this build's. */
    public static void inherit(BuildContext ctx, Path baseRoot) throws StepFailure, IOException {
        Path file = baseRoot.getParent().resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return;
        }
        String[] f = Files.readString(file, StandardCharsets.UTF_8).trim().split(" ");
        KnownDistribution d = switch (f[0]) {
            case "debian" -> new Debian(f[1]);
            case "ubuntu" -> new Ubuntu(f[1]);
            case "alpine" -> new Alpine(f[1], f.length > 2 ? f[2] : null);
            default -> null;
        };
        if (d != null) {
            ctx.setDistribution(d);
            d.resume(ctx);
        }
    }

    /** Build deps removed, then the distribution's file written (its own finish follows). */
    @Override
    public void finish(BuildContext ctx) throws StepFailure, IOException, InterruptedException {
        if (!(ctx.distribution() instanceof KnownDistribution d)) {
            return;
        }
        d.removeBuildDeps(ctx, d.buildDeps());
        Files.writeString(ctx.root().getParent().resolve(FILE), d.describe() + "\n", StandardCharsets.UTF_8);
    }

    private static Distribution need(BuildStep step, BuildContext ctx) throws StepFailure {
        Distribution d = ctx.distribution();
        if (d == null) {
            throw new StepFailure("!" + step.tag() + " needs a distribution: put !Ubuntu, !Alpine or !Debian"
                    + " (or a !Container built from one) before it");
        }
        return d;
    }

    private static <T> T specific(BuildStep step, BuildContext ctx, Class<T> type, String which) throws StepFailure {
        Distribution d = need(step, ctx);
        if (type.isInstance(d)) {
            return type.cast(d);
        }
        throw new StepFailure("!" + step.tag() + " works with " + which + ", not " + d.name());
    }
}
