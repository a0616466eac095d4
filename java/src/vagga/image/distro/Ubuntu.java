// vagga's !Ubuntu / !UbuntuRelease: the Ubuntu base image, verified and unpacked, then apt from ubuntu-mirror.
package vagga.image.distro;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import vagga.config.BuildStep;
import vagga.image.BuildContext;
import vagga.image.RootPath;
import vagga.image.StepFailure;

/**
 * The base image comes from Ubuntu's "ubuntu-base" releases (cdimage.ubuntu.com; our setting
 * {@code ubuntu-base-url} points at a copy): the release directory's SHA256SUMS names the tarball
 * of the architecture and its checksum, so the download is verified before it enters the cache.
 * vagga took the "core" images of partner-images.canonical.com, which ended with bionic.
 */
final class Ubuntu extends AptDistribution {
    static final String DEFAULT_BASE_URL = "https://cdimage.ubuntu.com/ubuntu-base/releases";
    /** vagga's default ubuntu-mirror. */
    static final String DEFAULT_MIRROR = "mirror://mirrors.ubuntu.com/mirrors.txt";
    /** What Ubuntu's own sources name, replaced by the mirror (vagga's set_mirror). */
    private static final String ARCHIVE = "http://archive.ubuntu.com/ubuntu/";

    private final BuildStep.Ubuntu step;
    private boolean hasUniverse;

    Ubuntu(BuildStep.Ubuntu step) throws StepFailure {
        super(step.codename() != null ? Releases.ubuntuCodename(step.codename())
                : step.version() != null ? Releases.ubuntuVersion(step.version()) : null);
        this.step = step;
    }

    /** A !Container child of an Ubuntu container. */
    Ubuntu(String codename) {
        super(codename);
        this.step = null;
    }

    @Override
    public String name() {
        return "Ubuntu";
    }

    @Override
    String describe() {
        return "ubuntu " + codename;
    }

    @Override
    String listsKey() {
        return "ubuntu";
    }

    @Override
    String mirror(BuildContext ctx) throws StepFailure {
        String m = ctx.settings().ubuntuMirror();
        return m == null ? DEFAULT_MIRROR : m.endsWith("/") ? m : m + "/";
    }

    @Override
    public void bootstrap(BuildContext ctx) throws StepFailure, IOException, InterruptedException {
        Path image = fetchImage(ctx);
        ctx.note("unpacking " + image.getFileName());
        List<String> argv = new ArrayList<>(List.of("tar", "-x", "-f", image.toString(), "-C", ctx.root().toString(),
                "--numeric-owner", "--anchored"));
        // as vagga: these are the container's mount points and host files, not the image's
        for (String skip : List.of("dev", "sys", "proc", "etc/resolv.conf", "etc/hosts")) {
            argv.add("--exclude=" + skip);
            argv.add("--exclude=./" + skip);
        }
        Commands.host(ctx, argv, "tar");
        String found = readCodename(ctx.root());
        if (codename != null && !codename.equals(found)) {
            throw new StepFailure("codename mismatch: the image is \"" + found + "\", not \"" + codename
                    + "\" (a damaged or wrong image?)");
        }
        codename = found;
        setMirror(ctx);
        configureApt(ctx);
        mountCaches(ctx);
        Path root = ctx.root();
        if (Files.isExecutable(ctx.inRoot("/usr/sbin/locale-gen"))) {
            Commands.run(ctx, List.of("locale-gen", "en_US.UTF-8"));
            ctx.environ().put("LANG", "en_US.UTF-8");
        } else {
            ctx.environ().put("LANG", "C.UTF-8"); // ubuntu-base has no locales package
        }
        ctx.environ().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/games:/usr/local/games");
        if (!step.keepChfnCommand()) {
            clobberChfn(root);
        }
    }

