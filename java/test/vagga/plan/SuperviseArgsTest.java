// Argument parsing of supervise commands: plain --only/--exclude, and docopt `options:`.
package vagga.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import vagga.config.SuperviseSpec;

class SuperviseArgsTest {
    private static final SuperviseSpec PLAIN = Children.supervise(null, null,
            Children.children("web", new String[] {"http"}, "db", new String[] {}));

    private static SuperviseArgs plain(String... args) {
        return SuperviseArgs.parse("run", PLAIN, List.of(args));
    }

    private static ChildFilter filter(SuperviseArgs result) {
        return assertInstanceOf(SuperviseArgs.Parsed.class, result).filter();
    }

    private static void assertInvalid(String message, SuperviseArgs result) {
        SuperviseArgs.Invalid invalid = assertInstanceOf(SuperviseArgs.Invalid.class, result);
        assertEquals("Usage:\n    vagga run [OPTIONS]\nvagga run: " + message + "\n", invalid.text());
        assertEquals(122, invalid.exitCode());
    }

    @Test
    void noArgumentsSelectsEverything() {
        assertEquals(ChildFilter.ALL, filter(plain()));
        assertEquals(Map.of(), ((SuperviseArgs.Parsed) plain()).optionVariables());
    }

    @Test
    void onlyAndExcludeAreGreedyUntilADash() {
        assertEquals(new ChildFilter(List.of("a", "b"), List.of("c")), filter(plain("--only", "a", "b", "--exclude", "c")));
    }

    @Test
    void equalsFormTakesExactlyOneWord() {
        assertEquals(new ChildFilter(List.of("a"), List.of()), filter(plain("--only=a")));
        assertInvalid("Unexpected argument b", plain("--only=a", "b"));
        assertEquals(new ChildFilter(List.of(""), List.of()), filter(plain("--only=")));
    }

    @Test
    void repeatedFlagsAccumulate() {
        assertEquals(new ChildFilter(List.of("a", "c", "d"), List.of("b", "e")),
                filter(plain("--only", "a", "--exclude", "b", "--only=c", "--only", "d", "--exclude=e")));
    }

    @Test
    void flagWithoutWordIsAnError() {
        assertInvalid("Option --only requires an argument", plain("--only"));
        assertInvalid("Option --exclude requires an argument", plain("--exclude", "--only", "a"));
    }

    @Test
    void unknownArgumentsAreErrors() {
        assertInvalid("Unknown option --bad", plain("--bad"));
        assertInvalid("Unknown option --bad=1", plain("--bad=1"));
        assertInvalid("Unknown short option \"x\"", plain("-x"));
        assertInvalid("Unexpected argument web", plain("web"));
        assertInvalid("Unexpected argument -", plain("-"));
        assertInvalid("Unexpected argument --only", plain("--", "--only"));
        assertInvalid("Option --help does not accept an argument", plain("--help=1"));
    }

    @Test
    void optionsAreCheckedBeforeStrayWords() {
        assertInvalid("Unknown option --bad", plain("stray", "--bad"));
        assertInstanceOf(SuperviseArgs.Help.class, plain("stray", "--help"));
    }

    @Test
    void helpHasVaggasLayout() {
        String expected = """
                Usage:
                    vagga run [OPTIONS]

                Run multiple processes simultaneously

                optional arguments:
                  -h,--help             show this help message and exit
                  --only PROCESS_NAME_OR_TAG
                                        Only run specified processes. This matches both names
                                        and tags
                  --exclude PROCESS_NAME_OR_TAG
                                        Don't run specified processes. This excludes both names
                                        and tags
                """;
        assertEquals(expected, assertInstanceOf(SuperviseArgs.Help.class, plain("--help")).text());
        assertEquals(expected, assertInstanceOf(SuperviseArgs.Help.class, plain("-h")).text());
        assertEquals(expected, assertInstanceOf(SuperviseArgs.Help.class, plain("--only", "a", "-hx")).text());
    }

    @Test
    void helpShowsTheDescriptionWrapped() {
        SuperviseSpec spec = Children.supervise("Run the whole stack: web server, database, cache, "
                + "background workers\nand the metrics exporter.", null, Children.children());
        String help = ((SuperviseArgs.Help) SuperviseArgs.parse("up", spec, List.of("-h"))).text();
        assertTrue(help.startsWith("Usage:\n    vagga up [OPTIONS]\n\nRun the whole stack: web server, database, "
                + "cache, background workers and the\nmetrics exporter.\n\noptional arguments:\n"), help);
    }

    // ------------------------------------------------------------------ with options:

    private static final String OPTIONS = """
            Usage: vagga run [options] [--port=<n>] [<extra>...]

            Options:
              --port=<n>         Port to listen on [default: 8080]
              -v, --verbose ...  More output
            """;

    private static SuperviseArgs withOptions(String options, String... args) {
        return SuperviseArgs.parse("run", Children.supervise(null, options, Children.children()), List.of(args));
    }

    private static SuperviseArgs.Parsed parsed(SuperviseArgs result) {
        return assertInstanceOf(SuperviseArgs.Parsed.class, result,
                () -> result instanceof SuperviseArgs.Invalid i ? i.text() : result.toString());
    }

