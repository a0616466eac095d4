#!/usr/bin/env bats
# The packages (issue 7): install the built .deb, smoke-test /usr/bin/vagga, purge it; inspect and run the .rpm.
# Builds nothing: run `make deb rpm` first (`make bats` does). A missing package or packaging tool
# is a failure, not a skip: `make deps` installs the tools, so a skip could only hide a regression.

load helpers

ROOT=$(readlink -f "$BATS_TEST_DIRNAME/..")
VERSION=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$ROOT/pom.xml" | head -1)
DEB=$(ls -t "$ROOT"/target/vagga_*_amd64.deb 2>/dev/null | head -1)
RPM=$(ls -t "$ROOT"/target/vagga-*.x86_64.rpm 2>/dev/null | head -1)

# The installed launcher, not build/vagga: that is what the package delivers.
VAGGA=/usr/bin/vagga

need_deb() {
    [ -n "$DEB" ] || fail "no target/vagga_*_amd64.deb; run make deb (make bats builds it)"
    [ "$(id -u)" = 0 ] || skip "installing a .deb needs root"
    command -v dpkg > /dev/null || fail "dpkg is missing (make deps runs on Debian)"
}

need_installed() {
    need_deb
    dpkg-query -W -f='${Status}' vagga 2>/dev/null | grep -q 'install ok installed' \
        || fail "vagga is not installed: the install test failed or did not run"
}

need_rpm() {
    [ -n "$RPM" ] || fail "no target/vagga-*.x86_64.rpm; run make rpm (make bats builds it)"
    command -v rpm > /dev/null || fail "rpm is not installed (make deps installs it)"
    command -v rpm2cpio > /dev/null && command -v cpio > /dev/null || fail "rpm2cpio or cpio missing (make deps installs them)"
}

# What bash completion offers for the last of the given words (COMP_WORDS), one per line.
bash_completes() {
    bash -c 'source /usr/share/bash-completion/completions/vagga
             COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
             _vagga_complete 2>/dev/null
             printf "%s\n" "${COMPREPLY[@]}"' completes "$@"
}

teardown_file() {
    # Never leave the package behind, even when a test failed half-way.
    if [ -n "$DEB" ] && dpkg-query -W vagga > /dev/null 2>&1; then
        dpkg -P vagga > /dev/null 2>&1 || true
    fi
}

teardown() {
    [ -n "${SUP:-}" ] && kill -9 "$SUP" 2>/dev/null
    cleanup_project
}

@test "deb: metadata carries the pom version, amd64 and the JRE dependency" {
    need_deb
    run dpkg-deb -f "$DEB" Package Version Architecture Depends
    assert_success
    assert_line "Package: vagga"
    assert_line "Version: $VERSION"
    assert_line "Architecture: amd64"
    assert_line "Depends: openjdk-17-jre-headless | java17-runtime-headless"
    run dpkg-deb -c "$DEB"
    refute_output --partial "vagga.jsa"
}

@test "deb: installs with apt-get, puts every file in place and builds the sharing archive" {
    need_deb
    run apt-get install -y --no-install-recommends "$DEB"
    assert_success
    refute_output --partial "could not create the class-data-sharing archive"
    for f in /usr/bin/vagga /usr/lib/vagga/vagga /usr/lib/vagga/vagga.jar /usr/lib/vagga/libvaggajni.so \
        /usr/lib/vagga/vagga-init /usr/share/man/man1/vagga.1.gz /usr/share/doc/vagga/copyright \
        /usr/share/bash-completion/completions/vagga /usr/share/zsh/vendor-completions/_vagga; do
        [ -f "$f" ] || fail "$f is missing after install"
    done
    [ -x /usr/bin/vagga ] && [ -x /usr/lib/vagga/vagga-init ]
    [ -s /usr/lib/vagga/vagga.jsa ] || fail "postinst made no /usr/lib/vagga/vagga.jsa"
    # the launcher beside the jar (a !CapsuleCommand's capsule runs that one) finds its jar there
    run /usr/lib/vagga/vagga --version
    assert_success
    assert_output --partial vagga
}

