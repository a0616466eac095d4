// Pulls from a Docker Registry (HTTP API v2): anonymous bearer tokens, manifests, blobs checked against their digests.
package vagga.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import vagga.config.JsonFile;

/**
 * What {@code docker pull} does for one image, as the registry API documents it: {@code GET /v2/};
 * a 401 with {@code WWW-Authenticate: Bearer realm=...,service=...} means an anonymous token from
 * the realm for {@code repository:IMAGE:pull}, sent as {@code Authorization: Bearer} from then on
 * (again when a later answer is 401: tokens expire). The manifest of a tag may be a list (an OCI
 * index): its linux/amd64 entry is fetched by digest. Every blob and every manifest fetched by
 * digest is checked against its sha256 before anything trusts it. https, or plain http for an
 * insecure registry. Redirects (Docker Hub sends blobs to a CDN) are followed here, without the
 * token when they leave the registry's host.
 */
final class DockerRegistry {
    /** A layer of the image: its digest ({@code sha256:HEX}) and the size the manifest says. */
    record Layer(String digest, long size) {
        String hex() {
            return digest.substring("sha256:".length());
        }
    }

    /** What a download reports (every few MiB), so a long pull shows it is alive. */
    interface Progress {
        void bytes(long got, long total);
    }

    static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    private static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    private static final String ACCEPT = String.join(", ", DOCKER_MANIFEST, DOCKER_LIST, OCI_MANIFEST, OCI_INDEX);
    private static final Pattern CHALLENGE = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final int MAX_MANIFEST = 4 << 20;
    private static final int MAX_REDIRECTS = 5;
    private static final long PROGRESS_EVERY = 4L << 20;

    private final String registry;
    private final String image;
    private final URI base;
    private final SSLContext ssl;
    private final Map<String, HttpClient> clients = new HashMap<>();
    private String token;

    DockerRegistry(String registry, boolean insecure, String image, SSLContext ssl) {
        this.registry = registry;
        this.image = image;
        this.base = URI.create((insecure ? "http://" : "https://") + registry + "/v2/");
        this.ssl = ssl;
    }

    /** The layers of {@code tag}, bottom first (for a list: of its linux/amd64 image). */
    List<Layer> layers(String tag) throws StepFailure, InterruptedException {
        ping();
        Map<?, ?> manifest = manifest(tag, null);
        if (manifest.get("manifests") instanceof List<?> entries) {
            String digest = amd64(tag, entries);
            manifest = manifest(digest, digest);
        }
        // an OCI manifest may leave its mediaType out; Docker's old schema 1 has none either
        String type = manifest.get("mediaType") != null ? String.valueOf(manifest.get("mediaType"))
                : "schema version " + manifest.get("schemaVersion");
        if (!(manifest.get("layers") instanceof List<?> layers)) {
            throw new StepFailure(BuildText.dockerManifestUnsupported(ref(tag), type));
        }
        List<Layer> out = new ArrayList<>();
        for (Object o : layers) {
            Map<?, ?> l = o instanceof Map<?, ?> m ? m : Map.of();
            String digest = String.valueOf(l.get("digest"));
            if (!DIGEST.matcher(digest).matches()) {
                throw new StepFailure(BuildText.dockerBadDigest(ref(tag), digest));
            }
            out.add(new Layer(digest, l.get("size") instanceof Number n ? n.longValue() : -1));
        }
        return out;
    }

    /** {@code GET /v2/}: the registry is there and speaks v2; its 401 challenge says where tokens come from. */
    private void ping() throws StepFailure, InterruptedException {
        try {
            HttpResponse<InputStream> r = send(base, "application/json");
            String text;
            try (InputStream in = r.body()) {
                text = errorText(in);
            }
            if (r.statusCode() == 401) {
                authenticate(r.headers().firstValue("www-authenticate").orElse(""));
            } else if (r.statusCode() / 100 != 2) {
                throw new StepFailure(BuildText.dockerHttpStatus(base.toString(), r.statusCode(), text));
            }
        } catch (IOException e) {
            throw unreachable(base, e);
        }
    }

