// The value docopt gives one key: a switch, a count, a single value or a list of values.
package vagga.plan;

import java.util.ArrayList;
import java.util.List;

public sealed interface DocoptValue {
    /** A flag or command that appears at most once. */
    record Switch(boolean on) implements DocoptValue {}

    /** A flag or command that may repeat: how many times it was given. */
    record Counted(int count) implements DocoptValue {}

    /** A positional argument or a flag's argument; {@code value} is null when absent. */
    record Plain(String value) implements DocoptValue {}

    /** A repeatable positional argument or flag argument. */
    record Listed(List<String> values) implements DocoptValue {
        public Listed {
            values = List.copyOf(values);
        }

        Listed plus(String value) {
            List<String> more = new ArrayList<>(values);
            more.add(value);
            return new Listed(more);
        }
    }

    /** docopt's truthiness, as used for {@code --help}: a set switch or a count above zero. */
    default boolean isTrue() {
        if (this instanceof Switch s) {
            return s.on();
        }
        if (this instanceof Counted c) {
            return c.count() > 0;
        }
        return false;
    }

    /** The words this value carries: a plain value alone, a list's values, nothing otherwise. */
    default List<String> words() {
        if (this instanceof Plain p) {
            return p.value() == null ? List.of() : List.of(p.value());
        }
        if (this instanceof Listed l) {
            return l.values();
        }
        return List.of();
    }
}
