#!/usr/bin/env python3
# Stand-in for the unreachable Ubuntu/Alpine mirrors, a keyserver and a proxy, on 127.0.0.1 only.
#   standin-mirror.py DIR PORTFILE LOG: serves DIR; writes the chosen port to PORTFILE; one line per request to LOG.
# As an HTTP proxy (a request line with an absolute http:// URL) it serves DIR/proxied/HOST/PATH,
# so that http_proxy pointed here stands in for ppa.launchpad.net and the like.
# /pks/lookup?op=get&search=0xKEY answers with DIR/keys/KEY.asc (an HKP keyserver).
# A path containing $STANDIN_SLOW (when set) is sent 64 KiB every 0.1 s: a download slow enough to
# kill a build in the middle of it (the tests synchronise on the partial file, not on time).
import http.server, os, sys, time, urllib.parse

root, portfile, log = sys.argv[1:4]
slow = os.environ.get("STANDIN_SLOW")

class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **kw):
        super().__init__(*a, directory=root, **kw)

    def log_message(self, fmt, *args):
        with open(log, "a") as f:
            f.write("%s %s\n" % (self.command, self.path))

    def translate_path(self, path):
        u = urllib.parse.urlsplit(path)
        if u.scheme == "http":
            # through the proxy to ourselves (a client that ignores no_proxy) is the plain path
            path = u.path if u.hostname == "127.0.0.1" else "/proxied/" + u.netloc + u.path
        return super().translate_path(path)

    def copyfile(self, source, outputfile):
        if not slow or slow not in self.path:
            return super().copyfile(source, outputfile)
        while True:
            chunk = source.read(65536)
            if not chunk:
                return
            outputfile.write(chunk)
            outputfile.flush()
            time.sleep(0.1)

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        if u.path == "/pks/lookup":
            q = urllib.parse.parse_qs(u.query)
            key = q.get("search", [""])[0].removeprefix("0x").upper()
            f = os.path.join(root, "keys", key + ".asc")
            if not os.path.isfile(f):
                self.send_error(404, "no such key")
                return
            body = open(f, "rb").read()
            self.send_response(200)
            self.send_header("Content-Type", "application/pgp-keys")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
