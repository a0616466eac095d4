#!/usr/bin/env bats
# What a start links (structure, not time; bench/start.sh has the numbers): a command, a supervise
# and _run in a built container, with settings, link no lambda, no stream pipeline and no regex.
# Each first use of one costs a cold JVM ~10 ms of CPU, on every start (README "Start-up").

load helpers

setup() {
    project startpath
    mkdir -p bb/bin
    cp /bin/busybox bb/bin/busybox
    ln -s busybox bb/bin/sh
    ln -s busybox bb/bin/true
    export VAGGA_SETTINGS="version-check: true"
}
teardown() { cleanup_project; }

# classes ARGS...: the classes a warm start of vagga ARGS loads (its second run: caches written by the first)
classes() {
    "$VAGGA" "$@" > /dev/null 2>&1 || true
    JAVA_TOOL_OPTIONS="-XX:DumpLoadedClassList=$BATS_TEST_TMPDIR/classes" "$VAGGA" "$@" > /dev/null 2>&1 || true
    [ -s "$BATS_TEST_TMPDIR/classes" ]
}

refute_links() {
    run grep -E '@lambda-proxy|^java/util/regex/Pattern |^java/util/stream/ReferencePipeline |^picocli/' "$BATS_TEST_TMPDIR/classes"
    assert_failure
}

@test "startpath: a plain command, a supervise that succeeds, one that stops, one prefixed, _run: no lambda, stream or regex linked" {
    # files changed within the last 2 s are racily clean: their tree is walked (and filtered by
    # its regex) at every start until then (InputTrees); a no-change start is one after that
    sleep 2.5
    for args in plain inbb sup stop "--prefix sup" "_run bb /bin/true"; do
        # shellcheck disable=SC2086
        classes $args
        echo "vagga $args" >&3
        refute_links
    done
}
