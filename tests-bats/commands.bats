#!/usr/bin/env bats
# Plain commands, aliases, -m, prerequisites, pass-tcp-socket and docopt options of a supervise.

load helpers

setup() { project commands; }
teardown() { cleanup_project; }

@test "a plain !Command runs with its arguments and returns its code" {
    run "$VAGGA" hello world
    assert_success
    assert_output "hello world"
    run "$VAGGA" -E CODE=3 hello
    assert_equal "$status" 3
}

@test "an alias runs its command" {
    run "$VAGGA" hi there
    assert_success
    assert_output "hello there"
}

@test "-m runs commands in turn; the first failure stops" {
    run "$VAGGA" -m prepare hello prepare
    assert_success
    [ "$(grep -c prepared log)" -eq 2 ]
    rm log
    run "$VAGGA" -E CODE=4 -m prepare hello prepare
    assert_equal "$status" 4
    [ "$(grep -c prepared log)" -eq 1 ]
}

@test "prerequisites run first, each once, in dependency order; --no-prerequisites skips them" {
    run "$VAGGA" app
    assert_success
    run cat log
    assert_output "prepared
migrated
web started"
    rm log
    run "$VAGGA" --no-prerequisites app
    assert_success
    run cat log
    assert_output "web started"
}

@test "pass-tcp-socket: bound before the child starts, the child gets it as fd 3" {
    PORT=$((20000 + RANDOM % 20000))
    sed -i "s/\${PORT}/$PORT/" vagga.yaml
    "$VAGGA" serve > out 2>&1 3>&- &
    sup=$!
    # the supervisor listens before spawning: connect (bounded retries while it starts)
    for ((i = 0; i < 100; i++)); do
        exec 5<>"/dev/tcp/127.0.0.1/$PORT" 2>/dev/null && break
        sleep 0.1
    done
    read -r -t 30 line <&5
    exec 5<&-
    assert_equal "$line" "hello from fd 3"
    # the server exits 0 after one connection, which ends the run (stop-on-failure: any exit)
    wait_exit "$sup" 60
    assert_equal "$STATUS" 0
}

@test "pass-tcp-socket: a bind error is reported, nothing starts, 121" {
    PORT=$((20000 + RANDOM % 20000))
    sed -i "s/\${PORT}/$PORT/" vagga.yaml
    python3 -c "import socket,time,sys; s=socket.socket(); s.bind(('127.0.0.1', $PORT)); s.listen(); print('bound', flush=True); time.sleep(30)" > blocker 3>&- &
    blocker=$!
    wait_for blocker bound
    run "$VAGGA" serve
    kill "$blocker"
    assert_equal "$status" 121
    assert_output "Error listening \"127.0.0.1:$PORT\": Address already in use"
}

@test "docopt options: help, parsed values in VAGGAOPT_/VAGGACLI_, errors 121" {
    run "$VAGGA" opts --help
    assert_success
    assert_output --partial "Supervise with docopt options"
    assert_output --partial "Supervise options:"
    run "$VAGGA" opts --level=3 -v alice bob
    assert_success
    assert_line "level=3 verbose=true names=alice bob cli=--level 3"
    run "$VAGGA" opts
    assert_success
    assert_line "level=1 verbose= names= cli=--level 1"
    run -121 "$VAGGA" opts --bogus
    assert_equal "$status" 121
    assert_line --index 0 "Unknown flag: '--bogus'"
    assert_line "Usage:"
    assert_line --regexp '^  vagga opts \[options\]'
    refute_line --regexp '^level='
}

@test "a plain command gets Ctrl-C (SIGINT) forwarded and vagga returns its own exit code" {
    cat >> vagga.yaml <<'YAML'
  graceful: !Command
    container: host
    run: trap 'echo bye; exit 5' INT; echo ready; while :; do sleep 0.05; done
YAML
    # SIGINT at its default, as from a terminal (a background job of a script would ignore it)
    env --default-signal=INT "$VAGGA" graceful > out 2>&1 3>&- &
    sup=$!
    wait_for out '^ready'
    kill -INT "$sup"
    wait_exit "$sup" 60
    assert_equal "$STATUS" 5
    run cat out
    assert_output "ready
bye"
}

