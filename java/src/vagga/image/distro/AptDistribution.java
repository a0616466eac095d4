// What Debian and Ubuntu share: apt run inside the container with shared caches, repositories, keys, finish.
package vagga.image.distro;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import vagga.image.BuildContext;
import vagga.image.FileTrees;
import vagga.image.RootPath;
import vagga.image.StepFailure;

/**
 * The caches, as vagga keeps them: {@code <cache>/apt-archives} (the .debs, shared by every
 * container) bound at /var/cache/apt/archives and {@code <cache>/apt-lists/<distro>-<codename>}
 * bound at /var/lib/apt/lists while apt runs, each apt command under the cache lock. apt
 * downloads into partial/ and renames, so a kill -9 leaves no corrupt package in the cache.
 * The finished root keeps neither (its lists dir is empty, as vagga leaves it).
 */
abstract class AptDistribution extends KnownDistribution {
    /** vagga's keyserver when !AptTrust names none. */
    static final String DEFAULT_KEYSERVER = "keyserver.ubuntu.com";

    protected String codename;
    private boolean aptUpdate = true;

    AptDistribution(String codename) {
        this.codename = codename;
    }

    /** Where !UbuntuRepo and !Repo point when they name no url. */
    abstract String mirror(BuildContext ctx) throws StepFailure;

    /** "debian" or "ubuntu", the lists cache's prefix. */
    abstract String listsKey();

    /** The distribution's finishing touches of vagga's init_debian_build, after the base is in place. */
    void configureApt(BuildContext ctx) throws StepFailure {
        try {
            // services never start while packages are installed
            Path policy = ctx.inRoot("/usr/sbin/policy-rc.d");
            Files.createDirectories(policy.getParent());
            Files.writeString(policy, "#!/bin/sh\nexit 101\n");
            Files.setAttribute(policy, "unix:mode", 0755);
            // no fsync after each package
            Path dpkg = ctx.inRoot("/etc/dpkg/dpkg.cfg.d/02apt-speedup");
            Files.createDirectories(dpkg.getParent());
            Files.writeString(dpkg, "force-unsafe-io\n");
            Path conf = ctx.inRoot("/etc/apt/apt.conf.d");
            Files.createDirectories(conf);
            Files.writeString(conf.resolve("01norecommend"),
                    "APT::Install-Recommends \"0\";\nAPT::Install-Suggests \"0\";\n");
            // The archives are vagga's shared cache: keep what apt downloads, and drop the
            // docker-style hook of some base images that deletes every .deb after each install.
            Files.writeString(conf.resolve("02vagga-keep-archives"),
                    "Binary::apt::APT::Keep-Downloaded-Packages \"true\";\nAPT::Keep-Downloaded-Packages \"true\";\n");
            Files.deleteIfExists(conf.resolve("docker-clean"));
            Files.createDirectories(ctx.inRoot("/var/lib/apt/lists/partial"));
            Files.createDirectories(ctx.inRoot("/var/cache/apt/archives/partial"));
        } catch (IOException e) {
            throw new StepFailure("cannot write apt's configuration in the root: " + e.getMessage(), e);
        }
        ctx.environ().put("DEBIAN_FRONTEND", "noninteractive");
    }

    /** The shared caches bound for every later command of the build (a !Sh's apt-get too, as vagga). */
    void mountCaches(BuildContext ctx) throws StepFailure, IOException {
        Path lists = listsCache(ctx);
        Path archives = ctx.sharedCacheDir().resolve("apt-archives");
        Files.createDirectories(lists.resolve("partial"));
        Files.createDirectories(archives.resolve("partial"));
        ctx.buildMount(lists, "/var/lib/apt/lists", false);
        ctx.buildMount(archives, "/var/cache/apt/archives", false);
    }

    @Override
    void resume(BuildContext ctx) throws StepFailure, IOException {
        mountCaches(ctx);
        needUpdate();
    }

    Path listsCache(BuildContext ctx) throws StepFailure, IOException {
        return ctx.sharedCacheDir().resolve("apt-lists").resolve(listsKey() + "-" + codename);
    }

