// Runs docopt's own test cases (test-resources/vagga/plan/testcases.docopt) against our Docopt.
package vagga.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DocoptCasesTest {

    /** expected is null for "user-error", else the keys and values docopt must give. */
    record Case(String doc, List<String> argv, Map<String, DocoptValue> expected) {}

    static Stream<Arguments> cases() throws IOException {
        String text;
        try (InputStream in = DocoptCasesTest.class.getResourceAsStream("testcases.docopt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Arguments> out = new ArrayList<>();
        int pos = 0;
        while (true) {
            int start = text.indexOf("r\"\"\"", pos);
            if (start < 0) {
                break;
            }
            int end = text.indexOf("\"\"\"", start + 4);
            String doc = text.substring(start + 4, end);
            int next = text.indexOf("r\"\"\"", end + 3);
            String body = text.substring(end + 3, next < 0 ? text.length() : next);
            String[] lines = body.split("\n");
            for (int i = 0; i < lines.length; i++) {
                if (!lines[i].startsWith("$ ")) {
                    continue;
                }
                String[] words = lines[i].substring(2).trim().split("\\s+");
                List<String> argv = Arrays.asList(words).subList(1, words.length);
                StringBuilder json = new StringBuilder();
                for (i++; i < lines.length && !lines[i].isBlank() && !lines[i].startsWith("$ ")
                        && !lines[i].startsWith("#"); i++) {
                    json.append(lines[i]).append('\n');
                }
                i--;
                String expectation = json.toString().trim();
                Map<String, DocoptValue> expected = expectation.equals("\"user-error\"")
                        ? null : new Json(expectation).object();
                String name = doc.strip().replace('\n', ' ') + "  $ " + String.join(" ", argv);
                out.add(Arguments.of(name, new Case(doc, argv, expected)));
            }
            pos = end + 3;
        }
        return out.stream();
    }

    @Test
    void theResourceHoldsTheWholeSuite() throws IOException {
        assertTrue(cases().count() > 200, "test cases missing from testcases.docopt");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesLikeDocopt(String name, Case c) throws DocoptException {
        Docopt docopt = Docopt.parse(c.doc());
        Docopt.Outcome outcome = docopt.match(c.argv());
        if (c.expected() == null) {
            assertInstanceOf(Docopt.Failed.class, outcome, "expected a user error");
            return;
        }
        Docopt.Matched matched = assertInstanceOf(Docopt.Matched.class, outcome,
                () -> outcome instanceof Docopt.Failed f ? f.text() : "");
        for (Map.Entry<String, DocoptValue> e : c.expected().entrySet()) {
            assertEquals(e.getValue(), matched.get(e.getKey()), e.getKey() + " in " + matched.values());
        }
    }

    /** Just enough JSON for the expectations: objects of booleans, ints, strings, null, string lists. */
    private static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Map<String, DocoptValue> object() {
            Map<String, DocoptValue> map = new LinkedHashMap<>();
            expect('{');
            if (peek() == '}') {
                i++;
                return map;
            }
            do {
                String key = string();
                expect(':');
                map.put(key, value());
            } while (comma());
            expect('}');
            return map;
        }

        private DocoptValue value() {
            char c = peek();
            if (c == '"') {
                return new DocoptValue.Plain(string());
            }
            if (c == '[') {
                i++;
                List<String> items = new ArrayList<>();
                if (peek() == ']') {
                    i++;
                    return new DocoptValue.Listed(items);
                }
                do {
                    items.add(string());
                } while (comma());
                expect(']');
                return new DocoptValue.Listed(items);
            }
            if (s.startsWith("true", i)) {
                i += 4;
                return new DocoptValue.Switch(true);
            }
            if (s.startsWith("false", i)) {
                i += 5;
                return new DocoptValue.Switch(false);
            }
            if (s.startsWith("null", i)) {
                i += 4;
                return new DocoptValue.Plain(null);
            }
            int start = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            return new DocoptValue.Counted(Integer.parseInt(s.substring(start, i)));
        }

        private String string() {
            expect('"');
            int end = s.indexOf('"', i);
            String out = s.substring(i, end);
            i = end + 1;
            return out;
        }

        private boolean comma() {
            if (peek() == ',') {
                i++;
                return true;
            }
            return false;
        }

        private char peek() {
            while (Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            return s.charAt(i);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw new IllegalArgumentException("expected " + c + " at " + i + " in " + s);
            }
            i++;
        }
    }
}
