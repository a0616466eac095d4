#!/usr/bin/env bats
# Step-by-step reuse (issue 16 item 2): a build after a changed last step starts from the root saved
# after the slow step, and gives the tree a fresh build gives; a half-made saved step is never used.

load helpers

setup() {
    project steps
    busybox_tarball busybox.tar.gz
}

teardown() {
    cleanup_project
}

# tree ROOT: every entry with its type, mode, owner, size, link target and content hash (no times)
tree() {
    (cd "$1" && find . -printf '%p %y %m %U:%G %s %l %n\n' | sort) > "$2"
    (cd "$1" && find . -type f -print0 | sort -z | xargs -0 md5sum) >> "$2"
}

change_last_step() { sed -i "s/LAST/$1/" vagga.yaml; }

@test "a changed last step starts from the root saved after the slow step; the tree is a fresh build's" {
    run "$VAGGA" _build app
    assert_success
    # step 1 too when the machine is slow enough that unpacking busybox takes a second
    assert_line --regexp '^\[app\] saved the root after step 2 for reuse \([12] saved for "app": [0-9]+ MB on disk'
    run ls .vagga/.steps
    assert_line --regexp '^app\.[0-9a-f]{16}$'
    change_last_step CHANGED
    run "$VAGGA" _build app
    assert_success
    assert_line --partial '[app] reusing the root saved after step 2 of 5 (!Sh '
    refute_line --partial '[app] step 2/5'
    assert_line --partial '[app] step 3/5: !Env'
    run "$VAGGA" show
    assert_success
    assert_output $'hello CHANGED\nbuilt-once\nappended'
    # the edit was inside a `!Sh |` script: the config came from the patched cache entry
    # (ConfigPatch), and it is what a parse of the file gives
    run "$VAGGA" _version_hash app
    assert_success
    patched=$output
    VAGGA_NO_CONFIG_CACHE=1 run "$VAGGA" _version_hash app
    assert_success
    [ "$output" = "$patched" ]
    [ ! -e .vagga/app/srv/removed ] # !Remove replayed: applied at the end again
    # again: the saved root is not changed by a build that started from it (appends in place)
    change_last_step() { sed -i "s/CHANGED/TWICE/" vagga.yaml; }
    change_last_step
    run "$VAGGA" _build app
    assert_success
    assert_line --partial '[app] reusing the root saved after step 2 of 5'
    run "$VAGGA" show
    assert_output $'hello TWICE\nbuilt-once\nappended'
    tree .vagga/app "$BATS_TEST_TMPDIR/reused"
    # --force: from scratch, as before
    run "$VAGGA" _build --force app
    assert_success
    assert_line --partial '[app] step 2/5'
    refute_line --partial 'reusing the root'
    tree .vagga/app "$BATS_TEST_TMPDIR/fresh"
    diff "$BATS_TEST_TMPDIR/fresh" "$BATS_TEST_TMPDIR/reused"
}

@test "a saved step a killed build left half-made is not used, and is removed" {
    run "$VAGGA" _build app
    assert_success
    # what a kill -9 during the copy leaves: the copy under its temporary name (here also damaged)
    for saved in .vagga/.steps/app.*; do
        mv "$saved" ".vagga/.steps/.tmp.${saved##*/}.dead"
        echo damaged > ".vagga/.steps/.tmp.${saved##*/}.dead/root/etc/profile"
    done
    change_last_step AGAIN
    run "$VAGGA" _build app
    assert_success
    refute_line --partial 'reusing the root'
    assert_line --partial '[app] step 2/5'
    [ "$(cat .vagga/app/srv/one)" = one ]
    run sh -c 'ls -a .vagga/.steps | grep "^\.tmp\." || true'
    assert_output ''
}