@test "installed: --version and --help work from anywhere" {
    need_installed
    cd /
    run "$VAGGA" --version
    assert_success
    assert_output "vagga $VERSION"
    run "$VAGGA" --help
    assert_success
    assert_output --partial "Usage: vagga"
}

@test "installed: the sharing archive fits the installed JRE: vagga's classes come from it" {
    need_installed
    # The launcher passes -Xshare:auto, which silently ignores an archive that does not fit; the
    # class-loading log says where each class came from.
    JAVA_TOOL_OPTIONS=-Xlog:class+load=info run "$VAGGA" --version
    assert_success
    assert_line "vagga $VERSION"
    assert_line --regexp ' vagga\.cli\.Main source: shared objects file'
}

@test "installed: a JRE change (dpkg trigger on /usr/lib/jvm) rebuilds the sharing archive" {
    need_installed
    local before
    before=$(stat -c %Y.%i /usr/lib/vagga/vagga.jsa)
    sleep 1.1 # mtime has 1 s resolution on some filesystems; the inode changes anyway (mv)
    dpkg-trigger --no-await /usr/lib/jvm
    run dpkg --triggers-only vagga
    assert_success
    [ -s /usr/lib/vagga/vagga.jsa ]
    [ "$(stat -c %Y.%i /usr/lib/vagga/vagga.jsa)" != "$before" ] || fail "vagga.jsa was not rebuilt"
}

@test "installed: the man page comes from the picocli model" {
    need_installed
    run zcat /usr/share/man/man1/vagga.1.gz
    assert_success
    assert_line --regexp '^\.TH "VAGGA" "1" .*"vagga '"$VERSION"'"'
    assert_output --partial "run\\-multi"
    assert_output --partial "containers\\-only"
    command -v man > /dev/null || fail "man is not installed (make deps installs man-db)"
    MANWIDTH=80 run man -P cat vagga
    assert_success
    assert_output --partial "vagga - Runs the commands of a project"
}

@test "installed: bash completion offers flags and the project's command names" {
    need_installed
    project package
    run bash_completes vagga --no-p
    assert_success
    assert_output "--no-prerequisites"
    run bash_completes vagga ""
    assert_success
    assert_line pair
    assert_line hello
    run bash_completes vagga -E X=1 h
    assert_output hello
}

@test "installed: bash completion offers child names and tags after --only/--exclude" {
    need_installed
    project package
    run "$VAGGA" _compgen pair
    assert_success
    assert_output "first
second
sleepers
odd"
    run bash_completes vagga pair --only ""
    assert_output "first
second
sleepers
odd"
    run bash_completes vagga pair --exclude first s
    assert_output "second
sleepers"
    run bash_completes vagga hello --only ""
    assert_output ""
}

@test "installed: zsh completion (bashcompinit) offers command names and, with _compgen, child names" {
    need_installed
    command -v zsh > /dev/null || fail "zsh is not installed (make deps installs it)"
    command -v tmux > /dev/null || fail "tmux is not installed (make deps installs it)"
    project package
    printf 'autoload -U compinit && compinit -u\nPS1="%%%% "\n' > .zshrc
    local session=vagga-zsh-$$ i screen=
    tmux new-session -d -s "$session" -x 120 -y 20 "cd $PROJECT && ZDOTDIR=$PROJECT zsh -i"
    for ((i = 0; i < 50; i++)); do
        screen=$(tmux capture-pane -p -t "$session" 2>/dev/null) || true
        [[ $screen == *'% '* ]] && break
        sleep 0.1
    done
    tmux send-keys -t "$session" 'vagga pa' Tab
    for ((i = 0; i < 100; i++)); do
        screen=$(tmux capture-pane -p -t "$session")
        [[ $screen == *'vagga pair'* ]] && break
        sleep 0.1
    done
    [[ $screen == *'vagga pair'* ]] || { tmux kill-session -t "$session"; fail "zsh did not complete 'vagga pa'; screen: $screen"; }
    tmux send-keys -t "$session" C-u 'vagga pair --only f' Tab
    for ((i = 0; i < 100; i++)); do
        screen=$(tmux capture-pane -p -t "$session")
        [[ $screen == *'vagga pair --only first'* ]] && break
        sleep 0.1
    done
    tmux kill-session -t "$session"
    [[ $screen == *'vagga pair --only first'* ]] || fail "zsh did not complete '--only f'; screen: $screen"
}

