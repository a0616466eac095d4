// YamlReader's scan for "!Tag *alias" finds what the regex it replaces finds.
package vagga.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class TagScanTest {
    private static final Pattern REGEX = Pattern.compile("![^\\s*]*[ \\t]+\\*");

    @Test
    void sameAsTheRegexOnRandomText() {
        char[] alphabet = {'!', '*', ' ', '\t', '\n', '\r', '\f', 0x0B, 'a', 'B', '&', ':', '['};
        Random random = new Random(16);
        for (int i = 0; i < 20000; i++) {
            char[] text = new char[random.nextInt(12)];
            for (int j = 0; j < text.length; j++) {
                text[j] = alphabet[random.nextInt(alphabet.length)];
            }
            String s = new String(text);
            assertEquals(REGEX.matcher(s).find(), YamlReader.hasTagThenAlias(s), "text: [" + s + "]");
        }
    }

    @Test
    void theCasesOfTheDialect() {
        assertEquals(true, YamlReader.hasTagThenAlias("- !BuildDeps *deps"));
        assertEquals(true, YamlReader.hasTagThenAlias("a: !T\t *x"));
        assertEquals(false, YamlReader.hasTagThenAlias("- !BuildDeps [a]\n- *deps"));
        assertEquals(false, YamlReader.hasTagThenAlias("- !Tag*x"));
        assertEquals(false, YamlReader.hasTagThenAlias("no tags"));
    }
}
