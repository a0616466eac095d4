#!/usr/bin/env python3
# Stand-in for a Docker registry (HTTP API v2) on 127.0.0.1, for tests-bats/docker-image.bats.
#   registry.py push STORE REPO TAG [--oci] [--platforms os/arch,...] LAYER.tar[.gz]...
#       stores the layers as blobs, an image config and a Docker v2 manifest for REPO:TAG; with
#       --platforms the tag is a manifest list whose linux/amd64 entry (when named) is that manifest;
#       --oci: OCI media types instead (a layer not ending in .gz is an uncompressed OCI layer, the
#       index has no mediaType field: its Content-Type says what it is)
#   registry.py serve STORE PORTFILE LOG [--auth] [--tls CERT KEY]
#       serves STORE; writes its port to PORTFILE; one line per request to LOG ("GET /path bearer=yes").
# --auth: as Docker Hub, /v2/ and every repository answer 401 with a Bearer challenge whose realm
# (/token) hands out an anonymous token per repository scope. Blobs are redirected, as Docker Hub
# sends them to its CDN, to another authority (localhost instead of 127.0.0.1), which refuses
# requests carrying the registry's token. Files in STORE change what is served:
#   STORE/corrupt/HEX  is served instead of the blob sha256:HEX (content that does not match its digest)
#   STORE/slow         blobs whose hex digest is a line of it are sent 4 KiB every 0.1 s (while it says so)
import hashlib, http.server, json, os, ssl, sys, time, urllib.parse

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"


def put_blob(store, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    os.makedirs(os.path.join(store, "blobs"), exist_ok=True)
    with open(os.path.join(store, "blobs", digest), "wb") as f:
        f.write(data)
    return digest


def push(store, repo, tag, layers, platforms, oci):
    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "rootfs": {"type": "layers", "diff_ids": []}}).encode()
    entries = []
    for path in layers:
        data = open(path, "rb").read()
        if oci:
            ltype = "application/vnd.oci.image.layer.v1.tar" + ("+gzip" if path.endswith(".gz") else "")
        else:
            ltype = "application/vnd.docker.image.rootfs.diff.tar.gzip"
        entries.append({"mediaType": ltype, "size": len(data), "digest": put_blob(store, data)})
    mtype = OCI_MANIFEST if oci else DOCKER_MANIFEST
    ctype = "application/vnd.oci.image.config.v1+json" if oci else "application/vnd.docker.container.image.v1+json"
    manifest = json.dumps({"schemaVersion": 2, "mediaType": mtype,
                           "config": {"mediaType": ctype, "size": len(config), "digest": put_blob(store, config)},
                           "layers": entries}, indent=3).encode()
    top = manifest
    digest = put_blob(store, manifest)
    if platforms is not None:
        index = {"schemaVersion": 2, "manifests": [
            {"mediaType": mtype, "size": len(manifest), "digest": digest,
             "platform": {"os": p.split("/")[0], "architecture": p.split("/")[1]}}
            for p in platforms]}
        if not oci:
            index["mediaType"] = DOCKER_LIST
        top = json.dumps(index).encode()
        put_blob(store, top)
    os.makedirs(os.path.join(store, "tags", repo), exist_ok=True)
    with open(os.path.join(store, "tags", repo, tag), "wb") as f:
        f.write(top)
    for e in entries:
        print(e["digest"])


