#!/usr/bin/env bats
# vagga's settings files (docs/settings.rst): global files, VAGGA_SETTINGS, site-settings, project files.

load helpers

setup() {
    project settings
    export HOME="$PROJECT/home"
    mkdir -p "$HOME" "$PROJECT/data" "$PROJECT/other"
    echo "the data" > "$PROJECT/data/file"
    echo "the other" > "$PROJECT/other/file"
    unset VAGGA_SETTINGS
}
teardown() { cleanup_project; }

@test "settings: ~/.vagga.yaml is read, and its site-settings entry for this project wins" {
    cat > "$HOME/.vagga.yaml" <<YAML
external-volumes: {shared: $PROJECT/other}
site-settings:
  $PROJECT:
    external-volumes: {shared: $PROJECT/data}
  /not/this/project:
    external-volumes: {shared: /nowhere}
YAML
    run "$VAGGA" shared
    assert_success
    assert_output "the data"
    # VAGGA_SETTINGS comes after the files
    VAGGA_SETTINGS="external-volumes: {shared: $PROJECT/other}" run "$VAGGA" shared
    assert_output "the other"
}

@test "settings: an unknown setting is a warning naming its file, line and column" {
    mkdir -p "$HOME/.config/vagga"
    printf 'version-check: true\nstorage-dri: /x\n' > "$HOME/.config/vagga/settings.yaml"
    run --separate-stderr "$VAGGA" _list
    assert_success
    [[ "$stderr" == "vagga: warning: $HOME/.config/vagga/settings.yaml:2:1: unknown setting \"storage-dri\", ignored (expected one of: "*"storage-dir"* ]]
    assert_output --partial "shared"
}

@test "settings: a project's .vagga.settings.yaml may not set a global-only setting" {
    printf 'external-volumes: {shared: %s}\n' "$PROJECT/data" > .vagga.settings.yaml
    run --separate-stderr "$VAGGA" shared
    assert_equal "$status" 121
    [[ "$stderr" == *'.vagga.settings.yaml:1:1: setting "external-volumes" is read only from the global settings'* ]]
    [[ "$stderr" == *'external volume "shared" is not configured'* ]]
}

@test "settings: a value of the wrong shape is a config error (126) with its place" {
    printf 'build-lock-wait: sometimes\n' > "$HOME/.vagga.yaml"
    run --separate-stderr "$VAGGA" _list
    assert_equal "$status" 126
    assert_equal "$stderr" "$HOME/.vagga.yaml:1:18: setting \"build-lock-wait\" must be true or false, found \"sometimes\""
}

@test "settings: environ beats the command's, propagate-environ passes CI_*, proxy-env-vars: false; -E NAME removes" {
    mkdir -p .vagga
    printf 'environ: {FROM: project-settings}\n' > .vagga/settings.yaml
    printf 'propagate-environ: ["CI_*"]\nproxy-env-vars: false\n' > "$HOME/.vagga.yaml"
    CI_JOB=42 VAGGAENV_DROP=x http_proxy=http://proxy run "$VAGGA" env
    assert_success
    assert_output "FROM=project-settings CI_JOB=42 DROP=x http_proxy=unset"
    CI_JOB=42 VAGGAENV_DROP=x run "$VAGGA" -E DROP env
    assert_output "FROM=project-settings CI_JOB=42 DROP=unset http_proxy=unset"
}

@test "settings: environ file by file, as vagga merges them: each file's site-settings right after it, VAGGA_SETTINGS, the project's last" {
    mkdir -p "$HOME/.config/vagga"
    printf 'site-settings:\n  %s:\n    environ: {FROM: site-in-config}\n' "$PROJECT" > "$HOME/.config/vagga/settings.yaml"
    printf 'environ: {FROM: home-general}\n' > "$HOME/.vagga.yaml"
    run "$VAGGA" env
    assert_output --partial "FROM=home-general "
    printf 'environ: {FROM: home-general}\nsite-settings:\n  %s:\n    environ: {FROM: home-site}\n' "$PROJECT" > "$HOME/.vagga.yaml"
    run "$VAGGA" env
    assert_output --partial "FROM=home-site "
    VAGGA_SETTINGS="environ: {FROM: env-var}" run "$VAGGA" env
    assert_output --partial "FROM=env-var "
    mkdir -p .vagga
    printf 'environ: {FROM: project}\n' > .vagga/settings.yaml
    VAGGA_SETTINGS="environ: {FROM: env-var}" run "$VAGGA" env
    assert_output --partial "FROM=project "
}

@test "settings: kept in the settings cache, read again when a text changes (same length too); warnings every start, errors never cached" {
    printf 'environ: {FROM: aaaa}\nstorage-dri: /x\n' > "$HOME/.vagga.yaml"
    run --separate-stderr "$VAGGA" env
    assert_success
    assert_output --partial "FROM=aaaa "
    [[ "$stderr" == *'.vagga.yaml:2:1: unknown setting "storage-dri", ignored'* ]]
    # the entry: this user's alone (an environ may hold secrets)
    entry=$(ls "$XDG_CACHE_HOME"/vagga/settings/* | xargs grep -l "$HOME" | head -1)
    [ -n "$entry" ]
    assert_equal "$(stat -c %a "$entry")" 600
    # from the entry: the same output, the same warning
    run --separate-stderr "$VAGGA" env
    assert_output --partial "FROM=aaaa "
    [[ "$stderr" == *'unknown setting "storage-dri", ignored'* ]]
    # the same length and the same mtime: still seen (the texts are compared, not stat data)
    touch -r "$HOME/.vagga.yaml" "$BATS_TEST_TMPDIR/stamp"
    printf 'environ: {FROM: bbbb}\nstorage-dri: /x\n' > "$HOME/.vagga.yaml"
    touch -r "$BATS_TEST_TMPDIR/stamp" "$HOME/.vagga.yaml"
    run "$VAGGA" env
    assert_output --partial "FROM=bbbb "
    # VAGGA_SETTINGS and a project file are part of what an entry was read from
    VAGGA_SETTINGS="environ: {FROM: cccc}" run "$VAGGA" env
    assert_output --partial "FROM=cccc "
    run "$VAGGA" env
    assert_output --partial "FROM=bbbb "
    printf 'environ: {FROM: dddd}\n' > .vagga.settings.yaml
    run "$VAGGA" env
    assert_output --partial "FROM=dddd "
    rm .vagga.settings.yaml
    # an error is reported on every start, and never leaves an entry that hides it
    printf 'build-lock-wait: sometimes\n' > "$HOME/.vagga.yaml"
    for i in 1 2; do
        run --separate-stderr "$VAGGA" env
        assert_equal "$status" 126
        [[ "$stderr" == *'setting "build-lock-wait" must be true or false, found "sometimes"'* ]]
    done
    # a damaged entry is no entry
    printf 'environ: {FROM: eeee}\n' > "$HOME/.vagga.yaml"
    run "$VAGGA" env
    entry=$(ls "$XDG_CACHE_HOME"/vagga/settings/* | xargs grep -l "$HOME" | head -1)
    head -c 20 "$entry" > "$entry.cut" && mv "$entry.cut" "$entry"
    run "$VAGGA" env
    assert_success
    assert_output --partial "FROM=eeee "
}
