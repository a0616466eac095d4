// The YAML tree after vagga's dialect is applied (merges, includes, tags moved), with positions.
package vagga.config;

import java.util.List;

/** A YAML value as the schema walkers see it. {@code tag} is the local tag without "!", or null. */
sealed interface YNode permits YNode.Scalar, YNode.Sequence, YNode.Mapping {
    Position position();

    String tag();

    /** How the value reads in an error message: "a string", "a list", "a mapping", "nothing". */
    String kind();

    record Scalar(Position position, String tag, String text, boolean plain) implements YNode {
        /** A plain empty, "~" or "null" scalar: YAML's null, also what a bare tag like `!Tmpfs` carries. */
        boolean isNull() {
            return plain && (text.isEmpty() || text.equals("~") || text.equals("null")
                    || text.equals("Null") || text.equals("NULL"));
        }

        public String kind() {
            return isNull() ? "nothing" : "a string";
        }
    }

    record Sequence(Position position, String tag, List<YNode> items) implements YNode {
        public String kind() {
            return "a list";
        }
    }

    record Entry(Scalar key, YNode value) {}

    record Mapping(Position position, String tag, List<Entry> entries) implements YNode {
        public String kind() {
            return "a mapping";
        }
    }

    static boolean isNull(YNode node) {
        return node == null || node instanceof Scalar s && s.isNull();
    }
}
