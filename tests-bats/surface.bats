#!/usr/bin/env bats
# vagga's surface (issue 19): push-image-script and _push_image, symlink-name with _update_symlinks and
# run-symlinks-as-commands, expect-inotify-limit with auto-apply-sysctl, version-check,
# _check_overlayfs_support, !Persistent {init-command}, versioned-build-dir; and issue 19's items that had
# no test of their own: isolate-network on a !Command, .vagga/local.yaml, _run --writeable, _clean's
# long spellings, storage-subdir-from-env-var, ignore-regex. !CapsuleCommand and _capsule.

load helpers

setup() {
    project surface
    unset VAGGA_SETTINGS VAGGA_DEBUG_CMDENV
    export HOME=$BATS_TEST_TMPDIR/home
    mkdir -p "$HOME"
}

teardown() {
    [ -n "${HTTPD:-}" ] && { kill "$HTTPD" 2>/dev/null; wait "$HTTPD" 2>/dev/null || true; }
    cleanup_project
}

@test "_push_image: push-image-script uploads image.tar.xz; image-cache-url fetches it back instead of building" {
    busybox_tarball busybox.tar.gz
    local port=$(( 20000 + RANDOM % 20000 )) hash
    sed -i "s/PORT/$port/" vagga.yaml
    mkdir www
    /bin/busybox httpd -f -p "127.0.0.1:$port" -h "$PWD/www" 3>&- &
    HTTPD=$!
    run "$VAGGA" _push_image pulled
    assert_failure 121
    assert_output --partial "You should specify 'push-image-script' setting"
    # the script runs on the host, in the project, with vagga's variables (and the documented names)
    export VAGGA_SETTINGS='push-image-script: "cp \"$source_path\" \"www/${container_name}.${hash}.tar.xz\"; echo \"$image_path $short_hash\" > pushed.vars"'
    "$VAGGA" --no-image-download _build pulled
    echo "changed after the build" > .vagga/pulled/etc/pushed-from-here
    hash=$("$VAGGA" _version_hash --short pulled)
    run "$VAGGA" _push_image pulled
    assert_success
    assert_output --partial "+ cp"
    [ -s "www/pulled.$hash.tar.xz" ]
    assert_equal "$(cat pushed.vars)" ".vagga/.roots/pulled.$hash/image.tar.xz $hash"
    # the packed image is removed after the upload, as vagga does
    [ ! -e ".vagga/.roots/pulled.$hash/image.tar.xz" ]
    # a fresh project directory: the build fetches the pushed image (its late file included)
    rm -rf .vagga
    run "$VAGGA" _build pulled
    assert_success
    [ "$(cat .vagga/pulled/etc/pushed-from-here)" = "changed after the build" ]
    # a failing script: vagga's line, 121
    export VAGGA_SETTINGS='push-image-script: "exit 7"'
    run "$VAGGA" _push_image pulled
    assert_failure 121
    assert_output --partial "Error when uploading image"
}

@test "_update_symlinks links vagga in .vagga/.cmd and ~/.vagga/cmd for each symlink-name" {
    run "$VAGGA" _update_symlinks
    assert_success
    assert_equal "$(readlink .vagga/.cmd/flake8)" "$VAGGA"
    assert_equal "$(readlink .vagga/.cmd/serve-all)" "$VAGGA"
    assert_equal "$(readlink "$HOME/.vagga/cmd/flake8")" "$VAGGA"
    [ ! -e .vagga/.cmd/lint ]
    rm -rf .vagga/.cmd "$HOME/.vagga"
    run "$VAGGA" _update_symlinks --local-only
    assert_success
    [ -L .vagga/.cmd/flake8 ] && [ ! -e "$HOME/.vagga/cmd" ]
    run "$VAGGA" _update_symlinks --user-only
    [ -L "$HOME/.vagga/cmd/flake8" ]
    run "$VAGGA" _update_symlinks --bogus
    assert_failure 122
    # with the setting off, vagga says the links are of no use
    export VAGGA_SETTINGS='run-symlinks-as-commands: false'
    run "$VAGGA" _update_symlinks
    assert_success
    assert_output --partial 'you should enable: `run-symlinks-as-commands` setting'
}