    @Test
    void everyKeyBecomesTwoVariables() {
        Map<String, String> vars = parsed(withOptions(OPTIONS)).optionVariables();
        assertEquals(Map.ofEntries(
                Map.entry("VAGGAOPT_PORT", "8080"), Map.entry("VAGGACLI_PORT", "--port 8080"),
                Map.entry("VAGGAOPT_VERBOSE", ""), Map.entry("VAGGACLI_VERBOSE", ""),
                Map.entry("VAGGAOPT_EXTRA", ""), Map.entry("VAGGACLI_EXTRA", ""),
                Map.entry("VAGGAOPT_RUN", "true"), Map.entry("VAGGACLI_RUN", "run"),
                Map.entry("VAGGAOPT_HELP", ""), Map.entry("VAGGACLI_HELP", ""),
                Map.entry("VAGGAOPT_ONLY", ""), Map.entry("VAGGACLI_ONLY", ""),
                Map.entry("VAGGAOPT_EXCLUDE", ""), Map.entry("VAGGACLI_EXCLUDE", "")), vars);
    }

    @Test
    void valuesCountsAndListsAreRendered() {
        Map<String, String> vars = parsed(withOptions(OPTIONS, "-vv", "--port", "9000", "a b", "it's")).optionVariables();
        assertEquals("2", vars.get("VAGGAOPT_VERBOSE"));
        assertEquals("--verbose --verbose", vars.get("VAGGACLI_VERBOSE"));
        assertEquals("9000", vars.get("VAGGAOPT_PORT"));
        assertEquals("--port 9000", vars.get("VAGGACLI_PORT"));
        assertEquals("a b it's", vars.get("VAGGAOPT_EXTRA"));
        assertEquals(" 'a b' 'it'\"'\"'s'", vars.get("VAGGACLI_EXTRA"));
    }

    @Test
    void eachOnlyTakesOneValueWithOptions() {
        SuperviseArgs.Parsed p = parsed(withOptions(OPTIONS, "--only", "web", "--only", "db", "x", "--exclude=db"));
        assertEquals(new ChildFilter(List.of("web", "db"), List.of("db")), p.filter());
        assertEquals("web db", p.optionVariables().get("VAGGAOPT_ONLY"));
        assertEquals("--only web db", p.optionVariables().get("VAGGACLI_ONLY"));
        assertEquals("x", p.optionVariables().get("VAGGAOPT_EXTRA"));
    }

    @Test
    void helpIsTheWholeText() {
        SuperviseArgs.Help help = assertInstanceOf(SuperviseArgs.Help.class, withOptions(OPTIONS, "--help"));
        assertEquals("vagga run\n\n" + OPTIONS + "\n" + SuperviseArgs.SUPERVISE_OPTIONS.stripTrailing() + "\n",
                help.text());
        assertTrue(help.text().contains("Supervise options:\n  -h, --help "), help.text());
        SuperviseSpec described = Children.supervise("The stack", OPTIONS, Children.children());
        String text = ((SuperviseArgs.Help) SuperviseArgs.parse("run", described, List.of("-h"))).text();
        assertTrue(text.startsWith("The stack\n\nUsage: vagga run [options]"), text);
    }

    @Test
    void parseErrorsAreDocoptsMessageAndUsage() {
        SuperviseArgs.Invalid bad = assertInstanceOf(SuperviseArgs.Invalid.class, withOptions(OPTIONS, "--bogus"));
        assertEquals("Unknown flag: '--bogus'\n\nUsage: vagga run [options] [--port=<n>] [<extra>...]\n", bad.text());
        assertEquals(121, bad.exitCode());
        SuperviseArgs.Invalid typo = assertInstanceOf(SuperviseArgs.Invalid.class, withOptions(OPTIONS, "--prot=1"));
        assertTrue(typo.text().startsWith("Unknown flag: '--prot'. Did you mean '--port'?\n\n"), typo.text());
    }

    @Test
    void superviseOptionsNeedTheOptionsShortcut() {
        String strict = "Usage: vagga run <what>\n";
        assertEquals("Invalid arguments.\n\nUsage: vagga run <what>\n",
                assertInstanceOf(SuperviseArgs.Invalid.class, withOptions(strict, "x", "--only", "a")).text());
        assertInstanceOf(SuperviseArgs.Invalid.class, withOptions(strict, "--help"));
        assertEquals("x", parsed(withOptions(strict, "x")).optionVariables().get("VAGGAOPT_WHAT"));
        assertEquals(ChildFilter.ALL, parsed(withOptions(strict, "x")).filter());
    }

    @Test
    void aBrokenOptionsTextIsReported() {
        SuperviseArgs.Invalid bad = assertInstanceOf(SuperviseArgs.Invalid.class,
                withOptions("Usage: vagga run (<a>"));
        assertEquals("Error parsing `options` in command \"run\": Unclosed group. Expected ')'.\n", bad.text());
        assertEquals(121, bad.exitCode());
    }
}
