#!/usr/bin/env bats
# --only / --exclude (SPEC 2.2): names and tags, greedy lists, both together, no match, bad args.

load helpers

setup() { project select; }
teardown() { cleanup_project; }

ran() { grep -oE '^ran [a-z]+' <<< "$output" | sort | tr '\n' ' '; }

@test "no flags: all children" {
    run "$VAGGA" app
    assert_success
    assert_equal "$(ran)" "ran db ran web ran worker "
}

@test "--only by name" {
    run "$VAGGA" app --only web
    assert_success
    assert_equal "$(ran)" "ran web "
}

@test "--only by tag, greedy list, =form and repeats" {
    run "$VAGGA" app --only back
    assert_equal "$(ran)" "ran db ran worker "
    run "$VAGGA" app --only web db
    assert_equal "$(ran)" "ran db ran web "
    run "$VAGGA" app --only=web
    assert_equal "$(ran)" "ran web "
    run "$VAGGA" app --only web --only storage
    assert_equal "$(ran)" "ran db ran web "
}

@test "--exclude by name and tag" {
    run "$VAGGA" app --exclude web
    assert_equal "$(ran)" "ran db ran worker "
    run "$VAGGA" app --exclude back
    assert_equal "$(ran)" "ran web "
}

@test "--only and --exclude both apply (ours)" {
    run "$VAGGA" app --only back --exclude storage
    assert_success
    assert_equal "$(ran)" "ran worker "
}

@test "words matching nothing are an error (ours: vagga ignores them; see typos.bats)" {
    run -122 "$VAGGA" app --only web nothing
    assert_equal "$(ran)" ""
}

@test "nothing selected: the message and 127, nothing started" {
    run -127 "$VAGGA" app --only back --exclude back
    assert_equal "$status" 127
    assert_output 'This supervise command has no children matching conditions. Either your `children` is empty, or your `--only` arguments don'"'"'t match anything, or your `--exclude` arguments do exclude all the processes.'
    run -127 "$VAGGA" app --exclude front back
    assert_equal "$status" 127
}

@test "-h: usage with the description, exit 0" {
    run "$VAGGA" app --help
    assert_success
    assert_output --partial "vagga app"
    assert_output --partial "Web, worker and db"
    assert_output --partial "--only"
}

@test "a bad argument: usage and 'vagga app: message', exit 122" {
    run --separate-stderr "$VAGGA" app --frobnicate
    assert_equal "$status" 122
    assert_output ""
    [[ "$stderr" == *"vagga app: "* ]]
    [[ "$stderr" == *"Usage"* ]]
}
