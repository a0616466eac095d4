#!/usr/bin/env bats
# Building as vagga builds: !Copy modes and times, !Depends filters, the root's standard directories.

load helpers

setup() {
    project building
    mkdir -p src/sub src/.git
    printf '#!/bin/sh\n' > src/run.sh
    echo data > src/data
    echo ref > src/.git/HEAD
    chmod 700 src/run.sh src/sub
    chmod 600 src/data
}
teardown() { cleanup_project; }

@test "!Copy: vagga's modes (775 for directories and executables, 664 for files) and times (1)" {
    run "$VAGGA" _build copied
    assert_success
    root=.vagga/copied
    assert_equal "$(stat -c %a $root/app/run.sh $root/app/data $root/app/sub | tr '\n' ' ')" "775 664 775 "
    assert_equal "$(stat -c %Y $root/app/run.sh $root/app/data | tr '\n' ' ')" "1 1 "
    # vagga's default ignore rules: no VCS directory in the copy
    [ ! -e $root/app/.git ]
}

@test "!Depends: vagga's default ignore rules, .git and editor backups do not change the version" {
    before=$("$VAGGA" _version_hash deps)
    echo other > src/.git/HEAD
    echo backup > src/data~
    assert_equal "$("$VAGGA" _version_hash deps)" "$before"
    echo changed > src/data
    [ "$("$VAGGA" _version_hash deps)" != "$before" ]
}

@test "!Depends rules: only what the rules include changes the version" {
    before=$("$VAGGA" _version_hash deps-rules)
    printf '#!/bin/sh\necho other\n' > src/run.sh
    assert_equal "$("$VAGGA" _version_hash deps-rules)" "$before"
    echo changed > src/data
    [ "$("$VAGGA" _version_hash deps-rules)" != "$before" ]
}
