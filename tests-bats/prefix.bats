#!/usr/bin/env bats
# Ours: prefixed output (vagga --prefix, VAGGA_PREFIX=1, prefix-output: true): NAME | line, padded,
# stdout and stderr, lines never split or mixed, nothing lost; on a terminal (tmux) a pty per child,
# a colour per child (none with NO_COLOR), the interactive child still reads the terminal.

load helpers

setup() { project prefix; }
teardown() {
    [ -n "${SESSION:-}" ] && tmux kill-session -t "$SESSION" 2>/dev/null
    cleanup_project
}

@test "--prefix: every line NAME | line, names padded, stderr on stderr, no colour off a terminal" {
    run --separate-stderr "$VAGGA" --prefix logs
    assert_success
    assert_line "web         | web line 1"
    assert_line "web         | web line 3"
    assert_line "worker-long | part one, part two"
    assert_line "noisy       | noise 50"
    assert_equal "$(grep -c '^noisy       | noise [0-9]*$' <<< "$output")" 50
    assert_equal "$stderr" "web         | web error"
    refute_output --partial $'\e['
    # every line has a prefix: nothing split, nothing mixed
    assert_equal "$(grep -cvE '^(web|worker-long|noisy) +\| ' <<< "$output")" 0
}

@test "without --prefix the output is vagga's: children write straight through" {
    run --separate-stderr "$VAGGA" logs
    assert_success
    assert_output --partial "web line 1" # maybe beside another child's partial line: vagga's behaviour
    refute_output --partial " | "
}

@test "VAGGA_PREFIX=1 and the setting prefix-output: true turn it on too" {
    VAGGA_PREFIX=1 run "$VAGGA" logs
    assert_line "web         | web line 2"
    VAGGA_SETTINGS='prefix-output: true' run "$VAGGA" logs
    assert_line "web         | web line 2"
    VAGGA_PREFIX=0 run "$VAGGA" logs
    assert_output --partial "web line 2"
    refute_output --partial "web         | "
}

@test "a child's last lines come before the line saying it ended the run" {
    run "$VAGGA" --prefix crash
    assert_equal "$status" 3
    assert_line --index 0 "app  | last words"
    assert_line --index 1 --regexp '^---------- Process app:[0-9]+ exited with code 3\. Shutting down -----------$'
}

@test "400 000 lines from two children as fast as they can: all there, in order, none mixed" {
    "$VAGGA" --prefix flood > out 2> err
    [ "$(wc -l < out)" = 200000 ]
    [ "$(wc -l < err)" = 200000 ]
    diff <(seq 1 200000 | sed 's/^/a | /') out
    diff <(seq 1 200000 | sed 's/^/b | /') err
}

tmux_start() {
    command -v tmux > /dev/null || skip "tmux is not installed"
    SESSION=vagga-prefix-$$
    tmux new-session -d -s "$SESSION" -x 100 -y 40 "env -i PATH=$PATH HOME=/root TERM=xterm $* PS1='host$ ' bash --norc -i"
    wait_screen 'host\$'
}

# with -e: the colours as escape sequences (wait_screen matches the plain text)
screen() { tmux capture-pane -p -e -t "$SESSION"; }

@test "on a terminal: a pty per child (its window less the prefix), a colour per child" {
    tmux_start
    type_line "cd $PROJECT && $VAGGA --prefix terminal; echo \"done \$?\""
    wait_screen '^done 0'
    screen | grep -qF $'\e[36mother |\e[39m other here' || { screen | cat -v >&2; false; }
    screen | grep -qF $'\e[33mtty   |\e[39m stdout is a terminal' || { screen | cat -v >&2; false; }
    screen | grep -qF 'columns 92' || { screen | cat -v >&2; false; }
}

@test "on a terminal with NO_COLOR: a pty per child, no colours" {
    tmux_start NO_COLOR=1
    type_line "cd $PROJECT && $VAGGA --prefix terminal; echo \"done \$?\""
    wait_screen '^done 0'
    screen | grep -qx 'tty   | stdout is a terminal' || { screen | cat -v >&2; false; }
    screen | grep -qx 'other | other here' || { screen | cat -v >&2; false; }
    ! screen | grep -qF $'\e[3'
}

@test "on a terminal: a child reading the terminal still gets what is typed; its output is prefixed" {
    tmux_start
    type_line "cd $PROJECT && $VAGGA --prefix repl"
    wait_screen 'sidecar \| sidecar up'
    type_line 'echo "child says $((6 * 7))"'
    wait_screen 'shell +\|.* child says 42'
    type_line "exit 5"
    wait_screen 'Process shell:[0-9]+ exited with code 5'
}