    /**
     * One apt command inside the container, under the cache lock; when {@link #skipLocking} says so,
     * with apt's {@code -o Debug::NoLocking=yes} and without the lock (vagga's ubuntu-skip-locking).
     */
    void apt(BuildContext ctx, List<String> argv) throws StepFailure, IOException, InterruptedException {
        if (skipLocking(ctx)) {
            List<String> unlocked = new ArrayList<>(argv.subList(0, 1));
            unlocked.addAll(List.of("-o", "Debug::NoLocking=yes"));
            unlocked.addAll(argv.subList(1, argv.size()));
            Commands.run(ctx, unlocked);
            return;
        }
        try (CacheLock lock = CacheLock.take(ctx, "apt")) {
            Commands.run(ctx, argv);
        }
    }

    /** False: builds sharing the package cache take turns (Ubuntu's setting may say otherwise). */
    boolean skipLocking(BuildContext ctx) throws StepFailure {
        return false;
    }

    void needUpdate() {
        aptUpdate = true;
    }

    @Override
    public void install(BuildContext ctx, List<String> packages) throws StepFailure, IOException, InterruptedException {
        if (packages.isEmpty()) {
            return;
        }
        List<String> argv = new ArrayList<>(List.of("apt-get", "install", "-y"));
        argv.addAll(packages);
        boolean skipped = false;
        if (aptUpdate) {
            Path stamp = updateStamp(ctx);
            skipped = isFresh(stamp);
            if (skipped) {
                ctx.note("apt lists of these sources were updated less than " + FRESH.toMinutes()
                        + " minutes ago: not updating them again");
            } else {
                update(ctx, stamp);
            }
            aptUpdate = false;
        }
        try {
            apt(ctx, argv);
        } catch (StepFailure e) {
            if (!skipped) {
                throw e;
            }
            // the lists may name a version the mirror no longer has: update, then try once more
            update(ctx, updateStamp(ctx));
            apt(ctx, argv);
        }
    }

    /** How long the lists of one set of sources count as current (vagga updates every time). */
    static final java.time.Duration FRESH = java.time.Duration.ofMinutes(60);

    /** The lists were just downloaded (by the bootstrap tool). */
    void markUpdated(BuildContext ctx) throws StepFailure, IOException {
        try {
            Files.writeString(updateStamp(ctx), "");
        } catch (IOException e) {
            // only a later build's speed depends on it
        }
    }

    private void update(BuildContext ctx, Path stamp) throws StepFailure, IOException, InterruptedException {
        // Other containers' lists live in the same cache dir: apt must not delete them. And since
        // they do, a source whose signature fails here must fail the build: apt would only warn
        // and go on with "the previous index files", which another container's keys verified.
        // (A config option, not --error-on=any: apt before 2.1 ignores it rather than refusing it.)
        apt(ctx, List.of("apt-get", "update", "-o", "APT::Get::List-Cleanup=0", "-o", "APT::Update::Error-Mode=any"));
        try {
            Files.writeString(stamp, "");
        } catch (IOException e) {
            // only a later build's speed depends on it
        }
    }

    private static boolean isFresh(Path stamp) {
        try {
            return Files.isRegularFile(stamp) && Files.getLastModifiedTime(stamp).toInstant()
                    .isAfter(java.time.Instant.now().minus(FRESH));
        } catch (IOException e) {
            return false;
        }
    }

