// One generic binary encoder/decoder for the config model: records, enums, lists, maps and scalars.
package vagga.config;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Walks the records' components, so a field added to the model is cached without an edit here.
 * Every value carries a one-byte tag. A record class or enum is written by name the first time it
 * appears, with its shape (component names and types, or constant names): that shape is the format
 * version, derived from the model. When the model of the running code has another shape, the entry
 * is refused ({@link IOException}) and the config is read from YAML again.
 * Only classes of this package are ever instantiated from an entry.
 */
final class ModelCodec {
    private static final byte NULL = 0, STRING = 1, INT = 2, LONG = 3, TRUE = 4, FALSE = 5, ENUM = 6,
            LIST = 7, MAP = 8, SORTED_MAP = 9, RECORD = 10, NEW_TYPE = 11, DOUBLE = 12;
    private static final String PACKAGE = ModelCodec.class.getPackageName() + ".";

    private ModelCodec() {}

    /** The shape of a record class or an enum: what an entry must match to be decoded into it. */
    private static final class Type {
        final Class<?> cls;
        final RecordComponent[] components;
        final Constructor<?> constructor;
        final Object[] constants;
        private Method[] accessors;

        Type(Class<?> cls) throws IOException {
            this.cls = cls;
            if (cls.isEnum()) {
                components = null;
                constructor = null;
                constants = cls.getEnumConstants();
                return;
            }
            if (!cls.isRecord()) {
                throw new IOException("not a model class: " + cls.getName());
            }
            components = cls.getRecordComponents();
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
            }
            try {
                constructor = cls.getDeclaredConstructor(types);
                constructor.setAccessible(true);
            } catch (NoSuchMethodException e) {
                throw new IOException(e);
            }
            constants = null;
        }

        /** Only the encoder reads components (decoding a warm entry should not pay for them). */
        Method[] accessors() {
            if (accessors == null) {
                accessors = new Method[components.length];
                for (int i = 0; i < components.length; i++) {
                    accessors[i] = components[i].getAccessor();
                    accessors[i].setAccessible(true);
                }
            }
            return accessors;
        }

