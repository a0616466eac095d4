#!/usr/bin/env bats
# The CLI shell: help, version, command lists, unknown commands, bad flags, config errors.

load helpers

setup() { project cli; }
teardown() { cleanup_project; }

@test "--help prints usage and exits 0, even outside a project" {
    cd /
    run "$VAGGA" --help
    assert_success
    assert_output --partial "Usage: vagga"
    assert_output --partial "--only"
}

@test "--version prints the version" {
    run "$VAGGA" --version
    assert_success
    assert_output --regexp '^vagga [0-9]+\.[0-9]+'
}

@test "bare vagga lists commands on stderr with exit 127, sorted by name, hiding _commands" {
    run -127 --separate-stderr "$VAGGA"
    assert_equal "$status" 127
    assert_equal "$output" ""
    # vagga's layout: every line of a long description, each followed by the column's indent
    expected="Available commands:
    a_very_long_command_name_here
                        Long names go on their own line
                        second line is shown too
                        
    nodesc
    run                 Run one thing"
    assert_equal "$stderr" "$expected"
}

@test "_list prints the list on stdout with exit 0, names in 20 columns, sorted" {
    run --separate-stderr "$VAGGA" _list
    assert_success
    expected="a_very_long_command_name_here
                    Long names go on their own line
                    second line is shown too
                    
nodesc              
run                 Run one thing"
    assert_equal "$output" "$expected"
    run "$VAGGA" _list --zsh
    assert_output "a_very_long_command_name_here:Long names go on their own line
nodesc:
run:Run one thing"
}

@test "unknown command: vagga's message and 121" {
    run "$VAGGA" nosuch
    assert_equal "$status" 121
    assert_output 'Command "nosuch" not found and is not an alias'
}

@test "bad global flag exits 122" {
    run "$VAGGA" --no-such-flag run
    assert_equal "$status" 122
    assert_output --partial "no-such-flag"
}

@test "config not found: 126 with the directory" {
    cd "$(mktemp -d)"
    run "$VAGGA" _list
    assert_equal "$status" 126
    assert_line --index 0 "Config not found in path \"$PWD\""
}

@test "config errors: file:line:col, all of them, 126, no stack trace" {
    cat > vagga.yaml <<'YAML'
containers:
  host:
    setup: [!HostRoot]
commands:
  a: !Command
    contaner: host
    run: "true"
  b: !Supervise
    mode: sometimes
    children: {}
YAML
    run "$VAGGA" _list
    assert_equal "$status" 126
    assert_output --regexp 'vagga.yaml:6:5: unknown key "contaner"'
    assert_output --regexp 'vagga.yaml:9:11: '
    refute_output --partial "Exception"
    refute_output --partial "	at "
}

@test "the launcher works through a symlink and from any directory" {
    # named vagga (or vagga_*): a link by another name runs the command of that symlink-name
    # (run-symlinks-as-commands, surface.bats)
    mkdir -p "$PROJECT/bin" "$PROJECT/sub/dir"
    ln -s "$VAGGA" "$PROJECT/bin/vagga"
    ln -s "$VAGGA" "$PROJECT/bin/vagga_dev"
    cd "$PROJECT/sub/dir"
    run "$PROJECT/bin/vagga" _list
    assert_success
    assert_line "run                 Run one thing"
    run "$PROJECT/bin/vagga_dev" _list
    assert_success
    assert_line "run                 Run one thing"
}

@test "_list --containers, --hidden, --all, and a bad argument" {
    run "$VAGGA" _list --containers
    assert_success
    assert_output "host"
    run "$VAGGA" _list --hidden
    assert_success
    assert_line "_hidden             "
    assert_line "_build              Build a container"
    run "$VAGGA" _list --all
    assert_success
    assert_line "_hidden             "
    assert_line "_build              Build a container"
    # vagga's argparse: usage, message, exit 2
    run "$VAGGA" _list --bogus
    assert_equal "$status" 2
    assert_line 'vagga _list: Unknown option --bogus'
    assert_line '  vagga _list [OPTIONS]'
}

@test "_base_dir and _relative_work_dir" {
    mkdir -p sub/dir
    cd sub/dir
    run "$VAGGA" _base_dir
    assert_success
    assert_output "$PROJECT"
    run "$VAGGA" _relative_work_dir
    assert_success
    assert_output "sub/dir"
}