    /** The linux/amd64 entry of a manifest list; an error listing the platforms when there is none. */
    private String amd64(String tag, List<?> entries) throws StepFailure {
        List<String> platforms = new ArrayList<>();
        for (Object o : entries) {
            Map<?, ?> e = o instanceof Map<?, ?> m ? m : Map.of();
            Map<?, ?> p = e.get("platform") instanceof Map<?, ?> m ? m : Map.of();
            String name = p.get("os") + "/" + p.get("architecture") + (p.get("variant") != null ? "/" + p.get("variant") : "");
            if ("linux".equals(p.get("os")) && "amd64".equals(p.get("architecture"))) {
                String digest = String.valueOf(e.get("digest"));
                if (!DIGEST.matcher(digest).matches()) {
                    throw new StepFailure(BuildText.dockerBadDigest(ref(tag), digest));
                }
                return digest;
            }
            platforms.add(name);
        }
        throw new StepFailure(BuildText.dockerNoAmd64(ref(tag), platforms));
    }

    /** A manifest by tag, or by digest (then checked against it). */
    private Map<?, ?> manifest(String reference, String digest) throws StepFailure, InterruptedException {
        URI uri = base.resolve(image + "/manifests/" + reference);
        byte[] body;
        try {
            HttpResponse<InputStream> r = get(uri, ACCEPT);
            try (InputStream in = r.body()) {
                if (r.statusCode() == 404) {
                    throw new StepFailure(BuildText.dockerNotFound(ref(reference), errorText(in)));
                }
                if (r.statusCode() / 100 != 2) {
                    throw new StepFailure(BuildText.dockerHttpStatus(uri.toString(), r.statusCode(), errorText(in)));
                }
                body = in.readNBytes(MAX_MANIFEST + 1);
            }
            if (body.length > MAX_MANIFEST) {
                throw new StepFailure(BuildText.dockerManifestUnsupported(ref(reference), "larger than 4 MiB"));
            }
            String stated = r.headers().firstValue("docker-content-digest").orElse(null);
            String check = digest != null ? digest : stated != null && DIGEST.matcher(stated).matches() ? stated : null;
            if (check != null) {
                String actual = "sha256:" + HexFormat.of().formatHex(sha256().digest(body));
                if (!actual.equals(check)) {
                    throw new StepFailure(BuildText.dockerDigestMismatch("manifest", check, registry, actual));
                }
            }
            Object json = JsonFile.parse(new String(body, StandardCharsets.UTF_8), uri.toString());
            if (!(json instanceof Map<?, ?> m)) {
                throw new StepFailure(BuildText.dockerManifestUnsupported(ref(reference), "not a JSON object"));
            }
            return m;
        } catch (IOException e) {
            throw unreachable(uri, e);
        }
    }

    /**
     * Streams a blob into {@code into} (a new file: never through a link planted there), checking it against its digest on the way: a
     * blob that does not match is an error (the caller removes the file).
     */
    void blob(Layer layer, Path into, Progress progress) throws StepFailure, IOException, InterruptedException {
        URI uri = base.resolve(image + "/blobs/" + layer.digest());
        HttpResponse<InputStream> r;
        try {
            r = get(uri, "*/*");
        } catch (IOException e) {
            throw unreachable(uri, e);
        }
        MessageDigest sha = sha256();
        long got = 0;
        try (InputStream in = r.body()) {
            if (r.statusCode() / 100 != 2) {
                throw new StepFailure(BuildText.dockerHttpStatus(uri.toString(), r.statusCode(), errorText(in)));
            }
            long total = r.headers().firstValueAsLong("content-length").orElse(layer.size());
            long next = PROGRESS_EVERY;
            try (OutputStream out = Files.newOutputStream(into, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                byte[] buf = new byte[65536];
                for (int n; (n = in.read(buf)) > 0;) {
                    out.write(buf, 0, n);
                    sha.update(buf, 0, n);
                    got += n;
                    if (got >= next) {
                        progress.bytes(got, total);
                        next += PROGRESS_EVERY;
                    }
                }
            }
        } catch (IOException e) {
            throw new StepFailure(BuildText.dockerBlobBroken(layer.digest(), registry, got, Fetch.cause(e)), e);
        }
        String actual = "sha256:" + HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(layer.digest())) {
            throw new StepFailure(BuildText.dockerDigestMismatch("layer", layer.digest(), registry, actual));
        }
    }

    /** A GET with the token (fetched on a 401 challenge, once per request), following redirects. */
    private HttpResponse<InputStream> get(URI uri, String accept) throws IOException, StepFailure, InterruptedException {
        HttpResponse<InputStream> r = send(uri, accept);
        if (r.statusCode() == 401) {
            String challenge = r.headers().firstValue("www-authenticate").orElse("");
            r.body().close();
            authenticate(challenge);
            r = send(uri, accept);
            if (r.statusCode() == 401) {
                String text;
                try (InputStream in = r.body()) {
                    text = errorText(in);
                }
                throw new StepFailure(BuildText.dockerRefused(registry, image, text));
            }
        }
        return r;
    }

