// The !DockerImage step: an image's layers from a Docker registry, cached by digest, unpacked in order with whiteouts.
package vagga.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import vagga.config.BuildStep;
import vagga.config.DockerReference;
import vagga.config.Settings;

/**
 * As vagga ({@code src/builder/commands/docker.rs}): the step's {@code registry} (after the
 * {@code docker-registry-aliases} setting: {@code docker.io} is {@code registry-1.docker.io}) is
 * reached over https, or plain http when the step says {@code insecure: true} or, without that key,
 * when the registry's host is in {@code docker-insecure-registries} ({@code localhost} by default).
 * Layers are kept by digest in the cache's {@code docker-layers/HEX.tar.gz} (vagga's
 * {@code /vagga/cache/docker-layers}), written under a temporary name and renamed only once their
 * sha256 matched, so a kill leaves nothing a later build trusts. They are unpacked bottom first
 * into {@code path}, owners kept: a {@code .wh.NAME} file deletes NAME of the layers below, a
 * {@code .wh..wh..opq} empties its directory of them; a directory the layer holds gives the
 * merged directory its owner and mode.
 */
final class DockerSteps implements BuilderFamily {
    private static final String OPAQUE = ".wh..wh..opq";
    private static final String WHITEOUT = ".wh.";

    @Override
    public boolean builds(BuildStep step) {
        return step instanceof BuildStep.Declared d && d.tag().equals("DockerImage");
    }

    /** The step leaves nothing but files: a root saved after it is all of it. */
    @Override
    public boolean replays(BuildStep step) {
        return true;
    }

    @Override
    public void run(BuildStep s, BuildContext ctx) throws StepFailure, IOException, InterruptedException {
        BuildStep.Declared step = (BuildStep.Declared) s;
        String registry = step.string("registry");
        String image = step.string("image");
        String tag = step.string("tag");
        Settings settings = ctx.settings();
        String target = settings.dockerRegistryAliases().getOrDefault(registry, registry);
        String problem = DockerReference.problem(target, image, tag);
        if (problem != null) {
            throw new StepFailure(problem);
        }
        boolean insecure = step.string("insecure") != null ? step.flag("insecure")
                : settings.dockerInsecureRegistries().contains(host(target));
        ctx.note(BuildText.dockerImage(target + "/" + image + ":" + tag));
        DockerRegistry source = new DockerRegistry(target, insecure, image, trust(ctx));
        List<DockerRegistry.Layer> layers = source.layers(tag);

        Path cache = ctx.sharedCacheDir("docker-layers");
        removeAbandoned(cache);
        List<Path> blobs = new ArrayList<>();
        for (DockerRegistry.Layer layer : layers) {
            blobs.add(cached(ctx, source, cache, layer));
        }
        Path dest = RootPath.resolve(ctx.root(), step.string("path"), true);
        Files.createDirectories(dest);
        for (int i = 0; i < layers.size(); i++) {
            ctx.note(BuildText.dockerUnpacking(layers.get(i).digest()));
            unpack(ctx, blobs.get(i), dest);
        }
    }

    /** The host of {@code host[:port]} (an IPv6 address without its brackets' port). */
    static String host(String registry) {
        if (registry.startsWith("[")) {
            int end = registry.indexOf(']');
            return end < 0 ? registry : registry.substring(0, end + 1);
        }
        int colon = registry.indexOf(':');
        return (colon < 0 ? registry : registry.substring(0, colon)).toLowerCase(Locale.ROOT);
    }

