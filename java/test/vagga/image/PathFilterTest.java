// The files a !Copy or !Depends counts: vagga's default ignores, ignore/include regexes, glob rules.
package vagga.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vagga.image.PathFilter.Decision.EXCLUDE_TREE;
import static vagga.image.PathFilter.Decision.INCLUDE;
import static vagga.image.PathFilter.Decision.SKIP;

import java.util.List;

import org.junit.jupiter.api.Test;

class PathFilterTest {
    @Test
    void defaultsLeaveOutVcsDirectoriesAndBackups() {
        PathFilter f = PathFilter.defaults();
        assertEquals(EXCLUDE_TREE, f.decide(".git", true));
        assertEquals(EXCLUDE_TREE, f.decide("sub/.hg", true));
        assertEquals(EXCLUDE_TREE, f.decide("a.txt~", false));
        assertEquals(EXCLUDE_TREE, f.decide("x.orig", false));
        assertEquals(INCLUDE, f.decide("src/main.py", false));
        assertEquals(INCLUDE, f.decide(".gitignore", false));
    }

    @Test
    void regexesReplaceTheDefaultsAndIncludeNarrows() {
        PathFilter f = PathFilter.of(List.of(), null, "\\.pyc$", "\\.py$");
        assertEquals(INCLUDE, f.decide("a/b.py", false));
        assertEquals(EXCLUDE_TREE, f.decide("a/b.pyc", false));
        assertEquals(SKIP, f.decide("a", true));
        assertEquals(SKIP, f.decide("README", false));
        assertEquals(SKIP, f.decide(".git/config", false), "a given ignore-regex replaces the default");
    }

    @Test
    void rulesAnchoredIncludesRelativeExcludesLastOneWins() {
        PathFilter f = PathFilter.of(List.of("/src", "!*.pyc", "/src/keep.pyc", "/docs/**/*.rst"), null, null, null);
        assertEquals(INCLUDE, f.decide("src", true));
        assertEquals(INCLUDE, f.decide("src/a/b.py", false));
        assertEquals(SKIP, f.decide("src/a/b.pyc", false));
        assertEquals(INCLUDE, f.decide("src/keep.pyc", false));
        assertEquals(EXCLUDE_TREE, f.decide("src/.git", true), "vagga's default rules come first");
        assertEquals(SKIP, f.decide("docs", true));
        assertEquals(INCLUDE, f.decide("docs/a/b/c.rst", false));
        assertEquals(INCLUDE, f.decide("docs/c.rst", false));
        assertEquals(SKIP, f.decide("other.txt", false));
        PathFilter all = PathFilter.of(List.of("/", "!/build/"), true, null, null);
        assertEquals(INCLUDE, all.decide(".git/config", false), "no-default-rules");
        assertEquals(EXCLUDE_TREE, all.decide("build", true));
    }

    @Test
    void vaggasErrors() {
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> PathFilter.of(List.of("/"), null, "x", null));
        assertEquals("You must specify either rules or regular expressions but not both", both.getMessage());
        IllegalArgumentException rel = assertThrows(IllegalArgumentException.class,
                () -> PathFilter.of(List.of("src"), null, null, null));
        assertEquals("Relative paths are allowed only for excluding rules", rel.getMessage());
        assertTrue(PathFilter.lacksIncludeRules(List.of("!*.pyc")));
    }
}
