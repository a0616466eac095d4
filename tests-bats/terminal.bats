#!/usr/bin/env bats
# The terminal (SPEC 3.5), for real in a tmux pseudo-terminal: interactive child, Ctrl-Z / fg,
# the terminal given back after the run.

load helpers

setup() {
    command -v tmux > /dev/null || { echo "tmux is not installed (make deps installs it)" >&2; return 1; }
    project terminal
    MARK=terminal-$$-$BATS_TEST_NUMBER
    SESSION=vagga-bats-$$
    tmux new-session -d -s "$SESSION" -x 120 -y 40 "env -i PATH=$PATH HOME=/root TERM=xterm PS1='host$ ' bash --norc -i"
    wait_screen 'host\$'
}

teardown() {
    tmux kill-session -t "$SESSION" 2>/dev/null || true
    cleanup_project
}

screen() { tmux capture-pane -p -t "$SESSION"; }


@test "an interactive child gets the terminal; the terminal comes back after the run" {
    type_line "cd $PROJECT && $VAGGA repl"
    type_line "echo child says \$((6 * 7))"
    wait_screen '^child says 42'
    type_line "exit 3"
    wait_screen 'Process shell:[0-9]+ exited with code 3'
    type_line 'echo "host again: $?"'
    wait_screen '^host again: 3'
}

# A no-op reclaim would go unnoticed above: interactive bash takes the terminal back itself.
@test "vagga gives the terminal back to its own process group when a foreground child ended" {
    type_line "cd $PROJECT && VAGGA=$VAGGA sh fg-check.sh"
    type_line "echo child says \$((6 * 7))"
    wait_screen '^child says 42'
    type_line "exit 3"
    wait_screen '^vagga exited 3'
    wait_screen '^terminal (is ours|held by)'
    run screen
    assert_line "terminal is ours"
}

# The same while the supervisor runs on: the child that held the terminal exited 0
# (wait-all-successful), another child still runs; vagga's group must hold the terminal again at
# once, or Ctrl-C would reach nobody.
@test "a foreground child ends, the run goes on: the terminal is vagga's again, and Ctrl-C reaches it" {
    type_line "cd $PROJECT && MARK=$MARK $VAGGA -E MARK=$MARK repl-goes-on"
    type_line "echo child says \$((6 * 7))"
    wait_screen '^child says 42'
    local sup p
    for p in $(marked_pids "$MARK"); do
        [ "$(cat /proc/$p/comm)" = java ] && sup=$p
    done
    [ -n "$sup" ]
    # the child holds the terminal now
    [ "$(ps -o tpgid= -p "$sup" | tr -d ' ')" != "$(ps -o pgid= -p "$sup" | tr -d ' ')" ]
    type_line "exit 0"
    local i
    for ((i = 0; i < 100; i++)); do
        [ "$(ps -o tpgid= -p "$sup" | tr -d ' ')" = "$(ps -o pgid= -p "$sup" | tr -d ' ')" ] && break
        sleep 0.1
    done
    [ "$(ps -o tpgid= -p "$sup" | tr -d ' ')" = "$(ps -o pgid= -p "$sup" | tr -d ' ')" ]
    alive "$sup" # the run went on
    tmux send-keys -t "$SESSION" C-c
    wait_screen 'Received SIGINT signal'
    type_line 'echo "host again: $?"'
    wait_screen '^host again: 130'
}

@test "Ctrl-Z stops everything, fg resumes it" {
    type_line "cd $PROJECT && $VAGGA -E MARK=$MARK repl"
    type_line "echo ready"
    wait_screen '^ready'
    tmux send-keys -t "$SESSION" C-z
    wait_screen 'Stopped'
    # every process of both children is stopped, not only the one holding the terminal
    wait_child_stopped "$MARK" shell yes
    wait_child_stopped "$MARK" sidecar yes
    type_line 'echo "host prompt works"'
    wait_screen '^host prompt works'
    type_line "fg"
    type_line "echo resumed \$((1 + 1))"
    wait_screen '^resumed 2'
    wait_child_stopped "$MARK" shell no
    wait_child_stopped "$MARK" sidecar no
    type_line "exit 0"
    wait_screen 'Process shell:[0-9]+ exited with code 0'
}

@test "the inherited terminal keeps a name inside the container: tty and os.ttyname work" {
    type_line "cd $PROJECT && $VAGGA ttyname; echo \"done \$?\""
    wait_screen '^done 0'
    screen | grep -q '^tty says: /dev/' || { screen >&2; false; }
    screen | grep -q '^ttyname: /dev/' || { screen >&2; false; }
    ! screen | grep -q 'not a tty'
}
