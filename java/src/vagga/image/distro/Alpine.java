// vagga's !Alpine vX.Y: apk-tools-static from the alpine-mirror's index, alpine-base installed by it inside the root.
package vagga.image.distro;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import vagga.image.BuildContext;
import vagga.image.RootPath;
import vagga.image.StepFailure;

/**
 * As vagga: the main repository's APKINDEX names the apk-tools-static package, whose apk.static
 * installs alpine-base into the empty root; later steps use the root's own /sbin/apk. Unlike vagga
 * (which ships Alpine's signing keys in its capsule) the keys come from the same index's
 * alpine-keys package, so the first download trusts the mirror. The package cache
 * {@code <cache>/alpine-cache} is bound at /etc/apk/cache, as vagga does.
 */
final class Alpine extends KnownDistribution {
    /** vagga picks a random mirror from its list; we take Alpine's CDN. */
    static final String DEFAULT_MIRROR = "http://dl-cdn.alpinelinux.org/alpine/";
    /** Where the bootstrap's apk.static is put inside the root (/tmp is emptied at the end). */
    private static final String STATIC_DIR = "tmp/.vagga-apk";

    private final String version;
    private String mirror;
    private boolean apkUpdate = true;

    Alpine(String version, String mirror) {
        this.version = version;
        this.mirror = mirror;
    }

    @Override
    public String name() {
        return "Alpine";
    }

    @Override
    String describe() {
        return "alpine " + version + (mirror == null ? "" : " " + mirror);
    }

    private String mirror(BuildContext ctx) throws StepFailure {
        if (mirror == null) {
            String m = ctx.settings().alpineMirror();
            m = m == null ? DEFAULT_MIRROR : m;
            mirror = m.endsWith("/") ? m : m + "/";
        }
        return mirror;
    }

    static String arch() {
        String a = System.getProperty("os.arch");
        return a.equals("amd64") ? "x86_64" : a;
    }

    @Override
    public void bootstrap(BuildContext ctx) throws StepFailure, IOException, InterruptedException {
        String repo = mirror(ctx) + version + "/main";
        String dir = repo + "/" + arch() + "/";
        byte[] index = ctx.fetchBody(dir + "APKINDEX.tar.gz", false);
        Map<String, String> versions = packageVersions(index, dir + "APKINDEX.tar.gz");
        Path cache = ctx.sharedCacheDir().resolve("alpine-bootstrap").resolve(version);
        Path staticDir = ctx.inRoot("/" + STATIC_DIR);
        Files.createDirectories(staticDir);
        Path keys = ctx.inRoot("/etc/apk/keys");
        Files.createDirectories(keys);
        mountCaches(ctx);
        for (String pkg : List.of("apk-tools-static", "alpine-keys")) {
            String v = versions.get(pkg);
            if (v == null) {
                throw new StepFailure(dir + "APKINDEX.tar.gz has no " + pkg + " package");
            }
            Path apk = ctx.download(dir + pkg + "-" + v + ".apk", cache, null);
            Path into = pkg.equals("alpine-keys") ? staticDir.resolve("keys") : staticDir;
            Files.createDirectories(into);
            Commands.host(ctx, List.of("tar", "-x", "-z", "-f", apk.toString(), "-C", into.toString(), "--no-same-owner",
                    "--warning=no-unknown-keyword"), "tar");
        }
        copyKeys(staticDir.resolve("keys/etc/apk/keys"), keys);
        Path repos = ctx.inRoot("/etc/apk/repositories");
        if (!Files.exists(repos, LinkOption.NOFOLLOW_LINKS)) {
            AptDistribution.write(repos, repo + "\n");
        }
        apk(ctx, List.of("/" + STATIC_DIR + "/sbin/apk.static", "--root", "/", "--update-cache", "--initdb", "add",
                "alpine-base"));
        apkUpdate = false;
        ctx.environ().put("LANG", "en_US.UTF-8");
        ctx.environ().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    }

