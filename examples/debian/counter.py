# A web page counting its visits in redis (the wire protocol by hand: no library to install).
import http.server, socket, time

def incr():
    with socket.create_connection(("127.0.0.1", 6380)) as s:
        s.sendall(b"*2\r\n$4\r\nINCR\r\n$6\r\nvisits\r\n")
        return int(s.recv(64)[1:].strip())

class Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("visit number %d\n" % incr()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

for _ in range(100):  # redis starts beside us: wait for it, up to 10 s
    try:
        socket.create_connection(("127.0.0.1", 6380)).close()
        break
    except OSError:
        time.sleep(0.1)
print("web: serving visits on http://127.0.0.1:8081/", flush=True)
http.server.HTTPServer(("127.0.0.1", 8081), Page).serve_forever()
