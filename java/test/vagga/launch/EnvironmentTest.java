// The environment rules of every purpose (SPEC 4.3): precedence, what each purpose gets and never gets.
package vagga.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class EnvironmentTest {

    private static Map<String, String> compose(Environment.Caller caller, Map<String, String> container,
                                               Map<String, String> command, Map<String, String> options) {
        return Environment.compose(caller, container, command, options, "stack", "web");
    }

    @Test
    void minimalEnvironment() {
        Map<String, String> env = compose(new Environment.Caller(Map.of("HOME", "/root"), List.of(), Map.of(), null),
                Map.of(), Map.of(), Map.of());
        assertEquals(List.of("PATH", "TERM", "HOME", "VAGGA_COMMAND", "VAGGA_SUBCOMMAND"), List.copyOf(env.keySet()));
        assertEquals(Environment.DEFAULT_PATH, env.get("PATH"));
        assertEquals("dumb", env.get("TERM"));
        assertEquals("stack", env.get("VAGGA_COMMAND"));
        assertEquals("web", env.get("VAGGA_SUBCOMMAND"));
        assertEquals("/tmp", env.get("HOME"), "the caller's HOME is not inherited; ours: /tmp when nothing sets it");
    }

    @Test
    void homeFromTheConfigBeatsTheDefault() {
        Environment.Caller caller = new Environment.Caller(Map.of(), List.of(), Map.of(), null);
        assertEquals("/root", compose(caller, Map.of("HOME", "/root"), Map.of(), Map.of()).get("HOME"));
        assertEquals("/work", compose(caller, Map.of("HOME", "/root"), Map.of("HOME", "/work"), Map.of()).get("HOME"));
        Environment.Caller set = new Environment.Caller(Map.of(), List.of(), Map.of("HOME", "/e"), null);
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
        Environment.Caller caller = Environment.Caller.of(callerEnv, List.of("USE", "B", "MISSING"), set);
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
        assertEquals("", env.get("MISSING"), "-e of an unset variable passes it empty (vagga's environ.rs)");
        assertFalse(env.containsKey("VAGGAENV_A"));
        assertFalse(env.containsKey(""));
    }

    @Test
    void hostTermIsUsedWhenNothingElseSetsIt() {
        Environment.Caller caller = Environment.Caller.of(Map.of("TERM", "xterm-256color"), List.of(), Map.of());
        assertEquals("xterm-256color", compose(caller, Map.of(), Map.of(), Map.of()).get("TERM"));
    }

    @Test
    void settingsSplitAtTheFirstEquals() {
        assertEquals(Map.entry("A", "b=c"), Environment.parseSetting("A=b=c"));
        assertEquals(Map.entry("A", ""), Environment.parseSetting("A="));
        assertNull(Environment.parseSetting("A").getValue(), "-E NAME removes NAME, as vagga");
        assertThrows(IllegalArgumentException.class, () -> Environment.parseSetting("=x"));
    }

    @Test
    void theSettingsEnvironBeatsTheCommandsAndPropagateEnvironOnlyAdds() throws Exception {
        vagga.config.Settings settings = vagga.config.Settings.load(Map.of("VAGGA_SETTINGS",
                "{environ: {S: settings, A: settings}, propagate-environ: ['CI_*', KEEP], proxy-env-vars: false}"),
                null);
        Map<String, String> set = new LinkedHashMap<>();
        set.put("GONE", null);
        Environment.Caller caller = new Environment.Caller(Map.of("CI_JOB", "7", "KEEP", "caller",
                "VAGGAENV_KEEP", "vaggaenv", "VAGGAENV_GONE", "x", "http_proxy", "http://p", "OTHER", "o"),
                List.of(), set, null, settings);
        Map<String, String> env = compose(caller, Map.of("S", "container"), Map.of("S", "command"), Map.of());
        assertEquals("settings", env.get("S"));
        assertEquals("settings", env.get("A"));
        assertEquals("7", env.get("CI_JOB"));
        assertEquals("vaggaenv", env.get("KEEP"), "propagate-environ does not replace a VAGGAENV_ value");
        assertFalse(env.containsKey("GONE"), "-E GONE removes VAGGAENV_GONE");
        assertFalse(env.containsKey("OTHER"));
        assertFalse(env.containsKey("http_proxy"), "proxy-env-vars: false");
    }

    @Test
    void plainCommandHasNoSubcommand() {
        Map<String, String> env = Environment.compose(Environment.Caller.of(Map.of()), Map.of(), Map.of(), Map.of(),
                "cmd", null);
        assertEquals("cmd", env.get("VAGGA_COMMAND"));
        assertFalse(env.containsKey("VAGGA_SUBCOMMAND"));
    }

    @Test
    void runGetsContainerAndCallerLayersButNoVaggaNames() {
        Environment.Caller caller = Environment.Caller.of(
                Map.of("TERM", "xterm", "https_proxy", "http://p", "VAGGAENV_A", "caller", "HOME", "/root", "U", "u"),
                List.of("U"), Map.of("B", "set"));
        Map<String, String> env = Environment.forRun(caller, Map.of("A", "container", "B", "container", "C", "c"));
        assertEquals(List.of("PATH", "TERM", "HOME", "https_proxy"), List.copyOf(env.keySet()).subList(0, 4));
        assertEquals(java.util.Set.of("PATH", "TERM", "HOME", "https_proxy", "A", "B", "C", "U"), env.keySet(),
                "no VAGGA_COMMAND");
        assertEquals("/tmp", env.get("HOME"), "not the caller's");
        assertEquals("xterm", env.get("TERM"));
        assertEquals("caller", env.get("A"), "VAGGAENV_A beats the container's environ");
        assertEquals("set", env.get("B"), "-E beats the container's environ");
        assertEquals("u", env.get("U"));
    }

    @Test
    void buildStepGetsHomeProxiesAndBuildEnvButNothingElseOfTheCaller() {
        Environment.Caller caller = Environment.Caller.of(
                Map.of("http_proxy", "http://proxy:3128", "NO_PROXY", "localhost", "VAGGAENV_A", "caller",
                        "HOME", "/root", "USE", "x"),
                List.of("USE"), Map.of("B", "set"));
        Map<String, String> env = Environment.forBuildStep(caller, Map.of("LANG", "C.UTF-8", "HOME", "/root/build"));
        assertEquals(List.of("PATH", "TERM", "HOME", "http_proxy", "NO_PROXY", "LANG"), List.copyOf(env.keySet()));
        assertEquals(Environment.DEFAULT_PATH, env.get("PATH"));
        assertEquals("dumb", env.get("TERM"));
        assertEquals("/root/build", env.get("HOME"), "!Env beats the default HOME");
        assertEquals("http://proxy:3128", env.get("http_proxy"));
        assertEquals(Map.of("HOME", "/tmp"), Map.of("HOME", Environment.forBuildStep(caller, Map.of()).get("HOME")));
    }
}