@test "a plain command's epilog is printed after a successful run only" {
    cat >> vagga.yaml <<'YAML'
  withepilog: !Command
    container: host
    run: 'exit ${CODE:-0}'
    epilog: "---- done ----\n"
YAML
    run "$VAGGA" withepilog
    assert_success
    assert_output "---- done ----"
    run "$VAGGA" -E CODE=2 withepilog
    assert_equal "$status" 2
    refute_output --partial "done"
}

@test "accepts-arguments: a shell string, a /bin/sh list or false refuse extra arguments with 122" {
    run "$VAGGA" noargs
    assert_success
    assert_output "ran with 0 args"
    for cmd in noargs shlist strict; do
        run --separate-stderr "$VAGGA" "$cmd" extra
        assert_equal "$status" 122
        assert_equal "$output" ""
        assert_equal "$stderr" "Usage:
    vagga $cmd [OPTIONS]
vagga $cmd: Unexpected argument extra"
    done
}

@test "--help after a plain !Command prints its description and exits 0, the command does not run" {
    run --separate-stderr "$VAGGA" noargs --help
    assert_success
    assert_output "Usage:
    vagga noargs [OPTIONS]

Takes no arguments

optional arguments:
  -h,--help             show this help message and exit"
}

@test "docopt options on a plain !Command: VAGGAOPT_/VAGGACLI_, no raw arguments, bad ones 121" {
    run "$VAGGA" withopts --port=8080 a b
    assert_success
    assert_output "port=8080 files=a b cli=--port 8080 args=0"
    run "$VAGGA" withopts
    assert_output "port=80 files= cli=--port 80 args=0"
    run --separate-stderr "$VAGGA" withopts --bogus
    assert_equal "$status" 121
    assert_output ""
    [[ "$stderr" == *"Usage: vagga withopts"* ]]
    run "$VAGGA" withopts --help
    assert_success
    assert_output --partial "A command with docopt options"
    assert_output --partial "Common options:"
}

@test "-m with prerequisites: one combined order, each prerequisite once" {
    run "$VAGGA" -m three two four
    assert_success
    run cat order
    assert_output "one
three
two
four"
}

@test "-e NAME=VALUE is refused before the command is looked up, with vagga's message and 126" {
    run --separate-stderr "$VAGGA" -e FOO=bar no-such-command
    assert_equal "$status" 126
    assert_equal "$stderr" 'Error propagating environment: Environment variable name (for option `-e`/`--use-env`) can'"'"'t contain equals `=` character. To set key-value pair use `-E`/`--environ` option'
    # --env is -E's other spelling
    run "$VAGGA" --env CODE=5 hello
    assert_equal "$status" 5
}

@test "mixins: a later one overrides an earlier one; vagga.local.yaml is read, and alone marks a project" {
    cat >> vagga.yaml <<'YAML'
mixins: [first.yaml, second.yaml]
YAML
    printf 'commands:\n  who: !Command {container: host, run: echo first}\n' > first.yaml
    printf 'commands:\n  who: !Command {container: host, run: echo second}\n' > second.yaml
    run "$VAGGA" who
    assert_success
    assert_output "second"
    printf 'commands:\n  who: !Command {container: host, run: echo local}\n' > vagga.local.yaml
    run "$VAGGA" who
    assert_output "local"
    mkdir -p alone/sub
    printf 'containers:\n  host: {setup: [!HostRoot]}\ncommands:\n  mine: !Command {container: host, run: pwd}\n' \
        > alone/.vagga.local.yaml
    cd alone/sub
    run "$VAGGA" mine
    assert_success
    assert_output "/work/sub"
}

@test "default-shell with \$cmdline: the command's script takes its place, the shell list names \$0" {
    run "$VAGGA" wrapped a b
    assert_success
    assert_output "wrapped
inner a b"
}

@test "a shell run is vagga's /bin/sh -c SCRIPT -- ARGS: \$0 is --, the arguments are \$1..." {
    run "$VAGGA" dollar0 a 'b c'
    assert_success
    assert_output '0=-- n=2 args=a b c'
    run "$VAGGA" dollar0
    assert_success
    assert_output '0=-- n=0 args='
}
