# python-packages.sh (sourced by make-mirror.sh, with its pkg and script functions): the packages
# that vagga's pip steps install on Alpine, python3 py3-pip build-base python3-dev ca-certificates,
# in v3.18/main. STAND-INS: Alpine's python (musl) cannot be had here, so python3 holds Debian's
# python3.11 (from the Debian root $python_root: the interpreter, its standard library and the
# glibc libraries it and its extension modules load, found with ldd) and py3-pip Debian's pip;
# build-base, python3-dev and ca-certificates hold one marker file each.
lib=usr/lib/x86_64-linux-gnu
py=$work/python3
mkdir -p "$py/usr/bin" "$py/usr/lib" "$py/$lib" "$py/lib64" "$py/etc"
cp -a "$python_root"/usr/bin/python3.11 "$py/usr/bin/"
ln -s python3.11 "$py/usr/bin/python3"
cp -a "$python_root"/usr/lib/python3.11 "$py/usr/lib/"
rm -rf "$py/usr/lib/python3.11/test" "$py/usr/lib/python3.11/idlelib" "$py/usr/lib/python3.11/tkinter"
find "$py/usr/lib/python3.11" -name __pycache__ -prune -exec rm -rf {} +
cp -a "$python_root"/etc/python3.11 "$py/etc/"
# by soname: ldd names them, the Debian root has them
for so in $(ldd "$python_root"/usr/bin/python3.11 "$python_root"/usr/lib/python3.11/lib-dynload/*.so 2>/dev/null \
        | awk '$2 == "=>" {print $1}' | sort -u); do
    cp -L "$python_root/$lib/$so" "$py/$lib/"
done
cp -L "$python_root/$lib/ld-linux-x86-64.so.2" "$py/lib64/"
pkg v3.18/main python3 3.11.2-r0 "" "cmd:python3"

mkdir -p "$work/py3-pip/usr/lib/python3" "$work/py3-pip/usr/share" "$work/py3-pip/usr/bin"
cp -a "$python_root"/usr/lib/python3/dist-packages "$work/py3-pip/usr/lib/python3/"
[ ! -d "$python_root"/usr/share/python-wheels ] || cp -a "$python_root"/usr/share/python-wheels "$work/py3-pip/usr/share/"
cp -a "$python_root"/usr/bin/pip3 "$work/py3-pip/usr/bin/"
pkg v3.18/main py3-pip 23.1.2-r0 "python3" "cmd:pip3"

for marker in build-base python3-dev ca-certificates; do
    mkdir -p "$work/$marker/usr/share/vagga-standin"
    echo "stand-in for Alpine's $marker" > "$work/$marker/usr/share/vagga-standin/$marker"
done
pkg v3.18/main build-base 0.5-r3 "" ""
pkg v3.18/main python3-dev 3.11.2-r0 "python3" ""
pkg v3.18/main ca-certificates 20230506-r0 "" ""
