#!/usr/bin/env bats
# Composer steps against a local composer repository on 127.0.0.1 (Packagist is not reachable from
# here): the test writes a packages.json of two zip packages (vagga/tiny with a program,
# vagga/devtool) and serves it with python's http.server; Debian's php and composer run inside
# the container, from a root made once with mmdebstrap (cached in /var/tmp/vagga-test-cache).

load helpers

# a Debian root is unpacked and copied a few times: slow on a loaded 2-core machine
BATS_TEST_TIMEOUT=$(( ${BATS_TEST_TIMEOUT:-180} > 600 ? BATS_TEST_TIMEOUT : 600 ))

# repository DIR PORT: packages.json and the zips of vagga/tiny 1.0.0 and vagga/devtool 1.0.0
repository() {
    python3 - "$1" "$2" <<'PY'
import json, os, sys, zipfile
out, port = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
packages = {}
for name, files, extra in [
    ("vagga/tiny", {"src/Tiny.php": "<?php\nnamespace Tiny;\nclass Tiny { const VERSION = '1.0.0'; }\n",
                    "bin/tiny": "#!/usr/bin/env php\n<?php\necho \"tiny 1.0.0\\n\";\n"},
     {"autoload": {"psr-4": {"Tiny\\": "src/"}}, "bin": ["bin/tiny"]}),
    ("vagga/devtool", {"src/Devtool.php": "<?php\nnamespace Devtool;\nclass Devtool {}\n"},
     {"autoload": {"psr-4": {"Devtool\\": "src/"}}}),
]:
    zname = name.replace("/", "-") + "-1.0.0.zip"
    meta = dict(name=name, version="1.0.0", type="library", **extra)
    with zipfile.ZipFile(os.path.join(out, zname), "w") as z:
        z.writestr("composer.json", json.dumps(meta))
        for path, text in files.items():
            info = zipfile.ZipInfo(path)
            info.external_attr = (0o755 if path.startswith("bin/") else 0o644) << 16
            z.writestr(info, text)
    meta["dist"] = {"type": "zip", "url": f"http://127.0.0.1:{port}/{zname}"}
    packages[name] = {"1.0.0": meta}
with open(os.path.join(out, "packages.json"), "w") as f:
    json.dump({"packages": packages}, f)
PY
}

setup_file() {
    debian_tarball lang-php-ruby ca-certificates,php-cli,composer,git,unzip,ruby,bundler
    file_project composer
    cd "$FILE_PROJECT"
    PORT=$(( 20000 + RANDOM % 20000 ))
    repository "$BATS_FILE_TMPDIR/repo" "$PORT"
    serve_dir "$BATS_FILE_TMPDIR/repo" packages.json
    sed -i "s/PORT/$PORT/" vagga.yaml app/composer.json
    build_for_file php
    # the project's composer.lock, as a user commits it (a build without one writes it, which
    # changes the version: vagga hashes the lock when there is one)
    "$VAGGA" _run php env COMPOSER_ALLOW_SUPERUSER=1 composer --no-interaction --working-dir=app \
        update --no-install >> "$BATS_FILE_TMPDIR/build.log" 2>&1 || { cat "$BATS_FILE_TMPDIR/build.log" >&3; return 1; }
}

teardown_file() {
    stop_served
}

setup() {
    cd "$FILE_PROJECT"
}

root_of() {
    echo ".vagga/$1"
}

@test "!ComposerInstall: composer global require into /usr/local/lib/composer/vendor, programs in /usr/local/bin, composer gone" {
    run "$VAGGA" _build php-install
    assert_success
    assert_line --partial '[php-install] step 3/3: !ComposerInstall ["vagga/tiny:1.0.0"]'
    run "$VAGGA" _run php-install php -r 'require "vendor/autoload.php"; echo Tiny\Tiny::VERSION, " ", get_include_path(), "\n";'
    assert_success
    assert_output '1.0.0 .:/usr/local/lib/composer'
    run "$VAGGA" _run php-install tiny
    assert_output 'tiny 1.0.0'
    root=$(root_of php-install)
    [ ! -e "$root/usr/bin/composer" ]
    ls .vagga/.cache/composer-cache/files/vagga/tiny | grep -q zip
    run sh -c "ls -A $root/tmp"
    assert_output ''
}

