# The local "simple" index of the pip tests (PyPI is not reachable here): tiny wheels the test writes.

# wheel DIR NAME VERSION [REQUIRES]: a pure-python wheel in DIR/simple/NAME/, module NAME
wheel() {
    python3 - "$1" "$2" "$3" "${4:-}" <<'PY'
import base64, hashlib, os, sys, zipfile
top, name, version, requires = sys.argv[1:5]
dist = f"{name}-{version}.dist-info"
files = {
    f"{name}.py": f"VERSION = {version!r}\n",
    f"{dist}/METADATA": "Metadata-Version: 2.1\nName: %s\nVersion: %s\n%s" % (
        name, version, f"Requires-Dist: {requires}\n" if requires else ""),
    f"{dist}/WHEEL": "Wheel-Version: 1.0\nGenerator: bats\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}
record = []
for path, text in files.items():
    digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
    record.append(f"{path},sha256={digest},{len(text.encode())}")
record.append(f"{dist}/RECORD,,")
files[f"{dist}/RECORD"] = "\n".join(record) + "\n"
os.makedirs(f"{top}/simple/{name}", exist_ok=True)
whl = f"{name}-{version}-py3-none-any.whl"
with zipfile.ZipFile(f"{top}/simple/{name}/{whl}", "w") as z:
    for path, text in files.items():
        z.writestr(path, text)
with open(f"{top}/simple/{name}/index.html", "a") as f:
    f.write(f'<a href="{whl}">{whl}</a>\n')
PY
}

# tiny_index DIR: tinypkg 1.0 (which depends on tinydep) and tinydep 2.0 in DIR/simple/
tiny_index() {
    wheel "$1" tinydep 2.0
    wheel "$1" tinypkg 1.0 tinydep
}
