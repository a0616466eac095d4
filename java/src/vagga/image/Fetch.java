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
     * when missing). When {@code sha256} is given the file must match it; a download that does not
     * is never put in the cache (it is checked before the rename that makes it visible).
     */
    static Path get(Path project, Path cacheDir, String url, String sha256, BuildProgress progress,
                    String container) throws IOException, InterruptedException {
        boolean check = sha256 != null && !sha256.isEmpty();
        if (isLocal(url)) {
            Path file = localPath(project, url);
            if (!Files.isRegularFile(file)) {
                throw new java.nio.file.NoSuchFileException(file.toString());
            }
            if (check) {
                verify(file, url, sha256);
            }
            return file;
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
            throw new IOException("unsupported url scheme (expected a path starting with \".\" or \"/\", "
                    + "or an http(s) url): " + url);
        }
        Path file = cacheDir.resolve(cacheName(url));
        if (Files.isRegularFile(file) && check && !sha256Of(file).equalsIgnoreCase(sha256)) {
            Files.delete(file); // cached under another expected sum: fetch it again and see
        }
        if (!Files.isRegularFile(file)) {
            download(url, file, check ? sha256 : null, progress, container);
        }
        return file;
    }

    private static void verify(Path file, String url, String sha256) throws IOException {
        String actual = sha256Of(file);
        if (!actual.equalsIgnoreCase(sha256)) {
            throw new IOException("Hashsum mismatch for " + url + ": expected sha256 " + sha256.toLowerCase(Locale.ROOT)
                    + ", got " + actual);
        }
    }

    /** An http(s) client honouring http_proxy/https_proxy/no_proxy, as vagga's downloads do. */
    static HttpClient client(String url) {
        return clientBuilder(url).build();
    }

    /** {@link #client}'s settings, for a caller that changes some (redirects, trusted CAs). */
    static HttpClient.Builder clientBuilder(String url) {
        HttpClient.Builder b = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30));
        java.net.InetSocketAddress proxy = proxyFor(url, System.getenv());
        if (proxy != null) {
            b.proxy(java.net.ProxySelector.of(proxy));
        }
        return b;
    }

    /** The proxy the caller's environment names for url, or null (none, or no_proxy matches). */
    static java.net.InetSocketAddress proxyFor(String url, java.util.Map<String, String> env) {
        URI uri = URI.create(url);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        String noProxy = envAny(env, "no_proxy");
        if (noProxy != null) {
            for (String n : noProxy.split(",")) {
                String d = n.trim().toLowerCase(Locale.ROOT);
                if (d.equals("*") || (!d.isEmpty() && (host.equals(d.replaceFirst("^\\.", ""))
                        || host.endsWith(d.startsWith(".") ? d : "." + d)))) {
                    return null;
                }
            }
        }
        String p = envAny(env, uri.getScheme().equalsIgnoreCase("https") ? "https_proxy" : "http_proxy");
        if (p == null) {
            p = envAny(env, "all_proxy");
        }
        if (p == null || p.isBlank()) {
            return null;
        }
        URI proxy = URI.create(p.contains("://") ? p : "http://" + p);
        if (proxy.getHost() == null) {
            return null;
        }
        return java.net.InetSocketAddress.createUnresolved(proxy.getHost(), proxy.getPort() > 0 ? proxy.getPort() : 80);
    }

    private static String envAny(java.util.Map<String, String> env, String lower) {
        String v = env.get(lower);
        return v != null && !v.isEmpty() ? v : env.get(lower.toUpperCase(Locale.ROOT));
    }

    /** A small body (an index, a key): no cache, no progress; null for 404 when optional. */
    static byte[] body(String url, boolean optional) throws StepFailure, InterruptedException {
        try {
            HttpResponse<InputStream> r = client(url).send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                if (r.statusCode() == 404 && optional) {
                    return null;
                }
                if (r.statusCode() / 100 != 2) {
                    throw new StepFailure("cannot download " + url + ": HTTP status " + r.statusCode());
                }
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new StepFailure("cannot download " + url + ": " + cause(e), e);
        } catch (IllegalArgumentException e) {
            throw new StepFailure("cannot download " + url + ": not a valid url", e);
        }
    }

    /** The cause of a failed download in words ("connection refused"), for "cannot download URL: ...". */
    static String cause(IOException e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t instanceof java.net.ConnectException)) {
            t = t.getCause();
        }
        if (e instanceof java.net.ConnectException || t instanceof java.net.ConnectException) {
            return "connection refused or unreachable" + (t.getMessage() == null ? "" : " (" + t.getMessage() + ")");
        }
        if (t instanceof java.net.UnknownHostException || t instanceof java.nio.channels.UnresolvedAddressException) {
            return "unknown host";
        }
        if (t instanceof java.net.http.HttpTimeoutException) {
            return "timed out";
        }
        if (t instanceof javax.net.ssl.SSLException) {
            return "TLS error: " + t.getMessage();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }

    private static String cacheName(String url) {
        MessageDigest d = VersionHash.sha256();
        String hash = HexFormat.of().formatHex(d.digest(url.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        String base = url.replaceAll("[?#].*$", "");
        base = base.substring(base.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        return hash + "-" + (base.isEmpty() ? "download" : base);
    }

    private static void download(String url, Path file, String sha256, BuildProgress progress, String container)
            throws IOException, InterruptedException {
        Files.createDirectories(file.getParent());
        Path part = file.resolveSibling(file.getFileName() + ".part." + ProcessHandle.current().pid());
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).GET().build();
        progress.downloading(container, url);
        try {
            HttpResponse<InputStream> response;
            try {
                response = client(url).send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                throw new IOException("cannot download " + url + ": " + cause(e), e);
            }
            if (response.statusCode() / 100 != 2) {
                response.body().close();
                throw new IOException("cannot download " + url + ": HTTP status " + response.statusCode());
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
            } catch (IOException e) {
                throw new IOException("cannot download " + url + ": " + cause(e) + " after " + got + " bytes", e);
            }
            if (total > 0 && got != total) {
                throw new IOException("cannot download " + url + ": got " + got + " of " + total + " bytes");
            }
            if (sha256 != null) {
                verify(part, url, sha256);
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