    private static void copyKeys(Path from, Path to) throws StepFailure {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (var s = Files.list(from)) {
            for (Path k : s.toList()) {
                Files.copy(k, to.resolve(k.getFileName().toString()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new StepFailure("cannot install Alpine's keys: " + e.getMessage(), e);
        }
    }

    /** vagga's alpine-cache, bound at /etc/apk/cache for every later command of the build. */
    private void mountCaches(BuildContext ctx) throws StepFailure, IOException {
        Path cache = ctx.sharedCacheDir().resolve("alpine-cache");
        Files.createDirectories(cache);
        ctx.buildMount(cache, "/etc/apk/cache", false);
    }

    @Override
    void resume(BuildContext ctx) throws StepFailure, IOException {
        mountCaches(ctx);
        apkUpdate = true;
    }

    /** apk inside the container, under the cache lock. */
    private void apk(BuildContext ctx, List<String> argv) throws StepFailure, IOException, InterruptedException {
        try (CacheLock lock = CacheLock.take(ctx, "apk")) {
            Commands.run(ctx, argv);
        }
    }

    /** The root's own apk once alpine-base is in (apk-tools), else the bootstrap's static one. */
    private String apkBinary(BuildContext ctx) {
        Path own = ctx.root().resolve("sbin/apk");
        return Files.exists(own, LinkOption.NOFOLLOW_LINKS) ? "/sbin/apk" : "/" + STATIC_DIR + "/sbin/apk.static";
    }

    @Override
    public void install(BuildContext ctx, List<String> packages) throws StepFailure, IOException, InterruptedException {
        if (packages.isEmpty()) {
            return;
        }
        List<String> argv = new ArrayList<>(List.of(apkBinary(ctx), "--root", "/"));
        if (apkUpdate) {
            argv.add("--update-cache");
            apkUpdate = false;
        }
        argv.add("add");
        argv.addAll(packages);
        apk(ctx, argv);
    }

    @Override
    void addRepo(BuildContext ctx, String repo) throws StepFailure {
        String[] parts = repo.split("/", -1);
        if (parts.length > 2 || repo.isEmpty()) {
            throw new StepFailure("cannot parse repository \"" + repo
                    + "\": expected \"repository\" or \"branch/repository\"");
        }
        addAlpineRepo(ctx, null, parts.length == 2 ? parts[0] : null, parts[parts.length - 1], null);
    }

    /** vagga's line: "[@tag ]URL/BRANCH/REPO" appended to /etc/apk/repositories. */
    void addAlpineRepo(BuildContext ctx, String url, String branch, String repo, String tag) throws StepFailure {
        String u = url == null ? mirror(ctx) : url.endsWith("/") ? url : url + "/";
        String line = (tag == null ? "" : "@" + tag + " ") + u + (branch == null ? version : branch) + "/" + repo + "\n";
        Path file = null;
        try {
            file = ctx.inRoot("/etc/apk/repositories");
            Files.createDirectories(file.getParent());
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new StepFailure("cannot write " + (file == null ? "/etc/apk/repositories in the root" : file) + ": " + e.getMessage(), e);
        }
        apkUpdate = true;
    }

    @Override
    void removeBuildDeps(BuildContext ctx, Collection<String> buildDeps)
            throws StepFailure, IOException, InterruptedException {
        if (!buildDeps.isEmpty()) {
            List<String> argv = new ArrayList<>(List.of(apkBinary(ctx), "--root", "/", "del"));
            argv.addAll(buildDeps);
            apk(ctx, argv);
        }
    }

    @Override
    public void finish(BuildContext ctx) throws IOException {
        writePackageList(RootPath.resolve(ctx.root(), "/lib/apk/db/installed", true), // inside the root, as the container sees it
                ctx.root().getParent().resolve("alpine-packages.txt"));
    }

    @Override
    Set<String> installedNow(BuildContext ctx) throws IOException {
        Set<String> out = new HashSet<>();
        Path installed = RootPath.resolve(ctx.root(), "/lib/apk/db/installed", true);
        if (Files.isRegularFile(installed)) {
            for (String line : Files.readAllLines(installed, StandardCharsets.UTF_8)) {
                if (line.startsWith("P:")) {
                    out.add(line.substring(2));
                }
            }
        }
        return out;
    }

    /** "name-version" per installed package (vagga writes `apk info -vv`). */
    private static void writePackageList(Path installed, Path out) throws IOException {
        if (!Files.isRegularFile(installed)) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        String p = null;
        for (String line : Files.readAllLines(installed, StandardCharsets.UTF_8)) {
            if (line.startsWith("P:")) {
                p = line.substring(2);
            } else if (line.startsWith("V:") && p != null) {
                sb.append(p).append('-').append(line.substring(2)).append('\n');
                p = null;
            }
        }
        Files.writeString(out, sb.toString(), StandardCharsets.UTF_8);
    }

    /** P: -> V: of an APKINDEX.tar.gz (gzip members concatenated: signature, then the index tar). */
    static Map<String, String> packageVersions(byte[] tarGz, String from) throws StepFailure {
        Map<String, String> out = new HashMap<>();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(tarGz))) {
            byte[] all = in.readAllBytes();
            for (int off = 0; off + 512 <= all.length;) {
                String name = cString(all, off, 100);
                if (name.isEmpty()) {
                    off += 512;
                    continue;
                }
                long size = Long.parseLong(cString(all, off + 124, 12).trim(), 8);
                int body = off + 512;
                if (name.equals("APKINDEX")) {
                    String text = new String(all, body, (int) size, StandardCharsets.UTF_8);
                    String p = null;
                    for (String line : text.split("\n")) {
                        if (line.startsWith("P:")) {
                            p = line.substring(2);
                        } else if (line.startsWith("V:") && p != null) {
                            out.put(p, line.substring(2));
                        } else if (line.isEmpty()) {
                            p = null;
                        }
                    }
                }
                off = body + (int) ((size + 511) / 512 * 512);
            }
        } catch (IOException | RuntimeException e) {
            throw new StepFailure("cannot read " + from + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new StepFailure(from + " lists no packages");
        }
        return out;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.US_ASCII);
    }
}