@test "vagga.ini is written by rename: a link a step left in php's conf.d is replaced, the host file it named is untouched" {
    host=$(mktemp /var/tmp/vagga-host-ini.XXXXXX)
    echo untouched > "$host"
    cat >> vagga.yaml <<EOF
  php-linked-ini:
    setup:
    - !Container php
    - !Sh 'for d in /etc/php/*/cli/conf.d; do ln -s $host \$d/vagga.ini; done'
    - !Text
      /usr/local/lib/composer/composer.json: *repo
    - !ComposerInstall ["vagga/tiny:1.0.0"]
EOF
    run "$VAGGA" _build php-linked-ini
    content=$(cat "$host"); rm -f "$host"
    [ "$content" = untouched ]
    assert_success
    ini=$(ls $(root_of php-linked-ini)/etc/php/*/cli/conf.d/vagga.ini)
    [ ! -L "$ini" ]
    [ "$(cat "$ini")" = "include_path=.:/usr/local/lib/composer" ]
}

@test "!ComposerConfig replaces the settings: keep-composer keeps the program, vendor-dir moves the packages" {
    run "$VAGGA" _build php-keep
    assert_success
    root=$(root_of php-keep)
    [ -x "$root/usr/bin/composer" ]
    run "$VAGGA" _run php-keep composer --version
    assert_success
    assert_output --partial 'Composer'
}

@test "!ComposerDependencies installs require and require-dev of working-dir's composer.json; dev: false only require" {
    run "$VAGGA" _build php-deps
    assert_success
    root=$(root_of php-deps)
    [ -f "$root/usr/local/lib/composer/vendor/vagga/tiny/src/Tiny.php" ]
    [ -f "$root/usr/local/lib/composer/vendor/vagga/devtool/src/Devtool.php" ]
    [ ! -e app/vendor ]
    run "$VAGGA" _build php-deps-nodev
    assert_success
    root=$(root_of php-deps-nodev)
    [ -f "$root/usr/local/lib/composer/vendor/vagga/tiny/src/Tiny.php" ]
    [ ! -e "$root/usr/local/lib/composer/vendor/vagga/devtool" ]
    grep -q 'Tiny\\\\Tiny' "$root/usr/local/lib/composer/vendor/composer/autoload_classmap.php"
}

@test "!ComposerDependencies: require and require-dev are the version, a description is not" {
    cp app/composer.json "$BATS_TEST_TMPDIR/composer.json"
    before=$("$VAGGA" _version_hash php-deps)
    nodev=$("$VAGGA" _version_hash php-deps-nodev)
    sed -i 's/"the composer.bats project"/"changed"/' app/composer.json
    [ "$before" = "$("$VAGGA" _version_hash php-deps)" ]
    sed -i 's/"vagga\/devtool": "1.0.0"/"vagga\/devtool": "1.0.1"/' app/composer.json
    [ "$before" != "$("$VAGGA" _version_hash php-deps)" ]
    [ "$nodev" = "$("$VAGGA" _version_hash php-deps-nodev)" ]
    sed -i 's/"vagga\/tiny": "1.0.0"/"vagga\/tiny": "1.0.1"/' app/composer.json
    [ "$nodev" != "$("$VAGGA" _version_hash php-deps-nodev)" ]
    cp "$BATS_TEST_TMPDIR/composer.json" app/composer.json
}

@test "an unresolvable package fails with composer's own message, naming the step" {
    assert_step_fails php-bad 'vagga/no-such-package' \
        'container "php-bad": step 3 (!ComposerInstall ["vagga/no-such-package:1.0.0"]): command "php /usr/bin/composer --no-interaction global require'
}

@test "!ComposerDependencies prefer: wrong is vagga's error" {
    run "$VAGGA" _build php-wrong-prefer
    assert_failure 121
    assert_output --partial "Value of 'ComposerDependencies.prefer' must be either 'source' or 'dist', 'wrong' given"
}
