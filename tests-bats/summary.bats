#!/usr/bin/env bats
# Ours: the post-mortem: --summary / --no-summary (default on when stderr is a terminal), and
# --report FILE (JSON): how each child ended, who ended the run, its last lines.

load helpers

setup() { project summary; }
teardown() {
    [ -n "${SESSION:-}" ] && tmux kill-session -t "$SESSION" 2>/dev/null
    cleanup_project
}

@test "--summary: each child's ending on stderr, who ended the run, its last lines when prefixed" {
    run --separate-stderr "$VAGGA" --summary --prefix crash
    assert_equal "$status" 1
    assert_line --regexp '^---------- Process worker:[0-9]+ exited with code 1\. Shutting down -----------$'
    local summary
    summary=$(sed -n '/^---------- Summary of crash/,$p' <<< "$stderr")
    [ -n "$summary" ] || { echo "$stderr"; false; }
    grep -qx -- '---------- Summary of crash: exit code 1, ended by worker -----------' <<< "$summary"
    grep -qx '  worker    exited 1  <- ended the run' <<< "$summary"
    grep -qE '^  web       stopped by vagga after [0-9.]+ s \(killed by SIGTERM\)$' <<< "$summary"
    grep -qE '^  stubborn  killed by vagga with SIGKILL after 1\.[0-9] s \(did not stop in time\)$' <<< "$summary"
    grep -qx '  last lines of worker:' <<< "$summary"
    grep -qx '    | job 1' <<< "$summary"
    grep -qx '    | job 2: out of memory' <<< "$summary"
}

@test "off a terminal without --summary, or with --no-summary: no summary, vagga's output only" {
    run --separate-stderr "$VAGGA" crash
    assert_equal "$status" 1
    refute_output --partial "Summary"
    [[ $stderr != *Summary* ]]
    run --separate-stderr "$VAGGA" --summary --no-summary crash
    [[ $stderr != *Summary* ]]
}

@test "--report FILE: JSON with pids, times, statuses, signals, who ended the run" {
    command -v python3 > /dev/null || skip "python3 is not installed"
    run "$VAGGA" --report report.json crash
    assert_equal "$status" 1
    python3 - report.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["command"] == "crash" and r["exit_code"] == 1 and r["ended_by"] == "worker", r
c = {x["name"]: x for x in r["children"]}
assert sorted(c) == ["stubborn", "web", "worker"], c
w = c["worker"]
assert w["exit_code"] == 1 and w["signal"] is None and w["ended_the_run"] and w["pid"] > 1, w
assert w["started"] <= w["ended"], w
assert c["web"]["signal"] == "SIGTERM" and c["web"]["stopped_by_vagga"], c["web"]
s = c["stubborn"]
assert s["signal"] == "SIGKILL" and s["killed_by_vagga"] and not s["ended_the_run"], s
assert all(x["restarts"] == 0 for x in r["children"])
PY
}

@test "a bad --report path: one line, the run's own exit code" {
    run --separate-stderr "$VAGGA" --report /nonexistent/dir/r.json crash
    assert_equal "$status" 1
    [[ $stderr == *"vagga: cannot write the report /nonexistent/dir/r.json"* ]]
}

@test "on a terminal the summary is on by default; --no-summary turns it off" {
    command -v tmux > /dev/null || skip "tmux is not installed"
    SESSION=vagga-summary-$$
    tmux new-session -d -s "$SESSION" -x 120 -y 40 "env -i PATH=$PATH HOME=/root TERM=xterm PS1='host$ ' bash --norc -i"
    wait_screen 'host\$'
    type_line "cd $PROJECT && $VAGGA --no-summary crash; echo \"first \$?\""
    wait_screen '^first 1'
    ! tmux capture-pane -p -t "$SESSION" | grep -q 'Summary of crash'
    type_line "clear; $VAGGA crash; echo \"second \$?\""
    wait_screen '^second 1'
    wait_screen '^---------- Summary of crash: exit code 1, ended by worker'
    wait_screen '^  worker +exited 1  <- ended the run'
}
