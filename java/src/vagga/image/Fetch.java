// Gets the file behind a !Tar/!Download url: a local path in the project, or an http(s) download cached in .vagga/.cache.
package vagga.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

final class Fetch {
    private static final long PROGRESS_EVERY = 4L << 20;

    private Fetch() {}

    /** vagga's rule: a url starting with "." or "/" is a file, anything else is downloaded. */
    static boolean isLocal(String url) {
        return url.startsWith(".") || url.startsWith("/");
    }

    /** "./x" and "/work/x" are in the project (checked against escapes); other absolute paths are host files. */
    static Path localPath(Path project, String url) throws IOException {
        if (url.startsWith(".") || url.equals("/work") || url.startsWith("/work/")) {
            return ProjectPaths.inProject(project, url);
        }
        return Path.of(url);
    }

    /**
     * The local file for {@code url}: the file itself, or the cached download (downloaded now
     * when missing). When {@code sha256} is given the file must match it.
     */
    static Path get(Path project, Path cacheDir, String url, String sha256, BuildProgress progress,
                    String container) throws IOException, InterruptedException {
        Path file;
        if (isLocal(url)) {
            file = localPath(project, url);
            if (!Files.isRegularFile(file)) {
                throw new java.nio.file.NoSuchFileException(file.toString());
            }
        } else {
            String lower = url.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
                throw new IOException("unsupported url scheme (expected a path starting with \".\" or \"/\", "
                        + "or an http(s) url): " + url);
            }
            file = cacheDir.resolve(cacheName(url));
            if (!Files.isRegularFile(file)) {
                download(url, file, progress, container);
            }
        }
        if (sha256 != null && !sha256.isEmpty()) {
            String actual = sha256Of(file);
            if (!actual.equalsIgnoreCase(sha256)) {
                if (!isLocal(url)) {
                    Files.deleteIfExists(file);
                }
                throw new IOException("sha256 mismatch for " + url + ": expected " + sha256 + ", got " + actual);
            }
        }
        return file;
    }

    private static String cacheName(String url) {
        MessageDigest d = VersionHash.sha256();
        String hash = HexFormat.of().formatHex(d.digest(url.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        String base = url.replaceAll("[?#].*$", "");
        base = base.substring(base.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        return hash + "-" + (base.isEmpty() ? "download" : base);
    }

    private static void download(String url, Path file, BuildProgress progress, String container)
            throws IOException, InterruptedException {
        Files.createDirectories(file.getParent());
        Path part = file.resolveSibling(file.getFileName() + ".part." + ProcessHandle.current().pid());
        HttpClient client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).GET().build();
        progress.downloading(container, url);
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() / 100 != 2) {
                response.body().close();
                throw new IOException("downloading " + url + ": HTTP status " + response.statusCode());
            }
            long total = response.headers().firstValueAsLong("content-length").orElse(-1);
            long got = 0;
            long nextReport = PROGRESS_EVERY;
            try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(part)) {
                byte[] buf = new byte[65536];
                for (int n; (n = in.read(buf)) > 0;) {
                    out.write(buf, 0, n);
                    got += n;
                    if (got >= nextReport) {
                        progress.downloaded(container, got, total, null);
                        nextReport += PROGRESS_EVERY;
                    }
                }
            }
            progress.downloaded(container, got, total, url);
            Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    static String sha256Of(Path file) throws IOException {
        MessageDigest d = VersionHash.sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0;) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
