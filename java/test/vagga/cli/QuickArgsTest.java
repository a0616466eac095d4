// The picocli-free fast path parses exactly what picocli parses, or defers to it.
package vagga.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import picocli.CommandLine;

class QuickArgsTest {
    private static String describe(GlobalOptions o) {
        return List.of(o.environ, o.useEnv, o.noPrerequisites, o.containersOnly, o.isolateNetwork,
                o.runMulti, o.debug, o.buildMode(), o.command).toString();
    }

    private static GlobalOptions picocli(String[] args) {
        GlobalOptions o = new GlobalOptions();
        CommandLine cli = new CommandLine(o);
        cli.setStopAtPositional(true);
        cli.parseArgs(args);
        return o;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "run", "run --only web", "run -E X=1", "-E A=b run -E C=d", "-EA=b run", "--environ=A=b=c run",
        "--environ A=b run", "-e HOME run", "-eHOME run", "--use-env=HOME run", "--use-env HOME run",
        "--no-prerequisites --containers-only run", "--isolate-network run", "--no-network run",
        "--no-net run", "-m a b c", "--run-multi a b", "--debug run --debug", "", "-E A=b",
        "run -- x", "_list", "--no-build run", "--no-version-check run", "--no-image-download _build x",
        "--no-image run", "--no-build --no-version-check run",
    })
    void agreesWithPicocli(String line) {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");
        GlobalOptions quick = QuickArgs.parse(args);
        assertNotNull(quick, line);
        assertEquals(describe(picocli(args)), describe(quick), line);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h", "--version run", "-V run", "--bogus run", "-E", "-x run", "-- run",
        "-Vh", "-mE A=b run"})
    void defersToPicocli(String line) {
        // (a lone --version / -V is answered without picocli: see versionAlone)
        assertNull(QuickArgs.parse(line.split(" ")), line);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--version", "-V"})
    void versionAlone(String flag) {
        GlobalOptions quick = QuickArgs.parse(new String[] {flag});
        assertNotNull(quick);
        assertEquals(true, quick.version);
    }
}