def serve(store, portfile, log, auth, tls):
    scheme = "https" if tls else "http"

    def slow(digest):
        try:
            return digest.split(":")[-1] in open(os.path.join(store, "slow")).read().split()
        except OSError:
            return False

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, fmt, *args):
            pass

        def answer(self, status, body=b"", ctype="application/json", headers=()):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def error(self, status, code, message, headers=()):
            self.answer(status, json.dumps({"errors": [{"code": code, "message": message}]}).encode(),
                        headers=headers)

        def challenge(self, scope):
            realm = '%s://127.0.0.1:%d/token' % (scheme, self.server.server_port)
            value = 'Bearer realm="%s",service="standin-registry"' % realm
            if scope:
                value += ',scope="repository:%s:pull"' % scope
            self.error(401, "UNAUTHORIZED", "authentication required", [("WWW-Authenticate", value)])

        def authorized(self, repo):
            return self.headers.get("Authorization") == "Bearer tok-" + repo

        def do_GET(self):
            bearer = self.headers.get("Authorization", "").startswith("Bearer ")
            with open(log, "a") as f:
                f.write("GET %s bearer=%s host=%s\n" % (self.path, "yes" if bearer else "no",
                                                       self.headers.get("Host")))
            u = urllib.parse.urlsplit(self.path)
            path = u.path
            if path == "/token":
                scope = urllib.parse.parse_qs(u.query).get("scope", [""])[0]
                parts = scope.split(":")
                if len(parts) != 3 or parts[0] != "repository" or parts[2] != "pull":
                    return self.error(400, "BAD_SCOPE", "scope %r" % scope)
                return self.answer(200, json.dumps({"token": "tok-" + parts[1]}).encode())
            if path == "/v2/":
                if auth and not bearer:
                    return self.challenge(None)
                return self.answer(200, b"{}")
            if path.startswith("/cdn/"):
                if bearer:
                    return self.error(400, "AUTH_TO_CDN", "the registry's token was sent to the CDN")
                return self.blob(path[len("/cdn/"):])
            if not path.startswith("/v2/"):
                return self.error(404, "NOT_FOUND", path)
            rest = path[len("/v2/"):]
            for kind in ("/manifests/", "/blobs/"):
                if kind in rest:
                    repo, ref = rest.rsplit(kind, 1)
                    break
            else:
                return self.error(404, "NOT_FOUND", path)
            if auth and not self.authorized(repo):
                return self.challenge(repo)
            if kind == "/blobs/":
                if auth:
                    # the CDN: another authority for the same server
                    where = "%s://localhost:%d/cdn/%s" % (scheme, self.server.server_port, ref)
                    return self.answer(307, b"", headers=[("Location", where)])
                return self.blob(ref)
            if ref.startswith("sha256:"):
                f = os.path.join(store, "blobs", ref)
            else:
                f = os.path.join(store, "tags", repo, ref)
            if "/" in ref or not os.path.isfile(f):
                return self.error(404, "MANIFEST_UNKNOWN", "manifest unknown")
            body = open(f, "rb").read()
            doc = json.loads(body)
            ctype = doc.get("mediaType", OCI_INDEX if "manifests" in doc else OCI_MANIFEST)
            digest = "sha256:" + hashlib.sha256(body).hexdigest()
            self.answer(200, body, ctype, [("Docker-Content-Digest", digest)])

        def blob(self, digest):
            f = os.path.join(store, "blobs", digest)
            if "/" in digest or not os.path.isfile(f):
                return self.error(404, "BLOB_UNKNOWN", "blob unknown")
            corrupt = os.path.join(store, "corrupt", digest.split(":")[-1])
            body = open(corrupt if os.path.isfile(corrupt) else f, "rb").read()
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            sent = 0
            while slow(digest) and sent < len(body) - 1:
                self.wfile.write(body[sent:sent + 4096][:len(body) - 1 - sent])
                self.wfile.flush()
                sent = min(sent + 4096, len(body) - 1)
                time.sleep(0.1)
            self.wfile.write(body[sent:])

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(tls[0], tls[1])
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(server.server_port))
    os.rename(portfile + ".tmp", portfile)
    server.serve_forever()


def main(argv):
    if argv[0] == "push":
        store, repo, tag = argv[1:4]
        rest = argv[4:]
        platforms = None
        oci = rest[:1] == ["--oci"]
        if oci:
            rest = rest[1:]
        if rest and rest[0] == "--platforms":
            platforms = rest[1].split(",")
            rest = rest[2:]
        push(store, repo, tag, rest, platforms, oci)
    elif argv[0] == "serve":
        store, portfile, log = argv[1:4]
        rest = argv[4:]
        auth = "--auth" in rest
        tls = rest[rest.index("--tls") + 1:rest.index("--tls") + 3] if "--tls" in rest else None
        serve(store, portfile, log, auth, tls)
    else:
        sys.exit("usage: registry.py push|serve ...")


main(sys.argv[1:])
