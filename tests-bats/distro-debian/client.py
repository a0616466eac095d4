# A redis client over the wire protocol (no library): waits for the server, SET then GET, prints the value.
import os, socket, sys, time

path = sys.argv[1]
deadline = time.time() + 30
while True:
    try:
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        break
    except OSError:
        if time.time() > deadline:
            sys.exit("redis did not come up at " + path)
        time.sleep(0.1)

def command(*args):
    s.sendall(b"".join([b"*%d\r\n" % len(args)] + [b"$%d\r\n%s\r\n" % (len(a), a) for a in args]))
    return s.recv(65536)

mark = os.environ.get("MARK", "none").encode()
print("SET:", command(b"SET", b"greeting", b"hello " + mark).decode().strip())
print("GET:", command(b"GET", b"greeting").decode().split("\r\n")[1])
print("INFO:", [l for l in command(b"INFO", b"server").decode().split("\r\n") if l.startswith("redis_version")][0])