        /**
         * Component names and types (their generic signatures as the class file has them, unparsed),
         * or enum constant names: changes whenever the model does.
         */
        String shape() {
            StringBuilder s = new StringBuilder(cls.getName()).append('(');
            if (constants != null) {
                for (Object c : constants) {
                    s.append(((Enum<?>) c).name()).append(',');
                }
            } else {
                for (RecordComponent c : components) {
                    String signature = c.getGenericSignature();
                    s.append(c.getName()).append(':')
                            .append(signature != null ? signature : c.getType().descriptorString()).append(',');
                }
            }
            return s.append(')').toString();
        }
    }

    /** Writes values; the first use of each model class writes its shape. */
    static final class Encoder {
        private final DataOutputStream out;
        private final Map<Class<?>, Integer> ids = new HashMap<>();
        private final Map<Class<?>, Type> types = new HashMap<>();
        /** ConfigPatch's candidates: value instance → header line; what they hold in the model, or "unusable" (null). */
        private Map<String, Integer> watched;
        private Map<String, List<Integer>> found;
        private int strings;
        private boolean script;

        Encoder(DataOutputStream out) {
            this.out = out;
        }

        /**
         * From here on, counts the string values written (ConfigPatch's indexes) and notes where the
         * given instances go: a candidate is a point only if each of its uses is the script of a
         * {@link BuildStep.Sh} or of a command's {@link Run}, values the schema keeps as they are
         * and derives nothing from, so no other value of the model can have been derived from it.
         */
        void watch(Map<String, Integer> literals) {
            watched = literals;
            found = new IdentityHashMap<>();
            strings = 0;
        }

        /** The watched instances usable by ConfigPatch (in no particular order). */
        List<ConfigPatch.Point> points() {
            List<ConfigPatch.Point> out = new ArrayList<>();
            if (found != null) {
                for (Map.Entry<String, List<Integer>> e : found.entrySet()) {
                    if (e.getValue() != null) {
                        out.add(new ConfigPatch.Point(watched.get(e.getKey()), List.copyOf(e.getValue())));
                    }
                }
            }
            return out;
        }

        void write(Object v) throws IOException {
            if (v == null) {
                out.writeByte(NULL);
            } else if (v instanceof String s) {
                if (watched != null) {
                    if (watched.containsKey(s)) {
                        List<Integer> uses = found.containsKey(s) ? found.get(s) : new ArrayList<>();
                        if (uses != null && script) {
                            uses.add(strings);
                        }
                        found.put(s, script ? uses : null);
                    }
                    strings++;
                }
                out.writeByte(STRING);
                string(s);
            } else if (v instanceof Integer i) {
                out.writeByte(INT);
                out.writeInt(i);
            } else if (v instanceof Long l) {
                out.writeByte(LONG);
                out.writeLong(l);
            } else if (v instanceof Double d) {
                out.writeByte(DOUBLE); // readiness timeouts and intervals
                out.writeDouble(d);
            } else if (v instanceof Boolean b) {
                out.writeByte(b ? TRUE : FALSE);
            } else if (v instanceof Enum<?> e) {
                type(e.getDeclaringClass());
                out.writeByte(ENUM);
                out.writeInt(ids.get(e.getDeclaringClass()));
                out.writeInt(e.ordinal());
            } else if (v instanceof List<?> list) {
                out.writeByte(LIST);
                out.writeInt(list.size());
                for (Object item : list) {
                    write(item);
                }
            } else if (v instanceof Map<?, ?> map) {
                out.writeByte(v instanceof SortedMap<?, ?> ? SORTED_MAP : MAP);
                out.writeInt(map.size());
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    write(e.getKey());
                    write(e.getValue());
                }
            } else if (v instanceof Record r) {
                Type t = type(r.getClass());
                out.writeByte(RECORD);
                out.writeInt(ids.get(r.getClass()));
                Method[] accessors = t.accessors();
                for (int i = 0; i < accessors.length; i++) {
                    try {
                        Object value = accessors[i].invoke(r);
                        script = (r instanceof BuildStep.Sh || r instanceof Run) && t.components[i].getName().equals("script");
                        write(value);
                        script = false;
                    } catch (IllegalAccessException | InvocationTargetException e) {
                        throw new IOException(e);
                    }
                }
            } else {
                throw new IOException("cannot encode a " + v.getClass().getName());
            }
        }

        private Type type(Class<?> cls) throws IOException {
            Type t = types.get(cls);
            if (t == null) {
                if (!cls.getName().startsWith(PACKAGE)) {
                    throw new IOException("not a model class: " + cls.getName());
                }
                t = new Type(cls);
                types.put(cls, t);
                ids.put(cls, ids.size());
                out.writeByte(NEW_TYPE);
                string(cls.getName());
                string(t.shape());
            }
            return t;
        }

        private void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
        }
    }

    /** Reads what an {@link Encoder} wrote; collections come back unmodifiable. */
    static final class Decoder {
        private final DataInputStream in;
        private final List<Type> types = new ArrayList<>();
        private ConfigPatch.Edit edit;
        private int strings;
        private int edited;

        Decoder(DataInputStream in) {
            this.in = in;
        }

        /** From here on, counts the string values read, and those at the edit's indexes get its new value. */
        void edit(ConfigPatch.Edit e) {
            edit = e;
            strings = 0;
            edited = 0;
        }

        /** The value {@code skip} bytes ahead, read without moving past what is before it (an entry is read from memory). */
        Object peekAfter(int skip) throws IOException {
            if (!in.markSupported()) {
                throw new IOException("the entry cannot be read ahead");
            }
            in.mark(Integer.MAX_VALUE);
            try {
                if (skip < 0 || in.skipBytes(skip) != skip) {
                    throw new IOException("the entry is shorter than it says");
                }
                return read();
            } finally {
                in.reset();
            }
        }

        /** Every index of the edit was read, and held what the edit expected. */
        boolean editDone() {
            return edit == null || edited == edit.strings().size();
        }

        Object read() throws IOException {
            byte tag = in.readByte();
            while (tag == NEW_TYPE) {
                defineType();
                tag = in.readByte();
            }
            switch (tag) {
                case NULL:
                    return null;
                case STRING: {
                    String s = string();
                    if (edit != null && edit.strings().contains(strings++)) {
                        String changed = edit.apply(s);
                        if (changed == null) {
                            throw new IOException("the entry's value is not what the patch expects");
                        }
                        edited++;
                        return changed;
                    }
                    return s;
                }
                case INT:
                    return in.readInt();
                case LONG:
                    return in.readLong();
                case DOUBLE:
                    return in.readDouble();
                case TRUE:
                    return Boolean.TRUE;
                case FALSE:
                    return Boolean.FALSE;
                case ENUM: {
                    Type t = type();
                    if (t.constants == null) {
                        throw new IOException("not an enum: " + t.cls.getName());
                    }
                    return t.constants[in.readInt()];
                }
                case LIST: {
                    int n = in.readInt();
                    List<Object> list = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        list.add(read());
                    }
                    return Collections.unmodifiableList(list);
                }
                case MAP:
                    return Collections.unmodifiableMap(entries(new LinkedHashMap<>()));
                case SORTED_MAP:
                    return Collections.unmodifiableSortedMap((SortedMap<Object, Object>) entries(new TreeMap<>()));
                case RECORD: {
                    Type t = type();
                    if (t.constructor == null) {
                        throw new IOException("not a record: " + t.cls.getName());
                    }
                    Object[] args = new Object[t.components.length];
                    for (int i = 0; i < args.length; i++) {
                        args[i] = read();
                    }
                    try {
                        return t.constructor.newInstance(args);
                    } catch (ReflectiveOperationException | IllegalArgumentException e) {
                        throw new IOException(e);
                    }
                }
                default:
                    throw new IOException("bad tag " + tag);
            }
        }

        private Map<Object, Object> entries(Map<Object, Object> map) throws IOException {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                map.put(read(), read());
            }
            return map;
        }

        private void defineType() throws IOException {
            String name = string();
            String shape = string();
            if (!name.startsWith(PACKAGE)) {
                throw new IOException("not a model class: " + name);
            }
            Class<?> cls;
            try {
                cls = Class.forName(name, false, ModelCodec.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IOException(e);
            }
            Type t = new Type(cls);
            if (!t.shape().equals(shape)) {
                throw new IOException("the model changed: " + shape + " is now " + t.shape());
            }
            types.add(t);
        }

        private Type type() throws IOException {
            int id = in.readInt();
            if (id < 0 || id >= types.size()) {
                throw new IOException("bad type id " + id);
            }
            return types.get(id);
        }

        private String string() throws IOException {
            int n = in.readInt();
            if (n < 0 || n > in.available()) {
                throw new IOException("bad string length " + n);
            }
            byte[] b = new byte[n];
            in.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
