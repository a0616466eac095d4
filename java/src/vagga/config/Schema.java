// The YAML keys of one mapping-shaped record, each declared once with its type and default.
package vagga.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A key is a spelling, a reader (its type: one of {@link Type} or of {@link Readings}) with the
 * key's default (what the reader gives when the key is absent) and whether the model keeps it. The unknown-key check, the reading and the record's construction
 * all come from the same list, so adding a key is one line here plus its record component; keys
 * the model does not keep ({@link Key#accepted()}) are still type-checked. A stored key
 * {@code foo-bar} fills the record component {@code fooBar}; a component {@code position} gets
 * the mapping's position. Checked when the schema is made: a component without a key, or a key
 * without a component, is a programming error.
 *
 * <p>Readers are enum constants, not lambdas: in a fresh JVM (every first start after an edit of
 * vagga.yaml parses it) linking a lambda's call site costs ~0.3 ms even when its class is in the
 * CDS archive, and a schema has dozens of keys; an enum constant is a field read.
 */
final class Schema<T extends Record> {
    /** Reads one key's value out of its mapping; {@code dflt} is the key's declared default (or the type's parameters). */
    interface Reader {
        Object read(Fields fields, String key, Object dflt);
    }

    record Key(String name, Reader reader, Object dflt, boolean stored, boolean isRequired) {
        /** Type-checked, never stored: vagga has the key, this vagga does not act on it. */
        Key accepted() {
            return new Key(name, reader, dflt, false, false);
        }

        /** Missing: the error "missing required key", and no record. */
        Key required() {
            return new Key(name, reader, dflt, stored, true);
        }

        Object read(Fields fields) {
            return reader.read(fields, name, dflt);
        }
    }

    /** A number's default and range. */
    private record Bounds(long dflt, long min, long max) {}

    /** A choice's spellings, the values they stand for (null: the spelling's index) and the default. */
    private record Choices(List<String> spellings, Object[] values, Object dflt) {}

    /** The value types of {@link Fields}; what a key's {@code dflt} holds is said per type. */
    enum Type implements Reader {
        /** dflt: a String or null */
        STRING,
        /** no dflt */
        REQUIRED_STRING,
        /** dflt: a Boolean */
        BOOL,
        /** true, false, or null when absent */
        OPTIONAL_BOOL,
        /** dflt: Bounds, the value an Integer */
        INTEGER,
        /** dflt: Bounds, the value a Long */
        NUMBER,
        /** dflt: Bounds (its dflt unused), the value an Integer or null */
        OPTIONAL_INT,
        /** dflt: Bounds, a permission mode (0o755 octal, 755 decimal) */
        MODE,
        STRINGS,
        STRING_MAP,
        /** dflt: Choices */
        CHOICE;

        @Override
        public Object read(Fields f, String k, Object dflt) {
            switch (this) {
                case STRING:
                    return f.string(k, (String) dflt);
                case REQUIRED_STRING:
                    return f.requiredString(k);
                case BOOL:
                    return f.bool(k, (Boolean) dflt);
                case OPTIONAL_BOOL:
                    return f.has(k) ? Boolean.valueOf(f.bool(k, false)) : null;
                case STRINGS:
                    return f.strings(k);
                case STRING_MAP:
                    return f.stringMap(k);
                case CHOICE: {
                    Choices c = (Choices) dflt;
                    if (!f.has(k)) {
                        return c.dflt();
                    }
                    int i = Fields.choice(f.get(k), k, c.spellings(), f.problems());
                    return c.values() == null ? (Object) i : i < 0 ? c.dflt() : c.values()[i];
                }
                default:
                    break;
            }
            Bounds b = (Bounds) dflt;
            switch (this) {
                case INTEGER:
                    return (int) f.number(k, b.dflt(), b.min(), b.max());
                case NUMBER:
                    return f.number(k, b.dflt(), b.min(), b.max());
                case OPTIONAL_INT:
                    return f.optionalInt(k, b.min(), b.max());
                case MODE:
                    return f.mode(k, (int) b.dflt(), (int) b.max());
                default:
                    throw new IllegalStateException(name());
            }
        }
    }

    /** Not a key: a record component the caller gives (a container's name is its key in `containers`). */
    static Key given(String component) {
        return new Key(component, null, null, true, false);
    }

    static Key key(String name, Reader reader) {
        return key(name, reader, null);
    }

    /** dflt: what the reader gives when the key is absent (see the reader's constant). */
    static Key key(String name, Reader reader, Object dflt) {
        return new Key(name, reader, dflt, true, false);
    }

    static Key string(String name, String dflt) {
        return key(name, Type.STRING, dflt);
    }

    static Key requiredString(String name) {
        return key(name, Type.REQUIRED_STRING).required();
    }

    static Key bool(String name, boolean dflt) {
        return key(name, Type.BOOL, dflt);
    }

    /** true, false, or null when absent. */
    static Key optionalBool(String name) {
        return key(name, Type.OPTIONAL_BOOL);
    }

    static Key integer(String name, int dflt, long min, long max) {
        return key(name, Type.INTEGER, new Bounds(dflt, min, max));
    }

    static Key number(String name, long dflt, long min, long max) {
        return key(name, Type.NUMBER, new Bounds(dflt, min, max));
    }

    /** An int that may be absent (null). */
    static Key optionalInt(String name, long min, long max) {
        return key(name, Type.OPTIONAL_INT, new Bounds(0, min, max));
    }

    /** A permission mode (0o755 octal, 755 decimal), 0..max. */
    static Key mode(String name, int dflt, int max) {
        return key(name, Type.MODE, new Bounds(dflt, 0, max));
    }

    static Key strings(String name) {
        return key(name, Type.STRINGS);
    }

    static Key stringMap(String name) {
        return key(name, Type.STRING_MAP);
    }

    /** One of an enum's constants, spelled in lower case with "-" (READ_ONLY is read-only). */
    static <E extends Enum<E>> Key choice(String name, Class<E> type, E dflt) {
        E[] constants = type.getEnumConstants();
        List<String> spellings = new ArrayList<>();
        for (E e : constants) {
            spellings.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        return key(name, Type.CHOICE, new Choices(List.copyOf(spellings), constants, dflt));
    }

    /** One of fixed spellings (its index; null when absent), for keys the model does not keep. */
    static Key choice(String name, List<String> spellings) {
        return key(name, Type.CHOICE, new Choices(List.copyOf(spellings), null, null));
    }

    private final Class<T> type;
    private final List<Key> keys;
    private final List<String> allowed;
    private final Map<String, Integer> slots;
    private final int positionSlot;
    private final Constructor<T> constructor;
    private final int arity;

    private Schema(Class<T> type, List<Key> keys, List<String> allowed, Map<String, Integer> slots,
                   int positionSlot, Constructor<T> constructor, int arity) {
        this.type = type;
        this.keys = keys;
        this.allowed = allowed;
        this.slots = slots;
        this.positionSlot = positionSlot;
        this.constructor = constructor;
        this.arity = arity;
    }

    /** shared: keys several records have (listed first), then the record's own. */
    static <T extends Record> Schema<T> of(Class<T> type, Key[] shared, Key... own) {
        Key[] keys = Arrays.copyOf(shared, shared.length + own.length);
        System.arraycopy(own, 0, keys, shared.length, own.length);
        return of(type, keys);
    }

    static <T extends Record> Schema<T> of(Class<T> type, Key... keys) {
        RecordComponent[] components = type.getRecordComponents();
        Map<String, Integer> byComponent = new LinkedHashMap<>();
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            byComponent.put(components[i].getName(), i);
            types[i] = components[i].getType();
        }
        Map<String, Integer> slots = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (Key k : keys) {
            if (k.reader() != null) {
                names.add(k.name());
            }
            if (k.stored()) {
                Integer slot = byComponent.get(componentName(k.name()));
                if (slot == null) {
                    throw new IllegalStateException(type.getName() + " has no component for key " + k.name());
                }
                slots.put(k.name(), slot);
            }
        }
        Integer position = byComponent.get("position");
        Set<Integer> filled = new HashSet<>(slots.values());
        if (position != null) {
            filled.add(position);
        }
        if (filled.size() != components.length || slots.size() + (position == null ? 0 : 1) != filled.size()) {
            throw new IllegalStateException(type.getName() + ": components " + byComponent.keySet()
                    + " do not match keys " + names);
        }
        try {
            Constructor<T> constructor = type.getDeclaredConstructor(types);
            return new Schema<>(type, List.of(keys), List.copyOf(names), slots, position == null ? -1 : position,
                    constructor, components.length);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same keys; the ones named here are not allowed (they take their defaults). */
    Schema<T> without(String... names) {
        List<String> left = new ArrayList<>(allowed);
        left.removeAll(Arrays.asList(names));
        return new Schema<>(type, keys, List.copyOf(left), slots, positionSlot, constructor, arity);
    }

    /** kill-unresponsive-after -> killUnresponsiveAfter */
    static String componentName(String key) {
        StringBuilder s = new StringBuilder();
        boolean upper = false;
        for (char c : key.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                s.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return s.toString();
    }

    /** Every key this mapping may have, in declaration order (for "expected one of"). */
    List<String> keys() {
        return allowed;
    }

    /**
     * Reads a mapping (null or nothing: every default): every key is read and checked before
     * giving up on a missing one, so all errors come at once. Null when a required key is missing.
     */
    T read(YNode node, String what, Problems problems, Object... given) {
        return build(Fields.of(node, what, allowed, problems), node.position(), false, given);
    }

    /** The record every default gives (required keys and given components null). */
    T defaults() {
        return build(Fields.of(null, "", allowed, new Problems()), Position.UNKNOWN, true);
    }

    /** given: the values of the {@link #given} components, in declaration order. */
    private T build(Fields f, Position position, boolean anyway, Object... given) {
        Object[] args = new Object[arity];
        boolean missing = false;
        int g = 0;
        for (Key k : keys) {
            Object value = k.reader() == null ? (g < given.length ? given[g++] : null) : k.read(f);
            if (k.stored()) {
                args[slots.get(k.name())] = value;
                missing |= k.isRequired() && value == null;
            }
        }
        if (positionSlot >= 0) {
            args[positionSlot] = position;
        }
        if (missing && !anyway) {
            return null;
        }
        try {
            return constructor.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make a " + type.getName(), e);
        }
    }
}