    /** A stamp per set of sources and keys (the root's sources.list, sources.list.d, trusted.gpg.d). */
    private Path updateStamp(BuildContext ctx) throws StepFailure, IOException {
        MessageDigest d = sha256();
        Path apt = ctx.inRoot("/etc/apt");
        try {
            for (String rel : List.of("sources.list", "sources.list.d", "trusted.gpg.d")) {
                Path p = apt.resolve(rel);
                if (Files.isRegularFile(p)) {
                    d.update(Files.readAllBytes(p));
                } else if (Files.isDirectory(p)) {
                    try (Stream<Path> s = Files.list(p)) {
                        for (Path f : s.sorted().toList()) {
                            d.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                            if (Files.isRegularFile(f)) {
                                d.update(Files.readAllBytes(f));
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new StepFailure("cannot read apt's sources in the root: " + e.getMessage(), e);
        }
        return listsCache(ctx).resolve(".vagga-updated-" + HexFormat.of().formatHex(d.digest()).substring(0, 16));
    }

    @Override
    void addRepo(BuildContext ctx, String repo) throws StepFailure {
        String[] parts = repo.split("/", -1);
        if (parts.length > 2 || repo.isEmpty()) {
            throw new StepFailure("cannot parse repository \"" + repo
                    + "\": expected \"component\" or \"suite/component\"");
        }
        String suite = parts.length == 2 ? parts[0] : codename;
        String component = parts[parts.length - 1];
        addDebianRepo(ctx, null, suite, List.of(component), false);
    }

    /** vagga's add_debian_repo: one sources.list.d file named by the hash of what it holds. */
    void addDebianRepo(BuildContext ctx, String url, String suite, List<String> components, boolean trusted)
            throws StepFailure {
        needUpdate();
        String s = suite == null ? codename : suite;
        String u = url == null ? mirror(ctx) : url;
        MessageDigest d = sha256();
        for (String part : List.of(String.valueOf(url), s, String.join(" ", components))) {
            d.update(part.getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
        }
        String name = HexFormat.of().formatHex(d.digest()).substring(0, 8) + "-" + s + ".list";
        String line = "deb " + (trusted ? "[trusted=yes] " : "") + u + " " + s
                + (components.isEmpty() ? "" : " " + String.join(" ", components)) + "\n";
        write(ctx, "/etc/apt/sources.list.d/" + name, line);
    }

    /**
     * !AptTrust: keys from a keyserver (HKP lookup) and/or a key file at url, stored dearmored in
     * /etc/apt/trusted.gpg.d (what apt-key would do; apt-key itself is gone from newer releases and
     * would need gnupg and a keyserver connection inside the container).
     */
    void trust(BuildContext ctx, String server, List<String> keys, String url)
            throws StepFailure, IOException, InterruptedException {
        List<byte[]> blocks = new ArrayList<>();
        if (url != null) {
            blocks.add(dearmor(ctx.fetchBody(url, false), url));
        }
        for (String key : keys) {
            String lookup = keyserverUrl(server == null ? DEFAULT_KEYSERVER : server) + "/pks/lookup?op=get&options=mr&search=0x"
                    + key.replace(" ", "");
            blocks.add(dearmor(ctx.fetchBody(lookup, false), lookup));
        }
        if (blocks.isEmpty()) {
            return;
        }
        MessageDigest d = sha256();
        blocks.forEach(d::update);
        Path file = ctx.inRoot("/etc/apt/trusted.gpg.d/vagga-" + HexFormat.of().formatHex(d.digest()).substring(0, 8)
                + ".gpg");
        try {
            Files.createDirectories(file.getParent());
            try (var out = Files.newOutputStream(file)) {
                for (byte[] b : blocks) {
                    out.write(b);
                }
            }
            Files.setAttribute(file, "unix:mode", 0644);
        } catch (IOException e) {
            throw new StepFailure("cannot write " + file + ": " + e.getMessage(), e);
        }
        needUpdate();
    }

    /** hkp://host[:port] (port 11371), hkps://host, http(s)://host, or a bare host name (hkp). */
    static String keyserverUrl(String server) {
        String s = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return s;
        }
        if (lower.startsWith("hkps://")) {
            return "https://" + s.substring(7);
        }
        String host = lower.startsWith("hkp://") ? s.substring(6) : s;
        return "http://" + host + (host.contains(":") ? "" : ":11371");
    }

    /** An OpenPGP key as apt reads it from trusted.gpg.d/*.gpg: binary; ASCII armor is decoded. */
    static byte[] dearmor(byte[] data, String from) throws StepFailure {
        String text = new String(data, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN PGP PUBLIC KEY BLOCK-----");
        if (begin < 0) {
            if (data.length > 0 && (data[0] & 0x80) != 0) {
                return data; // already binary packets
            }
            throw new StepFailure("no OpenPGP public key at " + from);
        }
        int end = text.indexOf("-----END PGP PUBLIC KEY BLOCK-----", begin);
        if (end < 0) {
            throw new StepFailure("truncated OpenPGP key at " + from);
        }
        // the armor's headers ("Version: ...") end at its first empty line; "=XXXX" is the CRC24
        String[] lines = text.substring(begin, end).replace("\r", "").split("\n");
        StringBuilder b64 = new StringBuilder();
        boolean body = false;
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i].strip();
            if (!body) {
                body = l.isEmpty();
            } else if (l.startsWith("=")) {
                break;
            } else {
                b64.append(l);
            }
        }
        try {
            return Base64.getDecoder().decode(b64.toString());
        } catch (IllegalArgumentException e) {
            throw new StepFailure("malformed OpenPGP key at " + from + ": " + e.getMessage());
        }
    }

    @Override
    void removeBuildDeps(BuildContext ctx, Collection<String> buildDeps)
            throws StepFailure, IOException, InterruptedException {
        if (!buildDeps.isEmpty()) {
            List<String> mark = new ArrayList<>(List.of("apt-mark", "auto"));
            mark.addAll(buildDeps);
            apt(ctx, mark);
            // what a kept package only recommends or suggests goes too (python3-pip recommends build-essential
            // and python3-dev, which pip's steps add as build dependencies, as vagga does)
            apt(ctx, List.of("apt-get", "autoremove", "-y", "-o", "APT::AutoRemove::RecommendsImportant=false",
                    "-o", "APT::AutoRemove::SuggestsImportant=false"));
        }
    }

    /** dpkg's record of the installed packages, relative to the root. */
    private static final String STATUS_FILE = "var/lib/dpkg/status";

    /** Beside a saved root ({@code .steps/<entry>/root}): its package list; named for its format, a new format takes a new name. */
    private static final String SAVED_LIST = "debian-packages.1.txt";

    @Override
    public void finish(BuildContext ctx) throws StepFailure, IOException {
        Path root = ctx.root();
        // inside the root as the container sees it: a symlink there names no file of the host
        Path status = RootPath.resolve(root, "/" + STATUS_FILE, true);
        // a rebuild that went on over a saved root and left dpkg's status alone (a changed last !Sh);
        // a status reached through a symlink is read (what it points at may have changed)
        Path saved = status.equals(root.resolve(STATUS_FILE)) ? ctx.unchangedFrom(STATUS_FILE) : null;
        Path listed = root.getParent().resolve("debian-packages.txt");
        if (saved == null || !linkSavedList(saved, listed)) {
            String list = saved != null ? savedPackageList(saved) : packageList(status);
            if (list != null) {
                Files.writeString(listed, list, StandardCharsets.UTF_8);
            }
        }
        // apt's binary caches are rebuilt from the lists when needed; keep the root small
        Path cache = ctx.inRoot("/var/cache/apt");
        if (Files.isDirectory(cache, LinkOption.NOFOLLOW_LINKS)) {
            for (Path p : FileTrees.entries(cache)) {
                if (p.getFileName().toString().endsWith(".bin")) {
                    Files.delete(p);
                }
            }
        }
        // vagga: a 0700 directory nobody needs in a container, in the way of rsync to production
        Path rsyslog = ctx.inRoot("/var/spool/rsyslog");
        if (Files.isDirectory(rsyslog, LinkOption.NOFOLLOW_LINKS) && FileTrees.entries(rsyslog).isEmpty()) {
            Files.delete(rsyslog);
        }
    }

    @Override
    Set<String> installedNow(BuildContext ctx) throws IOException {
        Set<String> out = new HashSet<>();
        Path status = RootPath.resolve(ctx.root(), "/" + STATUS_FILE, true);
        if (Files.isRegularFile(status)) {
            eachInstalled(status, new Installed() {
                @Override
                public void accept(String pkg, String version, String arch) {
                    out.add(pkg);
                }
            });
        }
        return out;
    }

    /** The installed packages of dpkg's status file: name, version, architecture. */
    private interface Installed {
        void accept(String pkg, String version, String arch);
    }

    private static void eachInstalled(Path status, Installed each) throws IOException {
        // line by line over the file's bytes, without a String per line or a decoded copy of the
        // whole file: the status file of a root with build-essential has ~4,000 lines (~1 MB with
        // the descriptions), and this runs in every build's cold JVM
        byte[] text = Files.readAllBytes(status);
        String pkg = null;
        String version = null;
        String arch = null;
        boolean installed = false;
        int n = text.length;
        for (int at = 0; at <= n; ) {
            int end = at;
            while (end < n && text[end] != '\n') {
                end++;
            }
            if (end == at) {
                if (pkg != null && installed) {
                    each.accept(pkg, version, arch);
                }
                pkg = version = arch = null;
                installed = false;
            } else if (text[at] == ' ') {
                // a continuation line (a description's): skipped
            } else if (startsWith(text, at, end, PACKAGE)) {
                pkg = value(text, at + PACKAGE.length, end);
            } else if (startsWith(text, at, end, VERSION)) {
                version = value(text, at + VERSION.length, end);
            } else if (startsWith(text, at, end, ARCHITECTURE)) {
                arch = value(text, at + ARCHITECTURE.length, end);
            } else if (startsWith(text, at, end, STATUS)) {
                installed = end - INSTALLED.length >= at && startsWith(text, end - INSTALLED.length, end, INSTALLED);
            }
            at = end + 1;
        }
        if (pkg != null && installed) {
            each.accept(pkg, version, arch);
        }
    }

    private static final byte[] PACKAGE = "Package: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VERSION = "Version: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ARCHITECTURE = "Architecture: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STATUS = "Status: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INSTALLED = " installed".getBytes(StandardCharsets.US_ASCII);

    private static boolean startsWith(byte[] text, int at, int end, byte[] prefix) {
        return end - at >= prefix.length && Arrays.equals(text, at, at + prefix.length, prefix, 0, prefix.length);
    }

    private static String value(byte[] text, int from, int end) {
        return new String(text, from, end - from, StandardCharsets.UTF_8);
    }

    /** vagga writes `dpkg -l` beside the root; the status file says the same without running dpkg. */
    static void writePackageList(Path status, Path out) throws IOException {
        String list = packageList(status);
        if (list != null) {
            Files.writeString(out, list, StandardCharsets.UTF_8);
        }
    }

    /**
     * The saved root's kept list as the new root's, by a hard link: one call, where reading and
     * writing it cost a cold JVM ~1 ms. Both names are only ever replaced whole, never
     * written in place. False when there is no such list, or no link (another filesystem).
     */
    private static boolean linkSavedList(Path savedRoot, Path target) {
        Path kept = savedRoot.resolveSibling(SAVED_LIST);
        try {
            if (!Files.isRegularFile(kept, LinkOption.NOFOLLOW_LINKS) || Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            Files.createLink(target, kept);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * The package list of a saved root, which no build writes: made once and kept beside it in the saved
     * step's directory ({@link #SAVED_LIST}), so that a rebuild resuming over it reads ~10 KB instead of
     * scanning ~1 MB of status (5-10 ms of a cold JVM, measured). Read only as a regular file, never
     * through a symlink (a child can write under .vagga); written under a temporary name and renamed,
     * so a killed build leaves none half-written; one that cannot be read is made from the status again.
     */
    private static String savedPackageList(Path savedRoot) throws IOException {
        Path kept = savedRoot.resolveSibling(SAVED_LIST);
        if (Files.isRegularFile(kept, LinkOption.NOFOLLOW_LINKS)) { // not a fifo to block on, nor a link
            try (InputStream in = Files.newInputStream(kept, LinkOption.NOFOLLOW_LINKS)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                // replaced meanwhile: from the status file below
            }
        }
        String list = packageList(savedRoot.resolve(STATUS_FILE));
        if (list != null) {
            // not write(): a child writing under .vagga could hold its fixed temporary name; a fresh one each time
            Path tmp = kept.resolveSibling(".tmp." + SAVED_LIST + "." + Long.toHexString(System.nanoTime()));
            try {
                Files.writeString(tmp, list, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                Files.move(tmp, kept, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                Files.deleteIfExists(tmp); // kept or not, the list is right
            }
        }
        return list;
    }

    /** The lines of {@link #writePackageList}, or null when there is no status file. */
    private static String packageList(Path status) throws IOException {
        if (!Files.isRegularFile(status)) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        eachInstalled(status, new Installed() { // not a lambda: a build's cold JVM links each for ~1 ms
            @Override
            public void accept(String pkg, String version, String arch) {
                sb.append("ii  ").append(pkg).append(' ').append(version).append(' ').append(arch).append('\n');
            }
        });
        return sb.toString();
    }

    /** {@link #write(Path, String)} at a path of the root, its symlinks followed inside it ({@link BuildContext#inRoot}). */
    static void write(BuildContext ctx, String containerPath, String text) throws StepFailure {
        Path file;
        try {
            file = ctx.inRoot(containerPath);
        } catch (IOException e) {
            throw new StepFailure("cannot write " + containerPath + " in the root: " + e.getMessage(), e);
        }
        write(file, text);
    }

    /** The file's new text, by rename; the temporary name is made anew (a link left there is not followed). */
    static void write(Path file, String text) throws StepFailure {
        try {
            vagga.image.FileTrees.replace(file, text);
        } catch (IOException e) {
            throw new StepFailure("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static MessageDigest sha256() {
        return new vagga.image.Sha256(); // not MessageDigest.getInstance: the security providers' first use costs ~20 ms
    }
}
