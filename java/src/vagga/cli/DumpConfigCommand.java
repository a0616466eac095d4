// `vagga _dump_config [--pretty]`: the loaded config (mixins merged) as JSON, as vagga's launcher/integration.rs.
package vagga.cli;

import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import vagga.config.Config;
import vagga.plan.ExitCodes;

/**
 * The model's records as JSON objects with vagga's key spellings (camelCase written as
 * kebab-case); a value of a kind with several forms (a build step, a volume, a command) is
 * {@code {"Kind": {...}}}, as serde writes vagga's enums. Source positions are left out.
 * The field set is this vagga's model, not byte-for-byte vagga's (ours has no defaults it lacks).
 */
final class DumpConfigCommand {
    private DumpConfigCommand() {}

    static int run(Invocation inv, Config config, List<String> args) {
        boolean pretty = false;
        for (String a : args) {
            switch (a) {
                case "--pretty" -> pretty = true;
                case "-h", "--help" -> {
                    inv.out().println("Usage:\n    vagga _dump_config [OPTIONS]\n\nOptional arguments:\n"
                            + "  -h,--help             Show this help message and exit\n"
                            + "  --pretty              Prettify printed json");
                    return ExitCodes.OK;
                }
                default -> {
                    inv.err().println("Usage:\n    vagga _dump_config [OPTIONS]");
                    inv.err().println("vagga _dump_config: Unknown option or argument \"" + a + "\"");
                    return 2; // vagga returns argparse's code here
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        Map<String, Object> top = new java.util.LinkedHashMap<>();
        top.put("mixins", List.of());
        top.put("commands", new java.util.TreeMap<>(config.commands()));
        top.put("containers", new java.util.TreeMap<>(config.containers()));
        write(sb, top, pretty ? 0 : -1);
        inv.out().println(sb);
        return ExitCodes.OK;
    }

    /** {@code indent} -1: one line. */
    private static void write(StringBuilder sb, Object v, int indent) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            string(sb, s);
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Enum<?> e) {
            string(sb, e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        } else if (v instanceof Map<?, ?> m) {
            object(sb, m, indent);
        } else if (v instanceof Collection<?> c) {
            sb.append('[');
            int i = 0;
            for (Object item : c) {
                sb.append(i++ > 0 ? "," : "");
                newline(sb, indent < 0 ? -1 : indent + 1);
                write(sb, item, indent < 0 ? -1 : indent + 1);
            }
            if (i > 0) {
                newline(sb, indent);
            }
            sb.append(']');
        } else if (v.getClass().isRecord()) {
            Map<String, Object> fields = new java.util.LinkedHashMap<>();
            for (RecordComponent rc : v.getClass().getRecordComponents()) {
                if (rc.getName().equals("position")) {
                    continue;
                }
                try {
                    fields.put(kebab(rc.getName()), rc.getAccessor().invoke(v));
                } catch (ReflectiveOperationException e) {
                    fields.put(kebab(rc.getName()), String.valueOf(e));
                }
            }
            boolean variant = false;
            for (Class<?> i : v.getClass().getInterfaces()) {
                variant |= i.isSealed();
            }
            String kind = v.getClass().getSimpleName().replaceAll("(Spec|Volume)$", "");
            object(sb, variant ? Map.of(kind.isEmpty() ? v.getClass().getSimpleName() : kind, fields) : fields, indent);
        } else {
            string(sb, v.toString());
        }
    }

    private static void object(StringBuilder sb, Map<?, ?> m, int indent) {
        sb.append('{');
        int i = 0;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            sb.append(i++ > 0 ? "," : "");
            newline(sb, indent < 0 ? -1 : indent + 1);
            string(sb, String.valueOf(e.getKey()));
            sb.append(indent < 0 ? ":" : ": ");
            write(sb, e.getValue(), indent < 0 ? -1 : indent + 1);
        }
        if (i > 0) {
            newline(sb, indent);
        }
        sb.append('}');
    }

    private static void newline(StringBuilder sb, int indent) {
        if (indent >= 0) {
            sb.append('\n').append("  ".repeat(indent));
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
