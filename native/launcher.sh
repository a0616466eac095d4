#!/bin/sh
# Launcher for vagga: runs the jar beside it with the JVM flags the supervisor needs.
# -Xrs: the JVM leaves SIGINT/SIGQUIT/SIGTERM/SIGHUP alone; vagga handles them itself (see README).
# Every start pays for this script: no external command unless $0 is a symlink.
# vagga.argv0 is the name it was called by (a symlink named like a command runs that command:
# run-symlinks-as-commands), vagga.exe this script's own path (what _update_symlinks links to).
self=$0
case $self in
    */*) ;;
    *) self=$(command -v -- "$self") ;;
esac
[ -L "$self" ] && self=$(readlink -f "$self")
dir=${self%/*}
lib="$dir/lib"
[ -d "$lib" ] || lib="$dir/../lib/vagga"
# the copy in the lib dir itself (the capsule of a !CapsuleCommand runs that one)
[ -f "$dir/vagga.jar" ] && lib=$dir
java=${VAGGA_JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}
# Java decodes file names in the charset of the locale it starts in, for good: in the C locale (LANG
# unset, as under cron, env -i, systemd units, many containers) that is ASCII, and a project in
# /home/josé or a !Copy of café.txt could not even be named. Then the JVM gets LC_ALL=C.UTF-8, and the
# caller's own LC_ALL rides along in _VAGGA_LC_ALL ("set:VALUE", or empty for none): vagga puts it
# back in what it passes on (propagate-environ and the like), so children see the caller's
# environment. Any other locale is the caller's charset for its file names, and stays; so does C
# where the system has no C.UTF-8 (the host tools vagga runs would warn of a missing locale).
case ${LC_ALL:-${LC_CTYPE:-${LANG:-}}} in
    "" | C | POSIX)
        if [ -d /usr/lib/locale/C.utf8 ] || [ -d /usr/lib/locale/C.UTF-8 ]; then
            _VAGGA_LC_ALL=${LC_ALL+set:$LC_ALL}
            LC_ALL=C.UTF-8
            export _VAGGA_LC_ALL LC_ALL
        fi
        ;;
esac
cds=
# A stale or foreign archive is skipped silently (-Xshare:auto, cds logs off).
[ -f "$lib/vagga.jsa" ] && cds="-XX:SharedArchiveFile=$lib/vagga.jsa -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off"
# One C1 compiler thread: on a small machine a second one competes with the children being started.
# Compile thresholds three times the default: a short run (a rebuild, a plain command) spends less of
# its CPU compiling methods it will call a few hundred times and then exit; a long supervisor compiles
# the same code a little later (bench/README.md, issue 16's seventh pass).
# G1, not the serial collector: on Java 17 only a G1 JVM maps the archive's heap objects (the module
# graph among them), which saved every start 8-17 ms (README "Building"); the archive is dumped with G1.
# 2 MiB of stack per thread (reserved, touched only as used): with 512 KiB, hashing a !Copy tree some
# 1,000 directories deep (a child can make one under /work) overflowed it; 2 MiB takes any tree whose
# paths fit in PATH_MAX.
# No reflection inflation: the config cache builds records through their constructors, and spinning an
# accessor class per record type after 15 calls costs more at startup than the native calls it saves.
# No attach listener: with -Xrs HotSpot starts one at every start (it cannot wait for a SIGQUIT), a
# thread and a socket /tmp/.java_pid<PID> that only a normal exit removes: a kill -9 of vagga left
# the socket behind in /tmp (kill9.bats checks that nothing is).
# HotSpot's thread suspend/resume signal is SIGUSR2 unless moved: moved to SIGRTMIN+28, SIGUSR2 acts as
# the other unhandled signals do (it kills vagga and every child; README "Signals").
_JAVA_SR_SIGNUM=62
export _JAVA_SR_SIGNUM
# vagga-sigblock: the signals vagga acts on stay pending, not lost, until its handlers are in place.
exec "$lib/vagga-sigblock" "$java" -Dsun.reflect.inflationThreshold=2147483647 -Xrs -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:CompileThresholdScaling=3 -XX:+UseG1GC -Xss2m -XX:-UsePerfData -XX:+DisableAttachMechanism $cds \
    -Dvagga.libdir="$lib" -Dvagga.argv0="$0" -Dvagga.exe="$self" -jar "$lib/vagga.jar" "$@"
