#!/usr/bin/env bats
# Gem steps against a local gem source on 127.0.0.1 (RubyGems is not reachable from here): the
# test builds two tiny gems with `gem build`, indexes them with `gem generate_index` and serves
# the directory with python's http.server; the container's /etc/gemrc and the Gemfile name it.
# Debian's ruby, gem and bundler run inside, from a root made once with mmdebstrap (cached in
# /var/tmp/vagga-test-cache).

load helpers

# a Debian root is unpacked and copied a few times: slow on a loaded 2-core machine
BATS_TEST_TIMEOUT=$(( ${BATS_TEST_TIMEOUT:-180} > 600 ? BATS_TEST_TIMEOUT : 600 ))

# gem_source DIR: tinygem 1.0 (module Tinygem, program tinygem) and testgem 2.0, indexed
gem_source() {
    local name version work
    for spec in tinygem:1.0 testgem:2.0; do
        name=${spec%:*} version=${spec#*:}
        work=$BATS_FILE_TMPDIR/gem-$name
        mkdir -p "$work/lib" "$work/bin"
        echo "module ${name^}; VERSION = \"$version\"; end" > "$work/lib/$name.rb"
        printf '#!/usr/bin/env ruby\nrequire "%s"\nputs "%s #{%s::VERSION}"\n' "$name" "$name" "${name^}" > "$work/bin/$name"
        chmod 755 "$work/bin/$name"
        cat > "$work/$name.gemspec" <<SPEC
Gem::Specification.new do |s|
  s.name = "$name"; s.version = "$version"; s.summary = "gem.bats"; s.authors = ["bats"]
  s.license = "MIT"; s.files = ["lib/$name.rb", "bin/$name"]; s.executables = ["$name"]
end
SPEC
        (cd "$work" && gem build --quiet "$name.gemspec" > /dev/null)
        mkdir -p "$1/gems"
        mv "$work/$name-$version.gem" "$1/gems/"
    done
    gem generate_index --quiet --directory "$1" > /dev/null
}

setup_file() {
    debian_tarball lang-php-ruby ca-certificates,php-cli,composer,git,unzip,ruby,bundler
    file_project gem
    cd "$FILE_PROJECT"
    gem_source "$BATS_FILE_TMPDIR/source"
    serve_dir "$BATS_FILE_TMPDIR/source" specs.4.8.gz
    sed -i "s/PORT/$PORT/" vagga.yaml Gemfile
    build_for_file ruby
    # the project's Gemfile.lock, as a user commits it (a build without one writes it, which
    # changes the version: vagga hashes the lock when there is one)
    "$VAGGA" _run ruby bundle lock >> "$BATS_FILE_TMPDIR/build.log" 2>&1 || { cat "$BATS_FILE_TMPDIR/build.log" >&3; return 1; }
}

teardown_file() {
    stop_served
}

setup() {
    cd "$FILE_PROJECT"
}

@test "!GemInstall: gem install --bindir /usr/local/bin from the source (Debian refuses gem update --system); downloads in gems-cache" {
    run "$VAGGA" _build gem-install
    assert_success
    assert_line --partial '[gem-install] step 2/2: !GemInstall ["tinygem:1.0"]'
    assert_line --partial "gem update --system skipped: this distribution's RubyGems refuses it"
    run "$VAGGA" _run gem-install ruby -e 'require "tinygem"; puts Tinygem::VERSION'
    assert_success
    assert_output 1.0
    run "$VAGGA" _run gem-install tinygem
    assert_output 'tinygem 1.0'
    [ -x .vagga/gem-install/usr/local/bin/tinygem ]
    ls .vagga/.cache/gems-cache | grep -q '^tinygem-1.0.gem$'
    run sh -c "ls -A .vagga/gem-install/var/lib/gems/*/cache"
    assert_output ''
}

@test "!GemBundle installs the Gemfile's gems (bundle install --system); without: [test] leaves that group out" {
    run "$VAGGA" _build gem-bundle
    assert_success
    run "$VAGGA" _run gem-bundle testgem
    assert_output 'testgem 2.0'
    run "$VAGGA" _run gem-bundle ruby -e 'require "tinygem"; puts Tinygem::VERSION'
    assert_output 1.0
    run "$VAGGA" _build gem-bundle-without
    assert_success
    [ -x .vagga/gem-bundle-without/usr/local/bin/tinygem ]
    run "$VAGGA" _run gem-bundle-without ruby -e 'require "testgem"'
    assert_failure
}

@test "!GemBundle: the Gemfile's lines are the version, its comments are not" {
    cp Gemfile "$BATS_TEST_TMPDIR/Gemfile"
    before=$("$VAGGA" _version_hash gem-bundle)
    echo '# a comment changes nothing' >> Gemfile
    [ "$before" = "$("$VAGGA" _version_hash gem-bundle)" ]
    sed -i 's/"tinygem", "1.0"/"tinygem", "1.1"/' Gemfile
    [ "$before" != "$("$VAGGA" _version_hash gem-bundle)" ]
    cp "$BATS_TEST_TMPDIR/Gemfile" Gemfile
}

@test "an unknown gem fails with gem's own message, naming the step" {
    assert_step_fails gem-bad "Could not find a valid gem 'vagga-no-such-gem'" \
        'container "gem-bad": step 3 (!GemInstall ["vagga-no-such-gem"]): command "/usr/bin/gem install --bindir /usr/local/bin --no-document vagga-no-such-gem"'
}
