#!/usr/bin/env bats
# vagga's build modes: --no-build (exit 29), --no-version-check, --no-image-download; minimum-vagga.

load helpers

setup() {
    project buildmode
    busybox_tarball bb.tar.gz
}
teardown() { cleanup_project; }

@test "--no-build: a container that is not built is exit 29 and nothing is built" {
    run "$VAGGA" --no-build show
    assert_equal "$status" 29
    assert_output --partial 'Container "bb" is not built'
    assert_output --partial 'needed by "show"'
    [ ! -e .vagga/bb ]
    [ -z "$(ls .vagga/.roots 2>/dev/null)" ]
}

@test "--no-build: a built container runs; once out of date it is exit 29, never rebuilt" {
    run "$VAGGA" show
    assert_success
    assert_output --partial one
    run "$VAGGA" --no-build show
    assert_success
    assert_output one
    sed -i 's/one/two/' vagga.yaml
    run "$VAGGA" --no-build show
    assert_equal "$status" 29
    assert_output --partial 'is not built'
    run "$VAGGA" --no-build _run bb cat /etc/v
    assert_equal "$status" 29
    run "$VAGGA" _run --no-build bb cat /etc/v
    assert_equal "$status" 29
    assert_equal "$(ls .vagga/.roots | grep -c '^bb\.')" 1
}

@test "--no-version-check: whatever .vagga/NAME links to runs, without versioning or building" {
    run "$VAGGA" --no-version-check show
    assert_equal "$status" 29
    assert_output --partial 'has never been built'
    "$VAGGA" _build bb
    sed -i 's/one/two/' vagga.yaml
    # an input the version would need is gone: --no-version-check does not care
    rm bb.tar.gz
    run "$VAGGA" --no-version-check show
    assert_success
    assert_output one
    run "$VAGGA" _run --no-version-check bb cat /etc/v
    assert_success
    assert_output one
    run "$VAGGA" show
    assert_failure 121
}

@test "--no-image-download: the container is built locally, as without it" {
    run "$VAGGA" --no-image-download show
    assert_success
    assert_output --partial one
    run "$VAGGA" _build --no-image-download bb
    assert_success
}

@test "minimum-vagga newer than ours: vagga's 'Please upgrade vagga' first, then the errors, 126" {
    printf 'minimum-vagga: 9999.0.0\ncontainers:\n  test:\n    setup:\n    - !UnknownCommand\n' > vagga.yaml
    run "$VAGGA" show
    assert_equal "$status" 126
    # vagga's own test compares the end of the line: 'Minimum Vagga Error: Please upgrade vagga ...'
    assert_line --index 0 'vagga.yaml:1:16: Minimum Vagga Error: Please upgrade vagga to at least "9999.0.0"'
    assert_line --index 1 --partial 'unknown build step !UnknownCommand'
    # what we implement (0.8.1) and older pass
    printf 'minimum-vagga: v0.8.1\n' > vagga.yaml
    run "$VAGGA" _list
    assert_success
}

@test "minimum-vagga in a mixin: the mixin is skipped with the upgrade message once, the rest runs" {
    printf 'mixins: [mixins.yaml]\n' >> vagga.yaml
    printf 'minimum-vagga: 9999.0.0\ncontainers:\n  broken:\n    setup:\n    - !UnknownBuildStep\n' > mixins.yaml
    run "$VAGGA" show
    assert_success
    assert_output --partial one
    [ "$(grep -c 'Minimum Vagga Error: Please upgrade vagga' <<< "$output")" = 1 ]
    refute_output --partial UnknownBuildStep
}
