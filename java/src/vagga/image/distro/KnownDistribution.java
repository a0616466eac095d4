// A distribution this package builds: what a !Container child needs to carry on, and build-deps removal.
package vagga.image.distro;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import vagga.image.BuildContext;
import vagga.image.Distribution;
import vagga.image.StepFailure;

abstract class KnownDistribution implements Distribution {
    /** What !Install (and the language steps' kept packages) installed in this build. */
    private final Set<String> packages = new LinkedHashSet<>();
    /** What !BuildDeps (and the language steps' build dependencies) installed, not also installed for good. */
    private final Set<String> buildDeps = new LinkedHashSet<>();

    /** One line kept beside a finished root ("debian bookworm", "ubuntu jammy", "alpine v3.18 MIRROR"). */
    abstract String describe();

    /** In a !Container child: the caches mounted again; the next install refreshes the indexes. */
    abstract void resume(BuildContext ctx) throws StepFailure, IOException;

    /** vagga's !BuildDeps at the end of the build: removed unless !Install named them too. */
    abstract void removeBuildDeps(BuildContext ctx, Collection<String> packages)
            throws StepFailure, IOException, InterruptedException;

    /** vagga's !Repo: "component" or "suite/component" (apt), "repo" or "branch/repo" (apk). */
    abstract void addRepo(BuildContext ctx, String repo) throws StepFailure, IOException;

    /** The names of the packages installed in the root now (dpkg's status, apk's database). */
    abstract Set<String> installedNow(BuildContext ctx) throws IOException;

    @Override
    public void addRepository(BuildContext ctx, String repository) throws StepFailure, IOException {
        addRepo(ctx, repository);
    }

    /** !Install: kept, and no longer a build dependency. */
    void rememberInstalled(Collection<String> names) {
        packages.addAll(names);
        buildDeps.removeAll(names);
    }

    /** !BuildDeps: removed at the end unless installed for good. */
    void rememberBuildDeps(Collection<String> names) {
        for (String p : names) {
            if (!packages.contains(p)) {
                buildDeps.add(p);
            }
        }
    }

    /** As vagga's ensure_packages: one install of what is new, build deps remembered for the end. */
    @Override
    public void ensure(BuildContext ctx, List<String> keep, List<String> build)
            throws StepFailure, IOException, InterruptedException {
        Set<String> there = build.isEmpty() ? Set.of() : installedNow(ctx);
        List<String> toInstall = new ArrayList<>();
        for (String p : build) {
            if (!packages.contains(p) && !there.contains(p) && buildDeps.add(p)) {
                toInstall.add(p);
            }
        }
        for (String p : keep) {
            buildDeps.remove(p);
            if (packages.add(p)) {
                toInstall.add(p);
            }
        }
        install(ctx, toInstall);
    }

    /** At the end of a build: the build deps to remove. */
    List<String> buildDeps() {
        return List.copyOf(buildDeps);
    }
}