    private HttpResponse<InputStream> send(URI uri, String accept) throws IOException, InterruptedException {
        URI at = uri;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(at).GET().header("Accept", accept);
            if (token != null && sameHost(at, base)) {
                b.header("Authorization", "Bearer " + token);
            }
            HttpResponse<InputStream> r = client(at).send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            String location = r.headers().firstValue("location").orElse(null);
            if (r.statusCode() / 100 != 3 || location == null || hop >= MAX_REDIRECTS) {
                return r;
            }
            r.body().close();
            at = at.resolve(location);
        }
    }

    /** The anonymous token the registry's Bearer challenge points at. */
    private void authenticate(String challenge) throws StepFailure, InterruptedException {
        if (!challenge.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new StepFailure(BuildText.dockerNeedsLogin(registry, challenge));
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = CHALLENGE.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null || realm.isEmpty()) {
            throw new StepFailure(BuildText.dockerNeedsLogin(registry, challenge));
        }
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?');
        if (params.get("service") != null) {
            url.append("service=").append(enc(params.get("service"))).append('&');
        }
        url.append("scope=").append(enc("repository:" + image + ":pull"));
        URI uri;
        try {
            uri = URI.create(url.toString());
        } catch (IllegalArgumentException e) {
            throw new StepFailure(BuildText.dockerNeedsLogin(registry, challenge), e);
        }
        try {
            HttpResponse<InputStream> r = send(uri, "application/json");
            String body;
            try (InputStream in = r.body()) {
                body = new String(in.readNBytes(MAX_MANIFEST), StandardCharsets.UTF_8);
            }
            if (r.statusCode() / 100 != 2) {
                throw new StepFailure(BuildText.dockerHttpStatus(uri.toString(), r.statusCode(), body.strip()));
            }
            Object json = JsonFile.parse(body, uri.toString());
            Object t = json instanceof Map<?, ?> j ? (j.get("token") != null ? j.get("token") : j.get("access_token"))
                    : null;
            if (!(t instanceof String s) || s.isEmpty()) {
                throw new StepFailure(BuildText.dockerHttpStatus(uri.toString(), r.statusCode(), "no token in the answer"));
            }
            token = s;
        } catch (IOException e) {
            throw unreachable(uri, e);
        }
    }

    private HttpClient client(URI uri) {
        String key = uri.getScheme() + "://" + uri.getRawAuthority();
        return clients.computeIfAbsent(key, k -> Fetch.clientBuilder(uri.toString())
                .followRedirects(HttpClient.Redirect.NEVER).sslContext(ssl).build());
    }

    private StepFailure unreachable(URI uri, IOException e) {
        boolean tls = e instanceof javax.net.ssl.SSLException || e.getCause() instanceof javax.net.ssl.SSLException;
        return new StepFailure(BuildText.dockerUnreachable(registry, uri.toString(), Fetch.cause(e),
                tls && uri.getScheme().equals("https")), e);
    }

    /** The first error of a registry's JSON error body ({@code MANIFEST_UNKNOWN: manifest unknown}), or its text. */
    private static String errorText(InputStream in) throws IOException {
        String body = new String(in.readNBytes(8192), StandardCharsets.UTF_8).strip();
        try {
            if (JsonFile.parse(body, "error") instanceof Map<?, ?> m && m.get("errors") instanceof List<?> l
                    && !l.isEmpty() && l.get(0) instanceof Map<?, ?> e) {
                return e.get("code") + ": " + e.get("message");
            }
        } catch (IOException notJson) {
            // a proxy's or a web server's page: its first line says enough
        }
        return body.lines().findFirst().orElse("");
    }

    private String ref(String reference) {
        return registry + "/" + image + (reference.startsWith("sha256:") ? "@" : ":") + reference;
    }

    /** The JDK's SHA-256: with its CPU intrinsics 256 MiB took 0.2 s here, VersionHash's own 2.0 s (a layer may be GBs). */
    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean sameHost(URI a, URI b) {
        return a.getScheme().equals(b.getScheme()) && String.valueOf(a.getRawAuthority()).equals(b.getRawAuthority());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
