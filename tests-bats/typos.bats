#!/usr/bin/env bats
# Ours: typos caught (--only/--exclude words naming nothing: 122), "did you mean" for commands,
# children, containers and YAML keys; Container "X" not found with its file:line and the list.

load helpers

setup() { project typos; }
teardown() { cleanup_project; }

@test "--only with a typo beside a valid name: 122, did you mean, children and tags listed, nothing run" {
    run --separate-stderr "$VAGGA" dev --only wrker web
    assert_equal "$status" 122
    assert_equal "$output" ""
    assert_equal "$stderr" 'vagga dev: --only "wrker" is neither a child nor a tag (did you mean "worker"?)
hint: children: web, worker; tags: back, front'
}

@test "--exclude with a typo: 122; a word far from every name gets no suggestion" {
    run --separate-stderr "$VAGGA" dev --exclude wrker
    assert_equal "$status" 122
    assert_equal "${stderr_lines[0]}" 'vagga dev: --exclude "wrker" is neither a child nor a tag (did you mean "worker"?)'
    run --separate-stderr "$VAGGA" dev --only zzzzzz
    assert_equal "$status" 122
    assert_equal "${stderr_lines[0]}" 'vagga dev: --only "zzzzzz" is neither a child nor a tag'
}

@test "tags and names still select; docopt --only is checked too" {
    run "$VAGGA" dev --only front
    assert_success
    assert_line "ran web"
    refute_line "ran worker"
    run -122 "$VAGGA" opts --only wbe
    assert_line --index 0 'vagga opts: --only "wbe" is neither a child nor a tag (did you mean "web"?)'
}

@test "unknown command: vagga's line, then a did-you-mean hint; none when nothing is close" {
    run -121 "$VAGGA" dve
    assert_equal "$output" 'Command "dve" not found and is not an alias
hint: did you mean "dev"?'
    run -121 "$VAGGA" _buidl
    assert_line --index 1 'hint: did you mean "_build"?'
    run -121 "$VAGGA" nosuchthing
    assert_output 'Command "nosuchthing" not found and is not an alias'
}

@test "a child naming a missing container: file:line, did you mean, the containers; 121" {
    run -121 "$VAGGA" wrong-container
    assert_equal "$output" 'vagga.yaml:21:12: Container "hots" not found (did you mean "host"?)
hint: containers: host, python'
    run -121 "$VAGGA" _build pyhton
    assert_line --index 0 'Container "pyhton" not found (did you mean "python"?)'
}

@test "an unknown YAML key: did you mean, with file:line, 126" {
    printf '%s\n' 'containers: {host: {setup: [!HostRoot]}}' 'commands:' '  x: !Command' \
        '    container: host' '    rnu: "true"' > vagga.yaml
    run -126 "$VAGGA" x
    assert_line --partial 'vagga.yaml:5:5: unknown key "rnu", did you mean "run"? (expected one of: '
}
