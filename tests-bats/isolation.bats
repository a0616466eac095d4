#!/usr/bin/env bats
# One child, one container (SPEC 4): own PID namespace, /proc, /tmp; project at /work; read-only root.

load helpers

setup() { project isolation; echo hello > marker; mkdir -p sub/deeper; }
teardown() { cleanup_project; }

@test "each child has its own PID namespace, /proc and /tmp; root read-only; project at /work" {
    run "$VAGGA" look
    assert_success
    assert_line "one pid=2"
    # its own /proc shows only its namespace: the shim, the shell, and the ls/wc of the line
    n=$(sed -n 's/^one procs=//p' <<< "$output")
    [ "$n" -le 5 ]
    assert_line "one tmp=1777 tmpfs"
    assert_line "one root-ro=yes"
    assert_line "one work=hello"
    assert_line "two saw one touch=yes"
    assert_line "two tmp-sees-one=no"
    [ "$(cat from-one)" = "one wrote" ]
    [ ! -e /tmp/one-was-here ]
}

@test "environment: container, then command, then VAGGA_COMMAND / VAGGA_SUBCOMMAND" {
    run "$VAGGA" look
    assert_success
    assert_line "one env=container,by-command,1,look,one"
}

@test "HOME: /tmp when nothing sets it (ours), the config's value otherwise; the caller's never" {
    HOME=/caller-home run "$VAGGA" home
    assert_success
    assert_line "default HOME=/tmp"
    assert_line "set HOME=/work"
    assert_line "/work"
    refute_output --partial /caller-home
}

@test "work dir: the caller's directory inside /work, or work-dir" {
    cd sub/deeper
    run "$VAGGA" look
    assert_success
    assert_line "one cwd=/work/sub/deeper"
    assert_line "two cwd=/work/sub"
}

@test "-E and VAGGAENV_ pass variables in" {
    cat >> vagga.yaml <<'YAML'
  env: !Supervise
    children:
      e: !Command {container: host, run: 'echo "e=$FOO,$BAR,$OVERRIDDEN"'}
YAML
    VAGGAENV_BAR=bar run "$VAGGA" -E FOO=foo -E OVERRIDDEN=cli env
    assert_equal "$status" 0
    assert_line "e=foo,bar,cli"
}

@test "isolate-network: one new network namespace with only lo, shared by the children" {
    run "$VAGGA" isolated
    assert_success
    assert_line "ifaces: lo "
    assert_line "client got: shared loopback"
}

@test "--isolate-network on the command line isolates a plain run too" {
    cat >> vagga.yaml <<'YAML'
  ifaces: !Command
    container: host
    run: 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
YAML
    run "$VAGGA" --isolate-network ifaces
    assert_success
    assert_output "lo"
    # without the flag the child sees the host's interfaces
    run "$VAGGA" ifaces
    assert_success
    assert_output "$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " ")"
}

@test "external volumes: /volumes/NAME from VAGGA_SETTINGS, and a clear error when not configured" {
    mkdir -p "$PROJECT/outside-data"
    echo "from the host" > "$PROJECT/outside-data/file"
    cat >> vagga.yaml <<'YAML'
  external: !Command
    container: host
    volumes:
      /srv: !BindRW /volumes/shared
    run: 'cat /srv/file; echo written > /srv/back'
YAML
    VAGGA_SETTINGS="external-volumes: {shared: $PROJECT/outside-data}" run "$VAGGA" external
    assert_success
    assert_output "from the host"
    [ "$(cat outside-data/back)" = written ]
    run "$VAGGA" external
    assert_equal "$status" 121
    assert_output --partial 'external volume "shared" is not configured'
}

@test "!VaggaBin shows vagga's own files read-only" {
    cat >> vagga.yaml <<'YAML'
  vaggabin: !Command
    container: host
    volumes:
      /srv: !VaggaBin
    run: 'ls /srv | sort | tr "\n" " "; touch /srv/x 2>/dev/null || echo read-only; echo "stage: $(ls -A /srv/stage)."'
YAML
    run "$VAGGA" vaggabin
    assert_success
    assert_output --partial "libvaggajni.so stage vagga vagga-init vagga-sigblock vagga.jar"
    assert_output --partial "read-only"
    # the supervisor mounts every child's root on it, in its own namespace: never visible here
    assert_line "stage: ."
}

@test "_run --isolate-network: only lo; _run -W is accepted" {
    run "$VAGGA" _run --isolate-network host sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
    assert_success
    assert_output "lo"
    run "$VAGGA" _run -W host true
    assert_success
}

@test "isolate-network: true on a plain !Command: only lo" {
    cat >> vagga.yaml <<'YAML'
  alone: !Command
    container: host
    isolate-network: true
    run: 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
YAML
    run "$VAGGA" alone
    assert_success
    assert_output "lo"
}