@test "groups and aliases in the command list, as vagga shows them" {
    cd "$BATS_TEST_DIRNAME/cli-groups"
    run -127 --separate-stderr "$VAGGA"
    # groups in the order their first command has among the sorted names
    expected="Docs:
    a-docs              Build the docs

Available commands:
    all                 Everything
                        (aliases: everything)
    run                 Run the app
                        (aliases: r, serve)

Testing:
    lint
    test                Run the tests"
    assert_equal "$stderr" "$expected"
    run "$VAGGA" _list
    assert_success
    assert_line "serve               Run the app"
    assert_line "everything          Everything"
    run "$VAGGA" _list --no-aliases
    assert_success
    refute_line --partial "serve"
    assert_line "run                 Run the app"
    run "$VAGGA" everything --help
    assert_success
    assert_output --partial "Everything"
}

@test "_compgen: vagga's completion protocol (WORDS... -- CURRENT)" {
    run "$VAGGA" _compgen -- r
    assert_success
    assert_output "run"
    run "$VAGGA" _compgen -- _b
    assert_output "_build
_build_shell
_base_dir"
    # the commands starting with "_" (the fixture's _hidden), then every built-in in vagga's order (its tests/completion.bats)
    run "$VAGGA" _compgen -- _
    assert_output "$(printf '%s\n' _hidden _build _build_shell _clean _create_netns _destroy_netns _init_storage_dir _list \
        _pack_image _push_image _run _run_in_netns _version_hash _check_overlayfs_support _base_dir \
        _relative_work_dir _update_symlinks)"
    run "$VAGGA" _compgen _build -- ""
    assert_output "host
--force"
    run "$VAGGA" _compgen -E X=1 _clean -- --t
    assert_output "--tmp
--tmp-folders
--transient"
    run "$VAGGA" _compgen run -- ""
    assert_output ""
}

@test "_help COMMAND prints the command's help" {
    run "$VAGGA" _help run
    assert_success
    assert_output --partial "Run one thing"
    run "$VAGGA" _help nosuch
    assert_equal "$status" 121
}

@test "root in a project that belongs to another user: vagga's refusal (122), unless --ignore-owner-check" {
    [ "$(id -u)" = 0 ] || skip "needs root"
    chown nobody "$PROJECT"
    run --separate-stderr "$VAGGA" _list
    assert_equal "$status" 122
    assert_equal "$stderr" "You should not run vagga as root (see http://bit.ly/err_root)"
    run "$VAGGA" --ignore-owner-check _list
    assert_success
    assert_line "run                 Run one thing"
    chown root "$PROJECT"
}

@test "without a UTF-8 locale (LANG unset: cron, env -i): a project in /tmp/…/josé and a !Copy of café.txt work; children see the caller's LC_ALL" {
    # Java names files in the charset of the locale it starts in: in the POSIX locale these were
    # "Config not found in path .../jos??" and "internal error: InvalidPathException" (launcher.sh)
    local dir=$PROJECT/josé
    mkdir -p "$dir/bb/bin" "$dir/src"
    cp /bin/busybox "$dir/bb/bin/"
    ln -s busybox "$dir/bb/bin/sh"
    ln -s busybox "$dir/bb/bin/ls"
    echo x > "$dir/src/café.txt"
    printf '%s\n' 'containers:' '  host: {setup: [!HostRoot]}' '  bb: {setup: [!Copy {source: /work/bb, path: /}, !Copy {source: /work/src, path: /src}]}' \
        'commands:' '  hi: !Command {container: host, description: "héllo", run: [/bin/echo, "ünï"]}' \
        '  files: !Command {container: bb, run: [/bin/ls, /src]}' > "$dir/vagga.yaml"
    cd "$dir"
    run env -u LANG -u LC_ALL -u LC_CTYPE "$VAGGA" _list
    assert_success
    assert_line --regexp '^hi +héllo$'
    run env -u LANG -u LC_ALL -u LC_CTYPE "$VAGGA" hi
    assert_success
    assert_output 'ünï'
    run env -u LANG -u LC_ALL -u LC_CTYPE "$VAGGA" files
    assert_success
    [ -f ".vagga/bb/src/café.txt" ]
    # the JVM ran with LC_ALL=C.UTF-8; what vagga passes on is the caller's own
    run env -u LANG -u LC_CTYPE LC_ALL=POSIX "$VAGGA" -e LC_ALL _run host /usr/bin/env
    assert_success
    assert_line 'LC_ALL=POSIX'
    refute_line --partial '_VAGGA_LC_ALL'
    run env -u LANG -u LC_ALL -u LC_CTYPE VAGGA_SETTINGS='propagate-environ: ["*"]' "$VAGGA" _run host /usr/bin/env
    assert_success
    refute_line --partial 'LC_ALL'
}