    /** The image file in the cache: downloaded (and verified) on first use. */
    private Path fetchImage(BuildContext ctx) throws StepFailure, IOException, InterruptedException {
        Path cache = ctx.sharedCacheDir().resolve("ubuntu-base");
        if (step.url() != null) {
            String url = step.url();
            String dir = url.substring(0, url.lastIndexOf('/') + 1);
            byte[] sums = url.startsWith("http") ? ctx.fetchBody(dir + "SHA256SUMS", true) : null;
            String sha = sums == null ? null : checksumOf(sums, url.substring(url.lastIndexOf('/') + 1));
            if (sha == null) {
                ctx.note("no SHA256SUMS entry for " + url + ": the image is not verified");
            }
            return ctx.download(url, cache, sha);
        }
        String base = ctx.settings().ubuntuBaseUrl();
        base = (base == null ? DEFAULT_BASE_URL : base).replaceAll("/+$", "");
        String dir = base + "/" + codename + "/release/";
        byte[] sums = ctx.fetchBody(dir + "SHA256SUMS", false);
        String suffix = "-base-" + step.arch() + ".tar.gz";
        for (String line : new String(sums, StandardCharsets.UTF_8).split("\n")) {
            String[] f = line.trim().split("\\s+\\*?");
            if (f.length == 2 && f[1].startsWith("ubuntu-base-") && f[1].endsWith(suffix)) {
                return ctx.download(dir + f[1], cache, f[0]);
            }
        }
        throw new StepFailure(dir + "SHA256SUMS lists no ubuntu-base image for " + step.arch());
    }

    private static String checksumOf(byte[] sums, String file) {
        for (String line : new String(sums, StandardCharsets.UTF_8).split("\n")) {
            String[] f = line.trim().split("\\s+\\*?");
            if (f.length == 2 && f[1].equals(file)) {
                return f[0];
            }
        }
        return null;
    }

    static String readCodename(Path root) throws StepFailure {
        try {
            Path lsb = RootPath.resolve(root, "/etc/lsb-release", true); // the image's, never the host's
            for (String line : Files.readAllLines(lsb, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0 && line.substring(0, eq).trim().equals("DISTRIB_CODENAME")) {
                    return line.substring(eq + 1).trim();
                }
            }
        } catch (IOException e) {
            throw new StepFailure("cannot read /etc/lsb-release of the image: " + e.getMessage(), e);
        }
        throw new StepFailure("no DISTRIB_CODENAME in /etc/lsb-release of the image");
    }

    /** Ubuntu's own archive URL replaced by the mirror, in sources.list and noble's ubuntu.sources. */
    private void setMirror(BuildContext ctx) throws StepFailure {
        String mirror = mirror(ctx);
        for (String rel : List.of("/etc/apt/sources.list", "/etc/apt/sources.list.d/ubuntu.sources")) {
            Path file;
            try {
                file = ctx.inRoot(rel);
            } catch (IOException e) {
                throw new StepFailure("cannot read " + rel + " in the root: " + e.getMessage(), e);
            }
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                write(file, text.replace(ARCHIVE, mirror).replace("http://archive.ubuntu.com/ubuntu ", mirror + " "));
            } catch (IOException e) {
                throw new StepFailure("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** vagga: chfn fails on many hosts (vagga#52) and is never needed in a container. */
    private static void clobberChfn(Path root) throws StepFailure {
        try {
            Path bin = RootPath.resolve(root, "/usr/bin", true); // inside the root, as the container sees it
            Path chfn = bin.resolve("chfn");
            Path tmp = bin.resolve(".tmp.chfn");
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, Path.of("/bin/true"));
            Files.move(tmp, chfn, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new StepFailure("cannot replace /usr/bin/chfn: " + e.getMessage(), e);
        }
    }

    /** !UbuntuUniverse: vagga's universe.list (release, -updates, -security). */
    void enableUniverse(BuildContext ctx) throws StepFailure {
        if (hasUniverse) {
            return;
        }
        hasUniverse = true;
        String m = mirror(ctx);
        write(ctx, "/etc/apt/sources.list.d/universe.list",
                "deb " + m + " " + codename + " universe\n"
                + "deb " + m + " " + codename + "-updates universe\n"
                + "deb " + m + " " + codename + "-security universe\n");
        needUpdate();
    }

    /** vagga: the language steps' packages may be in universe, so it is enabled first. */
    @Override
    public void ensure(BuildContext ctx, List<String> keep, List<String> buildDeps)
            throws StepFailure, IOException, InterruptedException {
        enableUniverse(ctx);
        super.ensure(ctx, keep, buildDeps);
    }

    /** !UbuntuPPA user/archive. */
    void addPpa(BuildContext ctx, String name) throws StepFailure {
        addDebianRepo(ctx, "http://ppa.launchpad.net/" + name + "/ubuntu", codename, List.of("main"), false);
    }

    /**
     * vagga's ubuntu-skip-locking ("super-experimental"): apt runs with Debug::NoLocking, so builds of
     * several Ubuntu images sharing one cache run at once instead of in turn.
     */
    @Override
    boolean skipLocking(BuildContext ctx) throws StepFailure {
        return ctx.settings().ubuntuSkipLocking();
    }
}