@test "run-symlinks-as-commands: vagga called by a symlink-name runs that command with every argument" {
    "$VAGGA" _update_symlinks --local-only
    # arguments that look like vagga's own options are the command's
    run .vagga/.cmd/flake8 --version -E X=1 file.py
    assert_success
    assert_output "lint: --version -E X=1 file.py"
    # through PATH, from a subdirectory of the project
    mkdir sub
    run sh -c 'cd sub && PATH="$PWD/../.vagga/.cmd:$PATH" exec flake8 x'
    assert_success
    assert_output "lint: x"
    # a supervise by its symlink-name
    run .vagga/.cmd/serve-all
    assert_success
    assert_line "one-ran"
    # a name no command has
    ln -s "$VAGGA" .vagga/.cmd/nosuch
    run -127 .vagga/.cmd/nosuch
    assert_output 'Can'"'"'t find command "nosuch"'
    # the setting off: the link is plain vagga (its arguments are vagga's)
    export VAGGA_SETTINGS='run-symlinks-as-commands: false'
    run .vagga/.cmd/flake8 lint y
    assert_success
    assert_output "lint: y"
    run .vagga/.cmd/flake8 --version
    assert_success
    assert_output --regexp '^vagga '
}

@test "expect-inotify-limit: a lower fs.inotify.max_user_watches is a warning with the fix; the command runs" {
    local real
    real=$(cat /proc/sys/fs/inotify/max_user_watches)
    [ "$real" -lt 400000 ] || skip "fs.inotify.max_user_watches is $real here, not below the fixture's 400000"
    run "$VAGGA" watch
    assert_success
    assert_line "watching"
    assert_output --partial "The sysctl setting fs.inotify.max_user_watches is $real but at least 400000 is expected."
    assert_output --partial "sysctl fs.inotify.max_user_watches=400000"
    run "$VAGGA" lint
    refute_output --partial "sysctl"
}

@test "auto-apply-sysctl: as root vagga writes the expected value itself (a private mount of the sysctl file)" {
    [ "$(id -u)" = 0 ] || skip "needs root (the sysctl file is replaced in a private mount namespace)"
    echo 1000 > fake-watches
    # the test's own mount namespace: the machine's sysctl is never touched
    run unshare -m sh -c 'mount --bind "$PWD/fake-watches" /proc/sys/fs/inotify/max_user_watches &&
        VAGGA_SETTINGS="auto-apply-sysctl: true" "$VAGGA" watch'
    assert_success
    assert_line "watching"
    refute_output --partial "To fix it"
    assert_equal "$(cat fake-watches)" 400000
    # without the setting: only the warning, the value stays
    echo 1000 > fake-watches
    run unshare -m sh -c 'mount --bind "$PWD/fake-watches" /proc/sys/fs/inotify/max_user_watches && "$VAGGA" watch'
    assert_success
    assert_output --partial "is 1000 but at least 400000 is expected"
    assert_equal "$(cat fake-watches)" 1000
}

@test "auto-apply-sysctl as an ordinary user: vagga runs sudo -k sysctl NAME=VALUE" {
    [ "$(id -u)" = 0 ] || skip "needs root to make the private mount and to run vagga as nobody"
    echo 1000 > fake-watches
    mkdir bin nobody-home
    printf '#!/bin/sh\necho "$*" > "%s/sudo.args"\n' "$PWD" > bin/sudo
    chmod 755 bin/sudo
    chmod 777 "$PWD" nobody-home
    # the command itself cannot start there (a new /proc is refused below a covered /proc/sys file):
    # what is checked is the sudo vagga runs before it
    run unshare -m sh -c 'mount --bind "$PWD/fake-watches" /proc/sys/fs/inotify/max_user_watches &&
        exec setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$PWD/nobody-home" \
            PATH="$PWD/bin:$PATH" VAGGA_SETTINGS="auto-apply-sysctl: true" "$VAGGA" --ignore-owner-check watch'
    assert_output --partial "is 1000 but at least 400000 is expected. Running the following command to fix it:"
    assert_output --partial "$PWD/bin/sudo -k sysctl fs.inotify.max_user_watches=400000"
    assert_equal "$(cat sudo.args)" "-k sysctl fs.inotify.max_user_watches=400000"
}

@test "version-check: false uses the container already built under the name, without versioning" {
    busybox_tarball busybox.tar.gz
    run "$VAGGA" marker
    assert_success
    assert_line "MARK"
    sed -i 's|"MARK\\n"|"CHANGED\\n"|' vagga.yaml
    echo "version-check: false" > .vagga.settings.yaml
    run "$VAGGA" marker
    assert_success
    assert_output "MARK"
    # with the check (the default) the changed definition is built
    rm .vagga.settings.yaml
    run "$VAGGA" marker
    assert_success
    assert_line "CHANGED"
    # never built: version-check false builds it as usual
    rm -rf .vagga
    echo "version-check: false" > .vagga.settings.yaml
    run "$VAGGA" marker
    assert_success
    assert_line "CHANGED"
}

