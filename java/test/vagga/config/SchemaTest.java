// Each key is declared once: the schema matches its record's components, and its defaults are the model's.
package vagga.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SchemaTest {
    record Two(Position position, String firstKey, int second) {}

    @Test
    void aKeyFillsTheComponentOfItsNameAndDefaultsApply() {
        Schema<Two> schema = Schema.of(Two.class, Schema.string("first-key", "x"), Schema.integer("second", 7, 0, 9),
                Schema.bool("ignored-here", false).accepted());
        assertEquals(new Two(Position.UNKNOWN, "x", 7), schema.defaults());
        assertEquals(List.of("first-key", "second", "ignored-here"), schema.keys());
    }

    @Test
    void aComponentWithoutAKeyOrAKeyWithoutAComponentIsRefused() {
        assertThrows(IllegalStateException.class, () -> Schema.of(Two.class, Schema.string("first-key", null)));
        assertThrows(IllegalStateException.class, () -> Schema.of(Two.class, Schema.string("first-key", null),
                Schema.integer("second", 0, 0, 1), Schema.string("third", null)));
    }

    @Test
    void everyRecordSchemaIsWhole() {
        // class initialisation makes each schema, which checks it against its record
        assertEquals(2, SuperviseSpec.defaultKillUnresponsiveAfter());
        CommandSpec child = CommandSpec.Keys.CHILD.defaults();
        assertEquals(WriteMode.READ_ONLY, child.writeMode());
        assertEquals(Map.of(), child.environ());
        assertTrue(CommandSpec.Keys.CHILD.keys().contains("network"));
        assertTrue(!CommandSpec.Keys.CHILD.keys().contains("options"));
        assertTrue(!CommandSpec.Keys.COMMAND.keys().contains("network"));
        Container c = Container.Keys.CONTAINER.defaults();
        assertEquals(Container.DEFAULT_SHELL, c.defaultShell());
        assertEquals(List.of("0-65535"), c.uids());
        assertEquals("/etc/resolv.conf", c.resolvConfPath());
    }
}
