#!/usr/bin/env bats
# _version_hash --debug-versioning/--dump-version-data/--fd3, _list -v, _dump_config, _build_shell,
# _init_storage_dir (--allow-multiple) and storage-dir's .vagga/.lnk, VAGGA_DEBUG_CMDENV, _run --help.

load helpers

setup() {
    project builtins
    unset VAGGA_SETTINGS VAGGA_DEBUG_CMDENV
}
teardown() { cleanup_project; }

@test "_version_hash --fd3 writes the hash to fd 3, not stdout; a closed fd 3 is an error" {
    full=$("$VAGGA" _version_hash two)
    run sh -c '"$VAGGA" _version_hash --short --fd3 two 3>fd3.out'
    assert_success
    assert_output ''
    assert_equal "$(cat fd3.out)" "${full:0:8}"
    run sh -c '"$VAGGA" _version_hash --fd3 two 3>&-'
    assert_failure 121
    assert_output --partial 'file descriptor 3 is not open'
}

@test "_version_hash --debug-versioning: the hash after each step; --dump-version-data: what is hashed" {
    full=$("$VAGGA" _version_hash two)
    run "$VAGGA" _version_hash --debug-versioning two
    assert_success
    assert_line --partial '[two] step 1/2: !Text /etc/one: '
    assert_line "[two] step 2/2: !Text /etc/two: $full"
    assert_line "$full"
    run "$VAGGA" _version_hash --dump-version-data two
    assert_success
    assert_line '/etc/two'
    assert_line '2'
    run "$VAGGA" _version_hash --bogus two
    assert_failure 122
}

@test "_list -v: where each command, alias and container comes from" {
    run "$VAGGA" _list -v
    assert_success
    assert_line --index 0 'from-mixin          '
    assert_line --index 1 "                    (from \"$PWD/more.yaml\")"
    assert_line --index 2 'hello               Says hello'
    assert_line --index 3 "                    (from \"$PWD/vagga.yaml\")"
    assert_line --index 5 "                    (from \"$PWD/vagga.yaml\":hello)"
    run "$VAGGA" _list --containers --verbose
    assert_line --index 1 "                    (from \"$PWD/vagga.yaml\")"
    run "$VAGGA" _list
    refute_output --partial '(from'
}

@test "_dump_config: the config with its mixins as JSON, one line or --pretty" {
    run "$VAGGA" _dump_config
    assert_success
    assert_equal "${#lines[@]}" 1
    python3 -c 'import json,sys; c=json.loads(sys.argv[1]); assert "from-mixin" in c["commands"]; assert c["commands"]["hello"]["Command"]["environ"]["MARK_VAR"] == "marked"; assert "two" in c["containers"]' "$output"
    run "$VAGGA" _dump_config --pretty
    assert_success
    [ "${#lines[@]}" -gt 10 ]
    run "$VAGGA" _dump_config --bogus
    assert_failure 2
}

@test "VAGGA_DEBUG_CMDENV: each command is shown with its whole environment before it runs" {
    run "$VAGGA" hello
    assert_success
    refute_output --partial 'environ:'
    VAGGA_DEBUG_CMDENV=1 run "$VAGGA" hello
    assert_success
    assert_output --partial '<Command "/bin/true"; environ: {'
    assert_output --partial '"MARK_VAR"="marked"'
}

@test "_build_shell: a shell with the project at /work, its exit code" {
    run sh -c 'printf "cat /work/more.yaml; exit 7\n" | "$VAGGA" _build_shell'
    assert_failure 7
    assert_output --partial 'from-mixin'
    run "$VAGGA" _build_shell extra
    assert_failure 122
}

@test "storage-dir: roots in STORAGE/PROJECT, .vagga/.lnk, links through .lnk, a back-link" {
    mkdir storage
    export VAGGA_SETTINGS="storage-dir: $PWD/storage"
    run "$VAGGA" _build two
    assert_success
    name=$(basename "$PWD")
    assert_equal "$(readlink .vagga/.lnk)" "$PWD/storage/$name"
    assert_equal "$(readlink storage/$name/.lnk)" "$PWD"
    assert_equal "$(readlink .vagga/two | cut -d/ -f1-2)" ".lnk/.roots"
    [ -f .vagga/two/etc/two ]
    [ -d "storage/$name/.roots" ]
    [ ! -e .vagga/.roots ] || [ -z "$(ls -A .vagga/.roots)" ]
    # a second project of the same name gets NAME-1
    mkdir -p other/"$name" && cp vagga.yaml more.yaml other/"$name"/
    (cd other/"$name" && "$VAGGA" _build two)
    assert_equal "$(readlink other/$name/.vagga/.lnk)" "$PWD/storage/$name-1"
    # a .lnk into another storage dir is vagga's error
    mkdir storage2
    VAGGA_SETTINGS="storage-dir: $PWD/storage2" run "$VAGGA" _build --force two
    assert_failure 121
    assert_output --partial 'You have set `storage-dir` to'
}

@test "_init_storage_dir NAME: the project's storage directory under a name of the user's" {
    run "$VAGGA" _init_storage_dir ci-one
    assert_failure 121
    assert_output --partial 'storage-dir is not configured'
    mkdir storage
    export VAGGA_SETTINGS="storage-dir: $PWD/storage"
    run "$VAGGA" _init_storage_dir ci-one
    assert_success
    assert_equal "$(readlink .vagga/.lnk)" "$PWD/storage/ci-one"
    "$VAGGA" _build two
    [ -d storage/ci-one/.roots ]
    run "$VAGGA" _init_storage_dir again
    assert_failure 121
    assert_output --partial 'already exists'
}

@test "_init_storage_dir --allow-multiple NAME: a name another project uses, no link back to this one" {
    mkdir storage
    export VAGGA_SETTINGS="storage-dir: $PWD/storage"
    mkdir -p storage/shared
    ln -s /elsewhere storage/shared/.lnk
    run "$VAGGA" _init_storage_dir shared
    assert_failure 121
    assert_output --partial 'already exists'
    run "$VAGGA" _init_storage_dir --allow-multiple shared
    assert_success
    assert_equal "$(readlink .vagga/.lnk)" "$PWD/storage/shared"
    # the other project's link back stays as it was
    assert_equal "$(readlink storage/shared/.lnk)" /elsewhere
    "$VAGGA" _build two
    [ -d storage/shared/.roots ]
}

@test "_run --help: the usage on stdout, exit 0, nothing run" {
    run --separate-stderr "$VAGGA" _run --help
    assert_success
    assert_output --partial 'Usage: vagga _run'
    [ ! -e .vagga/two ]
}

@test "_init_storage_dir takes the name as it is (vagga's); a slash in it is vagga's error" {
    mkdir storage
    export VAGGA_SETTINGS="storage-dir: $PWD/storage"
    run "$VAGGA" _init_storage_dir a/b
    assert_failure 1
    assert_output 'Directory name must not contain slash'
    [ ! -e .vagga/.lnk ]
    run "$VAGGA" _init_storage_dir 'ci one'
    assert_success
    assert_equal "$(readlink .vagga/.lnk)" "$PWD/storage/ci one"
}
