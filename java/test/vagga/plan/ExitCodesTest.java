// vagga's exit code after a signal it received (SPEC 6): 128 + N.
package vagga.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ExitCodesTest {
    @Test
    void afterSigintSigquitSigtermThe128PlusNCodes() {
        assertEquals(130, ExitCodes.forSignal(2));
        assertEquals(131, ExitCodes.forSignal(3));
        assertEquals(143, ExitCodes.forSignal(15));
    }
}
