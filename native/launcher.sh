#!/bin/sh
# Launcher for vagga: runs the jar beside it with the JVM flags the supervisor needs.
# -Xrs: the JVM leaves SIGINT/SIGQUIT/SIGTERM/SIGHUP alone; vagga handles them itself (see README).
self=$(readlink -f "$0")
dir=${self%/*}
lib="$dir/lib"
[ -d "$lib" ] || lib="$dir/../lib/vagga"
java=${VAGGA_JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}
cds=
# A stale or foreign archive is skipped silently (-Xshare:auto, cds logs off).
[ -f "$lib/vagga.jsa" ] && cds="-XX:SharedArchiveFile=$lib/vagga.jsa -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off"
exec "$java" -Xrs -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -XX:-UsePerfData $cds \
    -Dvagga.libdir="$lib" -jar "$lib/vagga.jar" "$@"
