// A distribution this package builds: what a !Container child needs to carry on, and build-deps removal.
package vagga.image.distro;

import java.io.IOException;
import java.util.Collection;
import vagga.image.BuildContext;
import vagga.image.Distribution;
import vagga.image.StepFailure;

abstract class KnownDistribution implements Distribution {
    /** One line kept beside a finished root ("debian bookworm", "ubuntu jammy", "alpine v3.18 MIRROR"). */
    abstract String describe();

    /** In a !Container child: the caches mounted again; the next install refreshes the indexes. */
    abstract void resume(BuildContext ctx) throws StepFailure, IOException;

    /** vagga's !BuildDeps at the end of the build: removed unless !Install named them too. */
    abstract void removeBuildDeps(BuildContext ctx, Collection<String> packages)
            throws StepFailure, IOException, InterruptedException;

    /** vagga's !Repo: "component" or "suite/component" (apt), "repo" or "branch/repo" (apk). */
    abstract void addRepo(BuildContext ctx, String repo) throws StepFailure, IOException;

    @Override
    public void addRepository(BuildContext ctx, String repository) throws StepFailure, IOException {
        addRepo(ctx, repository);
    }
}
