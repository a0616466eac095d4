// A plain command's arguments: appended, refused with 122, the help, or parsed by its docopt options.
package vagga.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class CommandArgsTest {
    @Test
    void acceptedArgumentsAreAppended() {
        CommandArgs.Run run = assertInstanceOf(CommandArgs.Run.class,
                CommandArgs.parse("t", null, null, true, List.of("a", "--b")));
        assertEquals(List.of("a", "--b"), run.args());
    }

    @Test
    void aCommandWithoutArgumentsRefusesThemWith122() {
        CommandArgs.Invalid bad = assertInstanceOf(CommandArgs.Invalid.class,
                CommandArgs.parse("t", "Desc", null, false, List.of("extra")));
        assertEquals(122, bad.exitCode());
        assertEquals("Usage:\n    vagga t [OPTIONS]\nvagga t: Unexpected argument extra\n", bad.text());
        CommandArgs.Invalid opt = assertInstanceOf(CommandArgs.Invalid.class,
                CommandArgs.parse("t", "Desc", null, false, List.of("--verbose", "--help")));
        assertTrue(opt.text().endsWith("vagga t: Unknown option --verbose\n"), opt.text());
        assertEquals(List.of(), assertInstanceOf(CommandArgs.Run.class,
                CommandArgs.parse("t", null, null, false, List.of())).args());
    }

    @Test
    void helpPrintsTheDescription() {
        CommandArgs.Help help = assertInstanceOf(CommandArgs.Help.class,
                CommandArgs.parse("t", "Runs the tests", null, false, List.of("--help")));
        assertEquals("Usage:\n    vagga t [OPTIONS]\n\nRuns the tests\n\noptional arguments:\n"
                + "  -h,--help             show this help message and exit\n", help.text());
        assertInstanceOf(CommandArgs.Help.class, CommandArgs.parse("t", null, null, false, List.of("-h")));
    }

    @Test
    void docoptOptionsBecomeVariablesAndBadOnesAre121() {
        String options = "Usage: vagga t [options] [--port=<n>] [<files>...]\n\nOptions:\n  --port=<n>  Port [default: 80]\n";
        CommandArgs.Run run = assertInstanceOf(CommandArgs.Run.class,
                CommandArgs.parse("t", null, options, true, List.of("--port=8", "x", "y")));
        assertEquals(List.of(), run.args());
        assertEquals("8", run.optionVariables().get("VAGGAOPT_PORT"));
        assertEquals("x y", run.optionVariables().get("VAGGAOPT_FILES"));
        CommandArgs.Invalid bad = assertInstanceOf(CommandArgs.Invalid.class,
                CommandArgs.parse("t", null, options, true, List.of("--bogus")));
        assertEquals(121, bad.exitCode());
        CommandArgs.Help help = assertInstanceOf(CommandArgs.Help.class,
                CommandArgs.parse("t", "Test it", options, true, List.of("--help")));
        assertTrue(help.text().startsWith("Test it\n\nUsage: vagga t"), help.text());
        assertTrue(help.text().contains("Common options:\n  -h, --help           This help"), help.text());
    }
}