@test "saved-steps bounds what is kept; _clean --old removes what no definition starts with" {
    export VAGGA_SETTINGS='saved-steps: 1'
    run "$VAGGA" _build app
    assert_success
    sed -i 's/sleep 1.2/sleep 1.3/' vagga.yaml # step 2 changes: another saved root
    run "$VAGGA" _build app
    assert_success
    assert_line --partial '(1 saved for "app":'
    [ "$(ls .vagga/.steps | wc -l)" = 1 ]
    sed -i 's/sleep 1.3/sleep 1.1/' vagga.yaml
    run "$VAGGA" _clean --old
    assert_success
    [ "$(ls .vagga/.steps | wc -l)" = 0 ]
    sed -i 's/sleep 1.1/sleep 1.0/' vagga.yaml
    VAGGA_SETTINGS='saved-steps: nope' run "$VAGGA" _build app
    assert_failure 121
    assert_output --partial 'setting saved-steps: expected a number of saved steps (0 or more), got "nope"'
}

# the root of a build with nothing saved and no overlay: what the reused trees must equal
fresh_tree() {
    VAGGA_SETTINGS='saved-steps: 0' run "$VAGGA" _build --force app
    assert_success
    refute_line --partial 'reus'
    tree .vagga/app "$1"
}

# tree_no_dir_sizes ROOT FILE: the same without directories' sizes, which are ext4's bookkeeping of
# how entries came (created there, or renamed in from the upper layer), not content
tree_no_dir_sizes() {
    tree "$1" "$2.full"
    awk '$2 == "d" { $5 = "-" } { print }' "$2.full" > "$2"
}

# every saved root (step 1 is saved too when unpacking took a second)
saved_tree() {
    local d
    : > "$1"
    for d in .vagga/.steps/app.*; do
        echo "${d##*/}" >> "$1"
        tree "$d/root" "$1.one"
        cat "$1.one" >> "$1"
    done
}

# wait_glob SECONDS PATTERN: bounded polling until a path matches
wait_glob() {
    local deadline=$((SECONDS + $1))
    until compgen -G "$2" > /dev/null; do
        [ $SECONDS -lt $deadline ] || { echo "timed out waiting for $2" >&2; return 1; }
        sleep 0.1
    done
}

