// Ours (SPEC 7): a child's ready: probe and after: order, read and checked at load (126 with file:line).
package vagga.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadinessTest {
    @TempDir
    Path dir;

    private Path write(String children) throws IOException {
        Path p = dir.resolve("vagga.yaml");
        Files.writeString(p, "containers: {host: {setup: [!HostRoot]}}\n"
                + "commands:\n"
                + "  dev: !Supervise\n"
                + "    children:\n"
                + children);
        return p;
    }

    private List<String> errors(String children) throws IOException {
        Path p = write(children);
        return assertThrows(ConfigException.class, () -> ConfigLoader.loadFile(p, dir)).problems();
    }

    private SuperviseSpec load(String children) throws Exception {
        Path p = write(children);
        return (SuperviseSpec) ConfigLoader.loadFile(p, dir).commands().get("dev");
    }

    @Test
    void probesWithTheirDefaultsAndOrder() throws Exception {
        SuperviseSpec s = load("      db: !Command {container: host, run: x, ready: {port: 6379}}\n"
                + "      web: !Command {container: host, run: x, after: [db], ready: {line: 'listening on \\d+', timeout: 2.5, interval: 0.1}}\n"
                + "      mark: !Command {container: host, run: x, ready: {file: /tmp/m}}\n");
        Readiness db = s.children().get("db").ready();
        assertEquals("port", db.kind());
        assertEquals("6379", db.value());
        assertEquals(Readiness.DEFAULT_TIMEOUT, db.timeout());
        assertEquals(Readiness.DEFAULT_INTERVAL, db.interval());
        assertEquals("{port: 6379}", db.describe());
        Readiness web = s.children().get("web").ready();
        assertEquals("line", web.kind());
        assertEquals("listening on \\d+", web.value());
        assertEquals(2.5, web.timeout());
        assertEquals(0.1, web.interval());
        assertEquals(List.of("db"), s.children().get("web").after());
        assertEquals(List.of(), s.children().get("db").after());
        assertEquals("/tmp/m", s.children().get("mark").ready().value());
        Readiness cmd = load("      a: !Command {container: host, run: x, ready: {command: 'redis-cli ping', timeout: 5}}\n")
                .children().get("a").ready();
        assertEquals("command", cmd.kind());
        assertEquals("redis-cli ping", cmd.value());
        assertEquals(5.0, cmd.timeout());
        assertNull(CommandSpec.Keys.CHILD.defaults().ready());
        assertEquals(RestartPolicy.NEVER, CommandSpec.Keys.CHILD.defaults().restart());
        assertEquals(RestartPolicy.ON_FAILURE, load("      a: !Command {container: host, run: x, restart: on-failure}\n")
                .children().get("a").restart());
    }

    @Test
    void badProbesAndTimeouts() throws Exception {
        assertEquals(List.of("vagga.yaml:5:53: unknown key \"socket\" (expected one of: command, file, interval, "
                        + "line, port, timeout)"),
                errors("      a: !Command {container: host, run: x, ready: {socket: 5}}\n"));
        assertEquals(List.of("vagga.yaml:5:72: ready: timeout must be a number of seconds above 0 (at most 86400),"
                        + " found \"-1\""),
                errors("      a: !Command {container: host, run: x, ready: {port: 80, timeout: -1}}\n"));
        assertEquals(List.of("vagga.yaml:5:52: ready: needs one probe of [port, line, file, command]"),
                errors("      a: !Command {container: host, run: x, ready: {timeout: 3}}\n"));
        assertEquals(List.of("vagga.yaml:5:68: ready: only one probe of [port, line, file, command], found port and file"),
                errors("      a: !Command {container: host, run: x, ready: {port: 1, file: /x}}\n"));
        assertEquals(List.of("vagga.yaml:5:59: port must be between 1 and 65535, found 70000"),
                errors("      a: !Command {container: host, run: x, ready: {port: 70000}}\n"));
        assertEquals(List.of("vagga.yaml:5:62: command must be a string, found a list"),
                errors("      a: !Command {container: host, run: x, ready: {command: [a, b]}}\n"));
    }

    @Test
    void afterNamesSiblingsWithoutACycle() throws Exception {
        assertEquals(List.of("vagga.yaml:5:52: after: child \"a\" names \"nosuch\", which is not a child of this"
                        + " supervise (children: a)"),
                errors("      a: !Command {container: host, run: x, after: [nosuch]}\n"));
        assertEquals(List.of("vagga.yaml:5:52: after: cycle a -> c -> b -> a"),
                errors("      a: !Command {container: host, run: x, after: [c]}\n"
                        + "      b: !Command {container: host, run: x, after: [a]}\n"
                        + "      c: !Command {container: host, run: x, after: [b]}\n"));
        assertEquals(List.of("vagga.yaml:5:52: after: child \"a\" cannot start after itself"),
                errors("      a: !Command {container: host, run: x, after: [a]}\n"));
    }
}
