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
 * A key is a spelling, a reader (type and default: what {@link Fields} gives when the key is absent)
 * and whether the model keeps it. The unknown-key check, the reading and the record's construction
 * all come from the same list, so adding a key is one line here plus its record component; keys
 * the model does not keep ({@link Key#accepted()}) are still type-checked. A stored key
 * {@code foo-bar} fills the record component {@code fooBar}; a component {@code position} gets
 * the mapping's position. Checked when the schema is made: a component without a key, or a key
 * without a component, is a programming error.
 */
final class Schema<T extends Record> {
    /** Reads one key's value out of its mapping; the default is the reader's. */
    interface Reader {
        Object read(Fields fields, String key);
    }

    record Key(String name, Reader reader, boolean stored, boolean isRequired) {
        /** Type-checked, never stored: vagga has the key, this vagga does not act on it. */
        Key accepted() {
            return new Key(name, reader, false, false);
        }

        /** Missing: the error "missing required key", and no record. */
        Key required() {
            return new Key(name, reader, stored, true);
        }
    }

    /** Initialises a record whose nested Keys class declares a schema (see the Keys classes). */
    static void linkNestHost(Class<?> record) {
        try {
            Class.forName(record.getName(), true, record.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Not a key: a record component the caller gives (a container's name is its key in `containers`). */
    static Key given(String component) {
        return new Key(component, null, true, false);
    }

    static Key key(String name, Reader reader) {
        return new Key(name, reader, true, false);
    }

    static Key string(String name, String dflt) {
        return key(name, (f, k) -> f.string(k, dflt));
    }

    static Key requiredString(String name) {
        return key(name, (f, k) -> f.requiredString(k)).required();
    }

    static Key bool(String name, boolean dflt) {
        return key(name, (f, k) -> f.bool(k, dflt));
    }

    static Key integer(String name, int dflt, long min, long max) {
        return key(name, (f, k) -> (int) f.number(k, dflt, min, max));
    }

    static Key number(String name, long dflt, long min, long max) {
        return key(name, (f, k) -> f.number(k, dflt, min, max));
    }

    /** An int that may be absent (null). */
    static Key optionalInt(String name, long min, long max) {
        return key(name, (f, k) -> f.optionalInt(k, min, max));
    }

    /** A permission mode (0o755 octal, 755 decimal), 0..max. */
    static Key mode(String name, int dflt, int max) {
        return key(name, (f, k) -> f.mode(k, dflt, max));
    }

    static Key strings(String name) {
        return key(name, Fields::strings);
    }

    static Key stringMap(String name) {
        return key(name, Fields::stringMap);
    }

    /** One of an enum's constants, spelled in lower case with "-" (READ_ONLY is read-only). */
    static <E extends Enum<E>> Key choice(String name, Class<E> type, E dflt) {
        E[] constants = type.getEnumConstants();
        List<String> spellings = new ArrayList<>();
        for (E e : constants) {
            spellings.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        return key(name, (f, k) -> {
            if (!f.has(k)) {
                return dflt;
            }
            int i = Fields.choice(f.get(k), k, spellings, f.problems());
            return i < 0 ? dflt : constants[i];
        });
    }

    /** One of fixed spellings, kept as written (for keys the model does not keep). */
    static Key choice(String name, List<String> spellings) {
        return key(name, (f, k) -> f.has(k) ? Fields.choice(f.get(k), k, spellings, f.problems()) : null);
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
            Object value = k.reader() == null ? (g < given.length ? given[g++] : null) : k.reader().read(f, k.name());
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
