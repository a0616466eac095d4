// One family of build steps (local steps, a distribution, a language's package manager).
package vagga.image;

import java.io.IOException;
import vagga.config.BuildStep;

/**
 * The contract between the step interpreter ({@link ContainerBuilder}) and a family:
 * <ul>
 * <li>A new instance of every registered family ({@link StepFamilies#forOneBuild}) is made for
 *     each container build, so a family may keep that build's state in its fields (the packages
 *     installed so far, whether a bootstrap ran).</li>
 * <li>For each setup step in order, the first family whose {@link #builds} says yes gets
 *     {@link #run}. A step no family claims fails with "build step !X is not supported yet".</li>
 * <li>{@link #run} changes only {@code ctx.root()} (and its own cache directories, scratch files);
 *     commands inside the container go through {@link BuildContext#run}. Failing: throw
 *     {@link StepFailure} with a few words (the interpreter prefixes
 *     {@code container "app": step 3 (!Tag "arg"): }); an IOException is described the same way;
 *     a BuildException from {@link BuildContext#base} (another container failed) passes unchanged.
 *     Never print: report through {@code ctx.progress()}.</li>
 * <li>After the last step of a build that succeeded, {@link #finish} is called on every family of
 *     that build in registration order (whether or not it ran a step), then the distribution's
 *     {@link Distribution#finish}, then the interpreter's own finish (!Remove paths, /tmp emptied,
 *     mount points). A family that needs nothing there leaves the default.</li>
 * <li>Step-by-step reuse ({@link SavedSteps}): a build may start from a root saved after step K
 *     of an earlier build with the same first K steps. Then, instead of {@link #run}, each of those
 *     K steps gets {@link #replay}, which re-establishes only what the step left in this build's
 *     memory (variables, the distribution, packages to remove at the end); the root already holds
 *     the rest. Only steps whose family says {@link #replays} are ever resumed after: the default
 *     is no, which is always safe (the build runs those steps again).</li>
 * <li>Everything a step reads must be in the version hash ({@link VersionHash}): a family that
 *     reads a file of the project adds it there too, or the root is not rebuilt when it changes.</li>
 * </ul>
 * A distribution (!Ubuntu, !Alpine, !Debian) is a family whose bootstrap step calls
 * {@link BuildContext#setDistribution}; distribution-neutral steps (!Install, repositories) then
 * go through {@link BuildContext#distribution()}.
 */
public interface BuilderFamily {
    /** True for the steps this family builds. */
    boolean builds(BuildStep step);

    /** Builds one step into {@code ctx.root()}. */
    void run(BuildStep step, BuildContext ctx) throws StepFailure, BuildException, IOException, InterruptedException;

    /** Once after the last step of a successful build. */
    default void finish(BuildContext ctx) throws StepFailure, IOException, InterruptedException {}

    /** True when {@link #replay} restores all that {@code step} leaves outside the root. */
    default boolean replays(BuildStep step) {
        return false;
    }

    /**
     * True when {@code step}, just run, left a root that a later build makes again from a cache at
     * no more cost than copying a saved root (a distribution's base kept as a tarball): then no
     * root is saved after it (the copy of ~180 MB was 0.7 s of CPU in a 30 s cold build).
     */
    default boolean cachedAfter(BuildStep step, BuildContext ctx) {
        return false;
    }

    /** On a root saved after {@code step} ran: what the step left in memory, nothing in the root. */
    default void replay(BuildStep step, BuildContext ctx)
            throws StepFailure, BuildException, IOException, InterruptedException {}
}
