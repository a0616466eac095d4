// A Linux distribution a container is based on, shaped as vagga's builder `Distribution` trait.
package vagga.image;

import java.io.IOException;
import java.util.List;

/**
 * Set once per build by the family whose step bootstraps it ({@link BuildContext#setDistribution});
 * a second distribution in one container is an error. Every method runs on the building thread and
 * uses {@link BuildContext#run} for commands inside the root; failures are {@link StepFailure}s.
 */
public interface Distribution {
    /** Human-readable name for messages: "Ubuntu", "Alpine", "Debian". */
    String name();

    /** Puts the initial image of the distribution into {@code ctx.root()}. */
    void bootstrap(BuildContext ctx) throws StepFailure, IOException, InterruptedException;

    /** Adds a package repository (!UbuntuRepo, !AlpineRepo, ...), in the distribution's own syntax. */
    void addRepository(BuildContext ctx, String repository) throws StepFailure, IOException, InterruptedException;

    /** Installs packages (!Install, !BuildDeps). */
    void install(BuildContext ctx, List<String> packages) throws StepFailure, IOException, InterruptedException;

    /**
     * vagga's ensure_packages for a language step: {@code keep} stay in the image (as !Install's),
     * {@code buildDeps} are removed at the end of the build (as !BuildDeps) unless kept or named
     * by an !Install; a build dependency the root already has is left alone.
     */
    void ensure(BuildContext ctx, List<String> keep, List<String> buildDeps)
            throws StepFailure, IOException, InterruptedException;

    /** Distribution-specific clean-up at the end of a successful build (package caches, build deps). */
    default void finish(BuildContext ctx) throws StepFailure, IOException, InterruptedException {}
}