@test "_check_overlayfs_support prints whether an overlayfs mounts in a container's namespaces" {
    local expect=unsupported
    mkdir -p probe/l probe/u probe/w probe/m
    if [ "$(id -u)" = 0 ]; then
        unshare -m mount -t overlay overlay -o lowerdir=probe/l,upperdir=probe/u,workdir=probe/w probe/m && expect=supported
    else
        unshare -Urm mount -t overlay overlay -o lowerdir=probe/l,upperdir=probe/u,workdir=probe/w probe/m && expect=supported
    fi
    run "$VAGGA" _check_overlayfs_support
    assert_output "$expect"
    if [ "$expect" = supported ]; then assert_success; else assert_failure 1; fi
    run "$VAGGA" _check_overlayfs_support extra
    assert_failure 122
}

@test "!Persistent init-command: run once before the first command that mounts the volume, kept only on success" {
    busybox_tarball busybox.tar.gz
    "$VAGGA" _build dbase
    # the first run initialises the volume, then runs the command on it
    run "$VAGGA" show-db
    assert_success
    assert_output "seeded"
    assert_equal "$(wc -l < init.log)" 1
    [ -f .vagga/.volumes/db/seed ]
    # it exists now: the init command is not run again
    run "$VAGGA" show-db
    assert_success
    assert_output "seeded"
    assert_equal "$(wc -l < init.log)" 1
    # a failing init: the command does not run and no half-filled volume is left
    rm -rf .vagga/.volumes/db
    touch fail-init
    run "$VAGGA" show-db
    assert_failure 3
    refute_output --partial "seeded"
    [ ! -e .vagga/.volumes/db ]
    run ls -A .vagga/.volumes
    assert_output ""
    # the init command run by its own name: committed on success; once the volume exists, an
    # ordinary command working on the volume itself
    rm fail-init
    run "$VAGGA" _init-db
    assert_success
    [ -f .vagga/.volumes/db/seed ] && [ -f .vagga/.volumes/db/half ]
    rm .vagga/.volumes/db/half
    run "$VAGGA" _init-db
    assert_success
    [ -f .vagga/.volumes/db/half ]
    assert_equal "$(wc -l < init.log)" 4
}

@test "versioned-build-dir: a container is built in .vagga/.roots/.tmp.NAME.HASH, the version being built" {
    busybox_tarball busybox.tar.gz
    local hash pid
    hash=$("$VAGGA" _version_hash --short slow)
    VAGGA_SETTINGS='versioned-build-dir: true' "$VAGGA" _build slow > build.log 2>&1 &
    pid=$!
    wait_for build.log 'step 2/2' 600
    run ls -A .vagga/.roots
    touch go
    wait "$pid"
    assert_line ".tmp.slow.$hash"
    [ -d ".vagga/.roots/slow.$hash/root" ] && [ ! -e ".vagga/.roots/.tmp.slow.$hash" ]
    # without the setting the name is not the version's
    rm go
    "$VAGGA" _build --force slow > build.log 2>&1 &
    pid=$!
    wait_for build.log 'step 2/2' 600
    run ls -A .vagga/.roots
    touch go
    wait "$pid"
    assert_line --regexp '^\.tmp\.slow\.'
    refute_line ".tmp.slow.$hash"
}

@test "isolate-network: true on a plain !Command: only lo inside" {
    run "$VAGGA" ifaces
    assert_success
    assert_output "ifaces: lo "
}

@test ".vagga/local.yaml is read as a mixin and alone marks a project directory" {
    mkdir -p .vagga
    printf 'commands:\n  from-local: !Command {container: host, run: [/bin/echo, local-mixin]}\n' > .vagga/local.yaml
    run "$VAGGA" from-local
    assert_success
    assert_output "local-mixin"
    mkdir -p alone/.vagga alone/sub
    printf 'containers:\n  h: {setup: [!HostRoot]}\ncommands:\n  here: !Command {container: h, run: pwd}\n' \
        > alone/.vagga/local.yaml
    cd alone/sub
    run "$VAGGA" here
    assert_success
    assert_output "/work/sub"
}