    /** The layer's file in the cache, downloaded (and checked) now when it is not there. */
    private static Path cached(BuildContext ctx, DockerRegistry source, Path cache, DockerRegistry.Layer layer)
            throws StepFailure, IOException, InterruptedException {
        Path blob = cache.resolve(layer.hex() + ".tar.gz");
        if (Files.isRegularFile(blob, LinkOption.NOFOLLOW_LINKS)) {
            return blob;
        }
        ctx.note(BuildText.dockerLayer(layer.digest()));
        Path part = cache.resolve("." + layer.hex() + ".tar.gz." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(part);
        try {
            source.blob(layer, part, (got, total) -> ctx.progress().downloaded(ctx.container(), got, total, null));
            Files.move(part, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(part);
        }
        return blob;
    }

    /** Partial downloads of vagga processes that are gone (a kill -9 mid-download). */
    private static void removeAbandoned(Path cache) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(cache, ".*.tar.gz.*.tmp")) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                String pid = name.substring(0, name.length() - ".tmp".length());
                pid = pid.substring(pid.lastIndexOf('.') + 1);
                try {
                    if (ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
                        Files.deleteIfExists(p);
                    }
                } catch (NumberFormatException notOurs) {
                    // not a name this vagga makes: leave it
                }
            }
        }
    }

    /** One layer into {@code dest}: unpacked beside it, whiteouts applied, then moved in. */
    private static void unpack(BuildContext ctx, Path blob, Path dest) throws StepFailure, IOException, InterruptedException {
        Path staging = ctx.scratch("docker-layer");
        FileTrees.delete(staging);
        Files.createDirectories(staging);
        // tar finds the compression itself (gzip, or none in an OCI layer); -v lists the members
        String listed = HostTool.output(List.of("tar", "-x", "-v", "-f", blob.toString(), "-C", staging.toString(),
                "--numeric-owner", "--quoting-style=literal"), "tar");
        whiteouts(staging, dest);
        if (FileTrees.hostRoot()) {
            directoryOwners(listed, staging, dest);
        }
        FileTrees.mergeMove(staging, dest);
    }

    /** Applies and removes the layer's whiteout files (they delete from the layers below only). */
    private static void whiteouts(Path staging, Path dest) throws IOException {
        List<Path> markers = new ArrayList<>();
        Files.walkFileTree(staging, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && file.getFileName().toString().startsWith(WHITEOUT)) {
                    markers.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        for (Path marker : markers) {
            String name = marker.getFileName().toString();
            Path below = realDirectory(dest, staging.relativize(marker.getParent()));
            Files.delete(marker);
            if (below == null) {
                continue; // not a directory below: the layer's own directory replaces whatever is there
            }
            if (name.equals(OPAQUE)) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(below)) {
                    for (Path p : ds) {
                        FileTrees.delete(p);
                    }
                }
            } else {
                String gone = name.substring(WHITEOUT.length());
                if (!gone.isEmpty() && !gone.equals(".") && !gone.equals("..")) {
                    FileTrees.delete(below.resolve(gone));
                }
            }
        }
    }

    /** {@code dest/rel} when each of its components is a directory, not a symlink; else null. */
    private static Path realDirectory(Path dest, Path rel) {
        Path p = dest;
        for (Path part : rel) {
            if (part.toString().isEmpty()) {
                continue;
            }
            p = p.resolve(part.toString());
            if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
        }
        return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? p : null;
    }

    /**
     * A directory that is a member of the layer and already below gives the merged one its owner
     * and mode (a {@code RUN chown app /app} layer); directories tar only made as parents do not.
     */
    private static void directoryOwners(String listed, Path staging, Path dest) throws IOException {
        for (String line : listed.split("\n")) {
            if (!line.endsWith("/")) {
                continue;
            }
            String rel = line.replaceFirst("^(\\./)+", "").replaceFirst("/+$", "");
            Path from = rel.isEmpty() || rel.equals(".") ? staging : staging.resolve(rel).normalize();
            if (!from.startsWith(staging) || !Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            Path to = realDirectory(dest, staging.relativize(from));
            if (to == null) {
                continue;
            }
            Files.setAttribute(to, "unix:uid", Files.getAttribute(from, "unix:uid", LinkOption.NOFOLLOW_LINKS));
            Files.setAttribute(to, "unix:gid", Files.getAttribute(from, "unix:gid", LinkOption.NOFOLLOW_LINKS));
            // after the owner: a chown clears the setgid bit
            ContainerBuilder.setMode(to, (Integer) Files.getAttribute(from, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777);
        }
    }

    /** The JDK's trusted CAs, plus those of VAGGA_BUILD_CA_BUNDLE when it is set (a TLS proxy's, a private registry's). */
    private static SSLContext trust(BuildContext ctx) throws StepFailure, IOException {
        Path bundle = ctx.caBundleFile();
        try {
            if (bundle == null) {
                return SSLContext.getDefault();
            }
            TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            jdk.init((KeyStore) null);
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (TrustManager tm : jdk.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    for (X509Certificate c : x.getAcceptedIssuers()) {
                        store.setCertificateEntry("jdk-" + n++, c);
                    }
                }
            }
            try (InputStream in = Files.newInputStream(bundle)) {
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("bundle-" + n++, c);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new StepFailure(BuildText.caBundleBad(bundle.toString(), e.getMessage()), e);
        }
    }
}
