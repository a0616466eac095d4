#!/usr/bin/env bats
# The man page and the packages' recommendations (issue 15, item 7), read from the built .deb and
# .rpm without installing them (package.bats installs; this file never touches the machine). A
# missing package or tool fails: `make bats` builds the packages and `make deps` installs the tools.

load helpers

ROOT=$(readlink -f "$BATS_TEST_DIRNAME/..")
DEB=$(ls -t "$ROOT"/target/vagga_*_amd64.deb 2>/dev/null | head -1)
RPM=$(ls -t "$ROOT"/target/vagga-*.x86_64.rpm 2>/dev/null | head -1)

need_deb() {
    [ -n "$DEB" ] || fail "no target/vagga_*_amd64.deb; run make deb (make bats builds it)"
    command -v dpkg-deb > /dev/null || fail "dpkg-deb is missing (make deps installs dpkg)"
}

@test "the .deb recommends bash-completion" {
    need_deb
    run dpkg-deb -f "$DEB" Recommends
    assert_success
    assert_output --partial bash-completion
}

@test "the .rpm recommends bash-completion" {
    [ -n "$RPM" ] || fail "no target/vagga-*.x86_64.rpm; run make rpm (make bats builds it)"
    command -v rpm > /dev/null || fail "rpm is not installed (make deps installs it)"
    run rpm -qp --recommends "$RPM"
    assert_success
    assert_output --partial bash-completion
}

@test "the man page is a reference: vagga.yaml keys, exit codes, signals, environment, examples" {
    need_deb
    command -v man > /dev/null || fail "man is not installed (make deps installs man-db)"
    local dir
    dir=$(mktemp -d)
    dpkg-deb -x "$DEB" "$dir"
    MANWIDTH=100 run man -l "$dir/usr/share/man/man1/vagga.1.gz"
    rm -rf "$dir"
    assert_success
    for section in "THE VAGGA.YAML FILE" "Commands: !Command" "Commands: !Supervise" Containers Volumes \
        Settings "SUPERVISE ARGUMENTS" "EXIT STATUS" "SIGNALS AND THE TERMINAL" ENVIRONMENT EXAMPLES; do
        assert_line --regexp "^ *$section\$"
    done
    assert_output --partial "kill-unresponsive-after"
    assert_output --partial "wait-all-successful"
    assert_output --partial "pass-tcp-socket"
    assert_line --regexp '^ +126$'
    assert_output --partial "HOME (/tmp)"
    assert_output --partial "--containers-only"
    # ours, keys of a supervise child
    assert_output --partial '{command: "SCRIPT"}'
    assert_line --regexp '^ +after$'
    assert_output --partial "a list of children: start only once all of those are ready"
    assert_line --regexp '^ +restart$'
    assert_output --partial "never (default), on-failure or always"
}