@test "_run --writeable (vagga's spelling of -W): a writable copy of the root" {
    busybox_tarball busybox.tar.gz
    "$VAGGA" _build app
    run "$VAGGA" _run app /bin/sh -c 'echo x > /etc/written'
    assert_failure
    run "$VAGGA" _run --writeable app /bin/sh -c 'echo x > /etc/written && cat /etc/written'
    assert_success
    assert_output "x"
}

@test "_clean --tmp-folders and --old-containers: vagga's long spellings of --tmp and --old" {
    "$VAGGA" _build plain
    mkdir -p .vagga/.roots/.tmp.plain.leftover/root
    mkdir -p .vagga/.roots/plain.00000000/root
    run "$VAGGA" _clean --old-containers --dry-run
    assert_success
    assert_output --partial "Would remove \"$PWD/.vagga/.roots/plain.00000000\""
    run "$VAGGA" _clean --tmp-folders --old-containers
    assert_success
    [ ! -e .vagga/.roots/.tmp.plain.leftover ] && [ ! -e .vagga/.roots/plain.00000000 ]
    [ -f .vagga/plain/etc/plain ]
}

@test "storage-subdir-from-env-var: the project's directory in storage-dir is named by the variable" {
    mkdir storage
    export VAGGA_SETTINGS="{storage-dir: $PWD/storage, storage-subdir-from-env-var: CI_PROJECT}"
    CI_PROJECT=my-proj run "$VAGGA" _build plain
    assert_success
    assert_equal "$(readlink -f .vagga/.lnk)" "$PWD/storage/my-proj"
    [ -f storage/my-proj/.roots/plain.*/root/etc/plain ]
    # other characters than letters, digits, "-", "_" become "-" (vagga's sanitize)
    rm -rf .vagga
    CI_PROJECT='group/name x' run "$VAGGA" _build plain
    assert_success
    assert_equal "$(readlink -f .vagga/.lnk)" "$PWD/storage/group-name-x"
    # unset: vagga's refusal, nothing built
    rm -rf .vagga storage/my-proj storage/group-name-x
    run env -u CI_PROJECT "$VAGGA" _build plain
    assert_failure 121
    assert_output --partial 'CI_PROJECT'
    [ ! -e .vagga/.lnk ]
}

@test "ignore-regex on !Copy: matching files stay out of the container" {
    mkdir src
    echo keep > src/a.txt
    echo drop > src/b.log
    run "$VAGGA" _build copied
    assert_success
    [ -f .vagga/copied/app/a.txt ] && [ ! -e .vagga/copied/app/b.log ]
    # a regex that does not compile is vagga's error, before anything is copied (PathFilter compiles
    # a user's regex when the filter is made, the default one only when a path is decided)
    sed -i 's/ignore-regex: .*}/ignore-regex: "("}/' vagga.yaml
    grep -q 'ignore-regex: "("' vagga.yaml
    run "$VAGGA" _build copied
    assert_failure 121
    assert_output --partial "Can't compile copy filter: Unclosed group"
}

@test "!CapsuleCommand: runs in the capsule, where vagga _capsule build/run/script work" {
    [ "$(id -u)" = 0 ] || skip "the capsule's vagga runs containers itself: tested as root"
    busybox_tarball busybox.tar.gz
    printf 'echo "script: $*"\n' > script.sh
    sha256sum script.sh | cut -d' ' -f1 > script.sha256
    run "$VAGGA" caps
    assert_success
    assert_line "mark=capsule-env"
    assert_line "vagga=/tmp/vagga/vagga"
    assert_line "built"
    assert_line "MARK"
    assert_line "script: one two"
    assert_line "capsule done"
    [ -f .vagga/app/etc/marker ]
    # the script was cached: a changed file with the old sum is still the cached one
    echo 'echo changed' > script.sh
    run "$VAGGA" caps
    assert_line "script: one two"
    # a wrong sum: vagga's refusal
    echo 0000 > script.sha256
    rm -rf .vagga/.cache/capsule-scripts
    run "$VAGGA" caps
    assert_output --partial "Hashsum mismatch"
}

@test "_capsule: a subcommand is required; an unknown one is 127" {
    run "$VAGGA" _capsule
    assert_failure 122
    run -127 "$VAGGA" _capsule frobnicate
    assert_output 'Unknown command "frobnicate"'
    run "$VAGGA" _capsule --help
    assert_success
    assert_output --partial "script URL"
}
