#!/usr/bin/env bats
# vagga _clean: every mode, several at once, dry runs, --global with storage-dir, --at-least; auto-clean.

load helpers

setup() {
    project clean
    unset VAGGA_SETTINGS
}
teardown() { cleanup_project; }

roots() { ls -A .vagga/.roots 2>/dev/null | sort | tr '\n' ' '; }

@test "_clean: a mode is required (vagga's exit 1 and usage); --help is 0" {
    run "$VAGGA" _clean
    assert_failure 1
    assert_output --partial 'Usage:'
    assert_output --partial 'is required'
    run "$VAGGA" _clean --bogus
    assert_failure 1
    run "$VAGGA" _clean --help
    assert_success
    assert_output --partial '--unused'
    assert_output --partial '--dry-run'
}

@test "_clean --old keeps what .vagga links to; --unused keeps only current versions; -n removes nothing" {
    "$VAGGA" _build a
    v1=$(readlink .vagga/a | cut -d/ -f2)
    sed -i 's/a1/a2/' vagga.yaml
    "$VAGGA" _build a
    v2=$(readlink .vagga/a | cut -d/ -f2)
    [ "$v1" != "$v2" ]
    # a third version, not built: --unused would take both roots, --old only the unlinked one
    sed -i 's/a2/a3/' vagga.yaml
    run "$VAGGA" _clean --unused -n
    assert_success
    assert_line "Would remove \"$PWD/.vagga/.roots/$v1\""
    assert_line "Would remove \"$PWD/.vagga/.roots/$v2\""
    run "$VAGGA" _clean --old --dry-run
    assert_success
    assert_output "Would remove \"$PWD/.vagga/.roots/$v1\""
    assert_equal "$(roots)" "$(printf "%s\n" "$v1" "$v2" | sort | tr "\n" " ")"
    run "$VAGGA" _clean --old
    assert_success
    assert_output ''
    assert_equal "$(roots)" "$v2 "
    run "$VAGGA" _clean --unused
    assert_success
    assert_equal "$(roots)" ""
    [ ! -L .vagga/a ]
}

@test "_clean with several modes at once: --tmp --transient --volumes in one call" {
    "$VAGGA" _build b
    mkdir -p .vagga/.roots/.tmp.b.dead/root .vagga/.transient/b.999999999.1 .vagga/.volumes/data
    echo x > .vagga/.volumes/data/file
    run "$VAGGA" _clean --tmp --transient --volumes
    assert_success
    [ ! -e .vagga/.roots/.tmp.b.dead ]
    [ ! -e .vagga/.transient/b.999999999.1 ]
    [ -z "$(ls -A .vagga/.volumes)" ]
    # the built root is none of these
    [ -f .vagga/b/etc/v ]
}

@test "_clean --unused-volumes keeps the volumes the config names, --volumes takes them all" {
    mkdir -p .vagga/.volumes/keep .vagga/.volumes/stale
    run "$VAGGA" _clean --unused-volumes
    assert_success
    [ -d .vagga/.volumes/keep ]
    [ ! -e .vagga/.volumes/stale ]
    run "$VAGGA" _clean --volumes
    assert_success
    [ ! -e .vagga/.volumes/keep ]
}

@test "_clean --unused --at-least: only roots not used for that long go" {
    "$VAGGA" _build a
    "$VAGGA" _build b
    va=$(readlink .vagga/a | cut -d/ -f2)
    vb=$(readlink .vagga/b | cut -d/ -f2)
    [ -f ".vagga/.roots/$va/last_use" ]
    touch -d '3 days ago' ".vagga/.roots/$va/last_use"
    run "$VAGGA" _clean --unused --at-least 2d
    assert_success
    assert_equal "$(roots)" "$vb "
    run "$VAGGA" _clean --at-least 2d --old
    assert_failure 1
    run "$VAGGA" _clean --unused --at-least soon
    assert_failure 1
}

@test "_clean --everything: .vagga goes (a vagga.yaml kept there stays); dry run first" {
    "$VAGGA" _build b
    run "$VAGGA" _clean --everything -n
    assert_success
    assert_output "Would remove \"$PWD/.vagga\""
    [ -d .vagga/.roots ]
    run "$VAGGA" _clean --everything
    assert_success
    [ -z "$(ls -A .vagga | grep -v '^\.lock$')" ]
}

@test "_clean --global: exit 2 without storage-dir; with one, --everything empties it" {
    run "$VAGGA" _clean --global --everything
    assert_failure 2
    assert_output 'The --global flag is only meaningful if you configure storage-dir in settings'
    mkdir storage
    mkdir -p storage/other-project/.roots/x.12345678/root
    export VAGGA_SETTINGS="storage-dir: $PWD/storage"
    run "$VAGGA" _clean --global --everything -n
    assert_success
    assert_output "Would remove \"$PWD/storage/other-project\""
    run "$VAGGA" _clean --global --everything
    assert_success
    [ -z "$(ls -A storage)" ]
    run "$VAGGA" _clean --global --old
    assert_failure 1
}

@test "auto-clean: the previous root of a container goes after a rebuild; disable-auto-clean keeps it" {
    "$VAGGA" _build tidy
    v1=$(readlink .vagga/tidy | cut -d/ -f2)
    sed -i 's/t1/t2/' vagga.yaml
    "$VAGGA" _build tidy
    v2=$(readlink .vagga/tidy | cut -d/ -f2)
    [ ! -e ".vagga/.roots/$v1" ]
    [ -d ".vagga/.roots/$v2" ]
    # other containers' roots are not touched
    "$VAGGA" _build a
    sed -i 's/t2/t3/' vagga.yaml
    VAGGA_SETTINGS="disable-auto-clean: true" "$VAGGA" _build tidy
    [ -d ".vagga/.roots/$v2" ]
    [ -L .vagga/a ] && [ -d .vagga/a/etc ]
}
