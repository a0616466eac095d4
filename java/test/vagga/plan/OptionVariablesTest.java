// VAGGAOPT_/VAGGACLI_ rendering and vagga's shell quoting.
package vagga.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class OptionVariablesTest {

    @Test
    void namesDropDashesAndBracketsAndUpperCase() {
        assertEquals("DRY_RUN", OptionVariables.variableName("--dry-run"));
        assertEquals("V", OptionVariables.variableName("-v"));
        assertEquals("INPUT_FILE", OptionVariables.variableName("<input-file>"));
        assertEquals("NAME", OptionVariables.variableName("NAME"));
        assertEquals("SERVE", OptionVariables.variableName("serve"));
    }

    @Test
    void eachValueKind() {
        Map<String, String> env = OptionVariables.of(Map.of(
                "--on", new DocoptValue.Switch(true),
                "--off", new DocoptValue.Switch(false),
                "-v", new DocoptValue.Counted(3),
                "--level", new DocoptValue.Counted(2),
                "--none", new DocoptValue.Counted(0),
                "--port", new DocoptValue.Plain("80"),
                "<file>", new DocoptValue.Plain("my file"),
                "--unset", new DocoptValue.Plain(null),
                "--tag", new DocoptValue.Listed(List.of("a", "b c")),
                "<empty>", new DocoptValue.Listed(List.of())));
        assertEquals("true", env.get("VAGGAOPT_ON"));
        assertEquals("--on", env.get("VAGGACLI_ON"));
        assertEquals("", env.get("VAGGAOPT_OFF"));
        assertEquals("", env.get("VAGGACLI_OFF"));
        assertEquals("3", env.get("VAGGAOPT_V"));
        assertEquals("-vvv", env.get("VAGGACLI_V"));
        assertEquals("2", env.get("VAGGAOPT_LEVEL"));
        assertEquals("--level --level", env.get("VAGGACLI_LEVEL"));
        assertEquals("", env.get("VAGGAOPT_NONE"));
        assertEquals("", env.get("VAGGACLI_NONE"));
        assertEquals("80", env.get("VAGGAOPT_PORT"));
        assertEquals("--port 80", env.get("VAGGACLI_PORT"));
        assertEquals("my file", env.get("VAGGAOPT_FILE"));
        assertEquals("'my file'", env.get("VAGGACLI_FILE"));
        assertEquals("", env.get("VAGGAOPT_UNSET"));
        assertEquals("", env.get("VAGGACLI_UNSET"));
        assertEquals("a b c", env.get("VAGGAOPT_TAG"));
        assertEquals("--tag a 'b c'", env.get("VAGGACLI_TAG"));
        assertEquals("", env.get("VAGGAOPT_EMPTY"));
        assertEquals("", env.get("VAGGACLI_EMPTY"));
        assertEquals(20, env.size());
    }

    @Test
    void shellQuotingLikeVagga() {
        assertEquals("''", OptionVariables.shellQuote(""));
        assertEquals("abc-1.2/x:y@z%+=,", OptionVariables.shellQuote("abc-1.2/x:y@z%+=,"));
        assertEquals("über", OptionVariables.shellQuote("über"));
        assertEquals("'a b'", OptionVariables.shellQuote("a b"));
        assertEquals("'$HOME'", OptionVariables.shellQuote("$HOME"));
        assertEquals("'it'\"'\"'s'", OptionVariables.shellQuote("it's"));
        assertEquals("'a_b'", OptionVariables.shellQuote("a_b"));
    }
}