@test "installed: a supervise run with !HostRoot, then kill -9: supervisor and children are gone" {
    need_installed
    [ "$(id -u)" = 0 ] || skip "the smoke run uses PID namespaces as root"
    project package
    MARK=package-$$-$BATS_TEST_NUMBER
    "$VAGGA" -E MARK=$MARK pair > out 2>&1 3>&- &
    SUP=$!
    wait_for out '^first up'
    wait_for out '^second up'
    [ "$(marked_pids "$MARK" | wc -l)" -ge 2 ] || fail "no marked children found"
    # the children start from the installed stage, which the host sees empty and unmounted
    local p args shims=0
    for p in $(marked_pids "$MARK"); do
        if [ "$(cat /proc/$p/comm)" = vagga-init ]; then
            args=$(tr '\0' ' ' < /proc/$p/cmdline)
            [[ $args == *"--stage /usr/lib/vagga/stage "* ]] || fail "shim $p without the stage: $args"
            shims=$((shims + 1))
        fi
    done
    [ "$shims" -ge 2 ] || fail "only $shims shims found"
    assert_equal "$(ls -A /usr/lib/vagga/stage)" ""
    ! grep -q " /usr/lib/vagga/stage " /proc/self/mountinfo || fail "the stage is mounted on the host"
    # The launcher execs java: $SUP is the supervisor's JVM.
    kill -9 "$SUP"
    wait "$SUP" 2>/dev/null || true
    [ ! -d "/proc/$SUP" ] || [ "$(awk '/^State:/ {print $2}' "/proc/$SUP/status")" = Z ]
    SUP=
    wait_gone "$MARK" 10
    assert_equal "$(ls -A /usr/lib/vagga/stage)" ""
}

@test "installed: a plain !Command runs" {
    need_installed
    project package
    run "$VAGGA" hello
    assert_success
    assert_output "hello"
}

@test "deb: dpkg -P removes everything, nothing is left under /usr/lib/vagga" {
    need_installed
    run dpkg -P vagga
    assert_success
    [ ! -e /usr/lib/vagga ] || fail "left behind: $(find /usr/lib/vagga)"
    [ ! -e /usr/bin/vagga ]
    [ ! -e /usr/share/man/man1/vagga.1.gz ]
    [ ! -e /usr/share/bash-completion/completions/vagga ]
    [ ! -e /usr/share/doc/vagga ]
}

@test "rpm: metadata and file list" {
    need_rpm
    run rpm -qpi "$RPM"
    assert_success
    assert_line --regexp '^Name +: vagga$'
    assert_line --regexp "^Version +: ${VERSION//-/\~}\$"
    assert_line --regexp '^Architecture: x86_64$'
    run rpm -qpR "$RPM"
    assert_line --regexp '^java-headless >= 1:17'
    run rpm -qpl "$RPM"
    assert_success
    for f in /usr/bin/vagga /usr/lib/vagga/vagga.jar /usr/lib/vagga/libvaggajni.so \
        /usr/lib/vagga/vagga-init /usr/lib/vagga/vagga.jsa /usr/share/man/man1/vagga.1.gz \
        /usr/share/doc/vagga/copyright /usr/share/bash-completion/completions/vagga \
        /usr/share/zsh/site-functions/_vagga; do
        assert_line "$f"
    done
    run rpm -qp --scripts "$RPM"
    assert_output --partial "/usr/lib/vagga/vagga-cds create"
}

@test "rpm: the extracted launcher runs from its own tree" {
    need_rpm
    local tree
    tree=$(mktemp -d "${BATS_TMPDIR:-/tmp}/vagga-rpm.XXXXXX")
    (cd "$tree" && rpm2cpio "$RPM" | cpio -idm --quiet)
    [ -x "$tree/usr/bin/vagga" ] && [ -f "$tree/usr/lib/vagga/vagga.jar" ]
    # %ghost: the archive is made at install time, not shipped.
    [ ! -e "$tree/usr/lib/vagga/vagga.jsa" ]
    cd /
    run "$tree/usr/bin/vagga" --version
    rm -rf "$tree"
    assert_success
    assert_output "vagga $VERSION"
}
