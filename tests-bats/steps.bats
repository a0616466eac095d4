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
