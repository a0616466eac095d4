// A run plan from a supervise command and its parsed arguments.
package vagga.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import vagga.config.Position;
import vagga.config.SuperviseMode;
import vagga.config.SuperviseSpec;

class RunPlanTest {
    private final SuperviseSpec spec = new SuperviseSpec(Position.UNKNOWN, SuperviseMode.WAIT_ALL_SUCCESSFUL,
            Children.children("web", new String[] {"http"}, "db", new String[] {}, "api", new String[] {"http"}),
            7, null, null, List.of("build"), true, "Done!\n", List.of(), null);

    @Test
    void carriesTheSpecAndTheSelection() {
        RunPlan.Result r = RunPlan.of("stack", spec, new SuperviseArgs.Parsed(
                new ChildFilter(List.of("http"), List.of()), new TreeMap<>(Map.of("VAGGAOPT_X", "1"))));
        RunPlan plan = assertInstanceOf(RunPlan.Planned.class, r).plan();
        assertEquals("stack", plan.superviseName());
        assertEquals(SuperviseMode.WAIT_ALL_SUCCESSFUL, plan.mode());
        assertEquals(7, plan.killUnresponsiveAfter());
        assertEquals(List.of("api", "web"), List.copyOf(plan.children().keySet()));
        assertEquals(Map.of("VAGGAOPT_X", "1"), plan.optionVariables());
        assertEquals("Done!\n", plan.epilog());
        assertEquals(true, plan.isolateNetwork());
        assertEquals(List.of("build"), plan.prerequisites());
    }

    @Test
    void nothingSelectedIs127WithVaggasMessage() {
        RunPlan.Result r = RunPlan.of("stack", spec, new SuperviseArgs.Parsed(
                new ChildFilter(List.of(), List.of("http", "db")), new TreeMap<>()));
        RunPlan.NothingSelected none = assertInstanceOf(RunPlan.NothingSelected.class, r);
        assertEquals(Selection.NO_CHILDREN_MESSAGE, none.message());
        assertEquals(127, none.exitCode());
    }

    @Test
    void aWordNamingNoChildOrTagIs122ListingThem() {
        RunPlan.Result r = RunPlan.of("stack", spec, new SuperviseArgs.Parsed(
                new ChildFilter(List.of("web", "wbe"), List.of("nothing")), new TreeMap<>()));
        RunPlan.UnknownNames bad = assertInstanceOf(RunPlan.UnknownNames.class, r);
        assertEquals(122, bad.exitCode());
        assertEquals("vagga stack: --only \"wbe\" is neither a child nor a tag (did you mean \"web\"?)",
                bad.lines().get(0));
        assertEquals("vagga stack: --exclude \"nothing\" is neither a child nor a tag", bad.lines().get(1));
        assertEquals(true, bad.lines().get(2).startsWith("hint: children: "), bad.lines().get(2));
    }
}
