// One distribution inside a build, shaped as vagga's: bootstrap, repositories, install packages, finish.
package vagga.image.distro;

import java.util.Collection;
import java.util.List;

interface Distribution {
    /** "Debian", "Ubuntu", "Alpine". */
    String name();

    /** What the distribution file beside a finished root says, so a !Container child carries on:
     *  "debian bookworm", "ubuntu jammy", "alpine v3.18 http://mirror/". */
    String describe();

    /** Fills the empty root with the base system. */
    void bootstrap(DistroContext ctx) throws DistroException, InterruptedException;

    /** vagga's !Repo: "component" or "suite/component" (apt), "repo" or "branch/repo" (apk). */
    void addRepo(DistroContext ctx, String repo) throws DistroException, InterruptedException;

    void install(DistroContext ctx, List<String> packages) throws DistroException, InterruptedException;

    /** End of the build: build dependencies removed, package list written, caches emptied. */
    void finish(DistroContext ctx, Collection<String> buildDeps) throws DistroException, InterruptedException;
}
