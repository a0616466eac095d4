// Precedence of the sources of a child's environment (SPEC 4.3).
package vagga.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ChildEnvironmentTest {

    private static Map<String, String> compose(ChildEnvironment.Caller caller, Map<String, String> container,
                                               Map<String, String> command, Map<String, String> options) {
        return ChildEnvironment.compose(caller, container, command, options, "stack", "web");
    }

    @Test
    void minimalEnvironment() {
        Map<String, String> env = compose(new ChildEnvironment.Caller(Map.of("HOME", "/root"), List.of(), Map.of(), null),
                Map.of(), Map.of(), Map.of());
        assertEquals(List.of("PATH", "TERM", "HOME", "VAGGA_COMMAND", "VAGGA_SUBCOMMAND"), List.copyOf(env.keySet()));
        assertEquals(ChildEnvironment.DEFAULT_PATH, env.get("PATH"));
        assertEquals("dumb", env.get("TERM"));
        assertEquals("stack", env.get("VAGGA_COMMAND"));
        assertEquals("web", env.get("VAGGA_SUBCOMMAND"));
        assertEquals("/tmp", env.get("HOME"), "the caller's HOME is not inherited; ours: /tmp when nothing sets it");
    }

    @Test
    void homeFromTheConfigBeatsTheDefault() {
        ChildEnvironment.Caller caller = new ChildEnvironment.Caller(Map.of(), List.of(), Map.of(), null);
        assertEquals("/root", compose(caller, Map.of("HOME", "/root"), Map.of(), Map.of()).get("HOME"));
        assertEquals("/work", compose(caller, Map.of("HOME", "/root"), Map.of("HOME", "/work"), Map.of()).get("HOME"));
        ChildEnvironment.Caller set = new ChildEnvironment.Caller(Map.of(), List.of(), Map.of("HOME", "/e"), null);
        assertEquals("/e", compose(set, Map.of(), Map.of("HOME", "/work"), Map.of()).get("HOME"));
    }

    @Test
    void eachLayerOverridesTheOneBelow() {
        Map<String, String> callerEnv = Map.of(
                "TERM", "xterm", "http_proxy", "http://proxy:3128", "HTTPS_PROXY", "http://p2",
                "VAGGAENV_A", "caller", "VAGGAENV_B", "caller", "VAGGAENV_", "ignored",
                "USE", "from-caller", "B", "plain-caller");
        Map<String, String> set = new LinkedHashMap<>();
        set.put("C", "set");
        set.put("VAGGAOPT_X", "set");
        ChildEnvironment.Caller caller = ChildEnvironment.Caller.of(callerEnv, List.of("USE", "B", "MISSING"), set);
        Map<String, String> env = compose(caller,
                Map.of("PATH", "/container", "TERM", "container", "http_proxy", "container", "A", "container",
                        "D", "container"),
                Map.of("A", "command", "USE", "command", "C", "command", "VAGGA_COMMAND", "command"),
                Map.of("VAGGAOPT_X", "option", "VAGGACLI_X", "--x"));
        assertEquals("/container", env.get("PATH"));
        assertEquals("container", env.get("TERM"));
        assertEquals("container", env.get("http_proxy"));
        assertEquals("http://p2", env.get("HTTPS_PROXY"));
        assertEquals("caller", env.get("A"), "VAGGAENV_A beats the command's environ");
        assertEquals("plain-caller", env.get("B"), "-e beats VAGGAENV_B");
        assertEquals("from-caller", env.get("USE"), "-e beats the command's environ");
        assertEquals("set", env.get("C"), "-E beats the command's environ");
        assertEquals("container", env.get("D"));
        assertEquals("option", env.get("VAGGAOPT_X"), "options beat -E");
        assertEquals("--x", env.get("VAGGACLI_X"));
        assertEquals("stack", env.get("VAGGA_COMMAND"), "VAGGA_COMMAND always names the supervise command");
        assertFalse(env.containsKey("MISSING"));
        assertFalse(env.containsKey("VAGGAENV_A"));
        assertFalse(env.containsKey(""));
    }

    @Test
    void hostTermIsUsedWhenNothingElseSetsIt() {
        ChildEnvironment.Caller caller = ChildEnvironment.Caller.of(Map.of("TERM", "xterm-256color"), List.of(), Map.of());
        assertEquals("xterm-256color", compose(caller, Map.of(), Map.of(), Map.of()).get("TERM"));
    }

    @Test
    void settingsSplitAtTheFirstEquals() {
        assertEquals(Map.entry("A", "b=c"), ChildEnvironment.parseSetting("A=b=c"));
        assertEquals(Map.entry("A", ""), ChildEnvironment.parseSetting("A="));
        assertThrows(IllegalArgumentException.class, () -> ChildEnvironment.parseSetting("A"));
        assertThrows(IllegalArgumentException.class, () -> ChildEnvironment.parseSetting("=x"));
    }
}
