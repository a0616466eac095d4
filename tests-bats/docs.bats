#!/usr/bin/env bats
# The man page and the packages' recommendations (issue 15, item 7), read from the built .deb and
# .rpm without installing them (package.bats installs; this file never touches the machine).

load helpers

ROOT=$(readlink -f "$BATS_TEST_DIRNAME/..")
DEB=$(ls -t "$ROOT"/target/vagga_*_amd64.deb 2>/dev/null | head -1)
RPM=$(ls -t "$ROOT"/target/vagga-*.x86_64.rpm 2>/dev/null | head -1)

need_deb() {
    [ -n "$DEB" ] || skip "no target/vagga_*_amd64.deb; run make deb"
    command -v dpkg-deb > /dev/null || skip "dpkg-deb is missing"
}

@test "the .deb recommends bash-completion" {
    need_deb
    run dpkg-deb -f "$DEB" Recommends
    assert_success
    assert_output --partial bash-completion
}

@test "the .rpm recommends bash-completion" {
    [ -n "$RPM" ] || skip "no target/vagga-*.x86_64.rpm; run make rpm"
    command -v rpm > /dev/null || skip "rpm is not installed"
    run rpm -qp --recommends "$RPM"
    assert_success
    assert_output --partial bash-completion
}

@test "the man page is a reference: vagga.yaml keys, exit codes, signals, environment, examples" {
    need_deb
    command -v man > /dev/null || skip "man is not installed"
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
}