# overlay mounts below the project: in this process's mount table (the host's), or with a pid, in
# that vagga's threads' tables (the builder mounts in a namespace of its own)
our_mounts() { cat /proc/self/mountinfo ${1:+/proc/$1/task/*/mountinfo} 2>/dev/null | grep -F " $PROJECT/" || true; }

@test "deletions, replaced directories, a fifo by the changed step: the saved root stays, each reused tree is a fresh build's" {
    sed -i 's|mkdir -p /srv/removed|rm /srv/link; rm -r /var/lib/app; mkdir /var/lib/app; echo x > /var/lib/app/new; mkfifo /srv/fifo; rm /etc/profile; mkdir -m 0700 /etc/profile; touch /etc/profile/d; chmod 0711 /srv\n        test LAST != ONE \|\| { rm /bin/ls; echo x > /srv/only-one; }|' vagga.yaml
    run "$VAGGA" _build app
    assert_success
    saved_tree "$BATS_TEST_TMPDIR/saved-before"
    grep -q '^./srv/link l 777 ' "$BATS_TEST_TMPDIR/saved-before" # what the step deletes is in the saved root
    change_last_step ONE
    run "$VAGGA" _build app
    assert_success
    assert_line --partial '[app] reusing the root saved after step 2 of 5'
    assert_line --regexp '^\[app\] reused the unused root app\.[0-9a-f]+ for the unchanged files$'
    tree .vagga/app "$BATS_TEST_TMPDIR/one"
    [ ! -e .vagga/app/srv/link ] && [ -p .vagga/app/srv/fifo ] && [ -f .vagga/app/etc/profile/d ]
    [ -e .vagga/app/srv/only-one ] && [ ! -L .vagga/app/bin/ls ] # only this build's: the next one reverts them
    # the previous root was recycled: its deletions were undone from the saved root, then this build's applied
    sed -i 's/ONE/TWO/' vagga.yaml
    run "$VAGGA" _build app
    assert_success
    assert_line --regexp '^\[app\] reused the unused root app\.[0-9a-f]+ for the unchanged files$'
    tree .vagga/app "$BATS_TEST_TMPDIR/two"
    saved_tree "$BATS_TEST_TMPDIR/saved-after"
    diff "$BATS_TEST_TMPDIR/saved-before" "$BATS_TEST_TMPDIR/saved-after"
    fresh_tree "$BATS_TEST_TMPDIR/fresh"
    diff "$BATS_TEST_TMPDIR/fresh" "$BATS_TEST_TMPDIR/two"
    sed -i 's/TWO/ONE/' vagga.yaml
    fresh_tree "$BATS_TEST_TMPDIR/fresh-one"
    diff "$BATS_TEST_TMPDIR/fresh-one" "$BATS_TEST_TMPDIR/one"
    [ -z "$(our_mounts)" ]
}

@test "an in-place write to a file of the saved root with two names: built from scratch, both names show it" {
    sed -i 's|mkdir -p /srv/removed|echo more >> /srv/hard|' vagga.yaml
    run "$VAGGA" _build app
    assert_success
    saved_tree "$BATS_TEST_TMPDIR/saved-before"
    change_last_step ONE
    run "$VAGGA" _build app
    assert_success
    assert_line --partial 'a name of a file that has several in the saved root (/srv/hard): building from scratch'
    assert_line --partial '[app] step 2/5'
    [ "$(cat .vagga/app/srv/one)" = "$(printf 'one\nmore')" ]
    tree .vagga/app "$BATS_TEST_TMPDIR/reused"
    fresh_tree "$BATS_TEST_TMPDIR/fresh"
    diff "$BATS_TEST_TMPDIR/fresh" "$BATS_TEST_TMPDIR/reused"
}

@test "a step's changes deep in the saved root's directories: reused (60 levels), from scratch past 256; each tree is a fresh build's" {
    # the native walks once kept PATH_MAX buffers per level on a 512 KiB JVM stack: a rebuild that
    # wrote ~30 directories down crashed vagga (SIGSEGV, exit 139)
    deep60=/srv/$(printf 'd%02d/' $(seq 1 60))
    deep300=/srv/$(printf 'e/%.0s' $(seq 1 300))
    sed -i "s|sleep 1.2|sleep 1.2; mkdir -p $deep60 $deep300|; s|mkdir -p /srv/removed|echo LAST > ${deep60}f; mkdir -p /srv/new/$deep60|" vagga.yaml
    run "$VAGGA" _build app
    assert_success
    change_last_step ONE
    run "$VAGGA" _build app
    assert_success
    assert_line --partial '[app] reusing the root saved after step 2 of 5'
    refute_line --partial 'building from scratch'
    [ "$(cat ".vagga/app${deep60}f")" = ONE ] && [ -d ".vagga/app/srv/new/$deep60" ]
    tree .vagga/app "$BATS_TEST_TMPDIR/reused"
    fresh_tree "$BATS_TEST_TMPDIR/fresh"
    diff "$BATS_TEST_TMPDIR/fresh" "$BATS_TEST_TMPDIR/reused"
    # past 256 levels the native walks stop: the build starts again from scratch, and says why
    sed -i "s|echo ONE > ${deep60}f|echo TWO > ${deep300}f|" vagga.yaml
    run "$VAGGA" _build app
    assert_success
    assert_line --partial "a step's changes go more than 256 directories deep ("
    assert_line --partial '[app] step 2/5'
    [ "$(cat ".vagga/app${deep300}f")" = TWO ]
    tree .vagga/app "$BATS_TEST_TMPDIR/deeper"
    fresh_tree "$BATS_TEST_TMPDIR/fresh-deeper"
    diff "$BATS_TEST_TMPDIR/fresh-deeper" "$BATS_TEST_TMPDIR/deeper"
    [ -z "$(our_mounts)" ]
}

@test "a root a writable run used is not recycled: the next tree is still a fresh build's" {
    run "$VAGGA" _build app
    assert_success
    # _run -W: a hard-link copy of the root, so this changes the root's own /srv/one in place
    run "$VAGGA" _run -W app sh -c 'echo scribbled >> /srv/one'
    assert_success
    grep -q scribbled .vagga/app/srv/one
    change_last_step ONE
    run "$VAGGA" _build app
    assert_success
    assert_line --partial '[app] reusing the root saved after step 2 of 5'
    refute_line --partial 'reused the unused root'
    ! grep -q scribbled .vagga/app/srv/one
    tree .vagga/app "$BATS_TEST_TMPDIR/reused"
    fresh_tree "$BATS_TEST_TMPDIR/fresh"
    diff "$BATS_TEST_TMPDIR/fresh" "$BATS_TEST_TMPDIR/reused"
}

@test "kill -9 in the overlay and while its upper layer is applied: no mount stays, nothing half-made is trusted" {
    # (the mount is in the builder's own namespace, which ends with it; the next build removes the rest)
    run "$VAGGA" _build app
    assert_success
    saved_tree "$BATS_TEST_TMPDIR/saved-before"
    # 1: killed while the changed step runs in the overlay
    sed -i "s|mkdir -p /srv/removed|touch /srv/ready; sleep 1000|" vagga.yaml
    "$VAGGA" _build app > "$BATS_TEST_TMPDIR/log1" 2>&1 3>&- &
    local pid=$!
    wait_glob 60 '.vagga/.roots/.tmp.app.*/.upper/srv/ready'
    [ -n "$(our_mounts "$pid")" ]
    [ -z "$(our_mounts)" ] # not on the host: nothing for a kill -9 to leave there
    kill -9 "$pid"
    wait "$pid" || true
    # 2: killed while the upper layer (20,000 new files in a directory of the saved root) is applied
    sed -i "s|touch /srv/ready; sleep 1000|cd /srv \&\& seq 20000 \| xargs touch|" vagga.yaml
    "$VAGGA" _build app > "$BATS_TEST_TMPDIR/log2" 2>&1 3>&- &
    pid=$!
    local deadline=$((SECONDS + 120)) killed=
    while [ $SECONDS -lt $deadline ] && kill -0 "$pid" 2>/dev/null; do
        # unmounted, upper layer not yet all applied: the window this part is about
        if grep -q 'step 5/5' "$BATS_TEST_TMPDIR/log2" && [ -z "$(our_mounts "$pid")" ] \
            && [ -n "$(ls .vagga/.roots/.tmp.app.*/.upper/srv 2>/dev/null | head -1)" ]; then
            kill -9 "$pid" && killed=1
            break
        fi
    done
    wait "$pid" || true
    [ -n "$killed" ] # else the build ended before the window was seen
    ls -a .vagga/.roots | grep -q '^\.tmp\.' # the half-applied build, under its temporary name
    # the next build: the leftovers go, the saved root is as it was, the tree is a fresh build's
    run "$VAGGA" _build app
    assert_success
    assert_line --partial '[app] reusing the root saved after step 2 of 5'
    [ -z "$(our_mounts)" ]
    run sh -c 'ls -a .vagga/.roots .vagga/.steps | grep "^\.tmp\." || true'
    assert_output ''
    saved_tree "$BATS_TEST_TMPDIR/saved-after"
    diff "$BATS_TEST_TMPDIR/saved-before" "$BATS_TEST_TMPDIR/saved-after"
    [ -e .vagga/app/srv/20000 ]
    tree_no_dir_sizes .vagga/app "$BATS_TEST_TMPDIR/reused"
    fresh_tree "$BATS_TEST_TMPDIR/fresh"
    tree_no_dir_sizes .vagga/app "$BATS_TEST_TMPDIR/fresh"
    diff "$BATS_TEST_TMPDIR/fresh" "$BATS_TEST_TMPDIR/reused"
}
