// Which children run for given --only / --exclude words.
package vagga.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SortedMap;

import org.junit.jupiter.api.Test;

import vagga.config.CommandSpec;

class SelectionTest {
    private final SortedMap<String, CommandSpec> children = Children.children(
            "web", new String[] {"frontend", "http"},
            "db", new String[] {"storage"},
            "cache", new String[] {"storage", "http"},
            "worker", new String[] {});

    private List<String> select(List<String> only, List<String> exclude) {
        return List.copyOf(Selection.select(children, new ChildFilter(only, exclude)).keySet());
    }

    @Test
    void noFlagsRunsEverythingInNameOrder() {
        assertEquals(List.of("cache", "db", "web", "worker"), select(List.of(), List.of()));
    }

    @Test
    void onlyMatchesNamesAndTags() {
        assertEquals(List.of("db", "web"), select(List.of("db", "frontend"), List.of()));
        assertEquals(List.of("cache", "db"), select(List.of("storage"), List.of()));
    }

    @Test
    void excludeDropsMatchingNamesAndTags() {
        assertEquals(List.of("db", "worker"), select(List.of(), List.of("http")));
        assertEquals(List.of("cache", "db", "web"), select(List.of(), List.of("worker")));
    }

    @Test
    void bothFlagsApplyTogether() {
        assertEquals(List.of("web"), select(List.of("http"), List.of("storage")));
    }

    @Test
    void wordsMatchingNothingAreIgnored() {
        assertEquals(List.of("db"), select(List.of("db", "nosuch"), List.of("nosuch")));
    }

    @Test
    void nothingSelectedIsEmpty() {
        assertTrue(select(List.of("nosuch"), List.of()).isEmpty());
        assertTrue(select(List.of(), List.of("storage", "http", "worker")).isEmpty());
        assertTrue(Selection.select(Children.children(), ChildFilter.ALL).isEmpty());
    }

    @Test
    void theMessageIsVaggas() {
        assertEquals("This supervise command has no children matching conditions. Either your `children` "
                + "is empty, or your `--only` arguments don't match anything, or your `--exclude` "
                + "arguments do exclude all the processes.", Selection.NO_CHILDREN_MESSAGE);
    }

    @Test
    void unknownWordsNameTheFlagAndListChildrenAndTags() {
        assertEquals(List.of("vagga run: --only \"nosuch\" is neither a child nor a tag",
                        "hint: children: cache, db, web, worker; tags: frontend, http, storage"),
                Selection.unknownWords("run", children, new ChildFilter(List.of("nosuch"), List.of())));
        assertEquals(List.of(), Selection.unknownWords("run", children, new ChildFilter(List.of("db"), List.of("http"))));
    }

    @Test
    void unknownWordsSayNoneForNoTagsAndNoChildren() {
        SortedMap<String, CommandSpec> untagged = Children.children("a", new String[] {});
        assertEquals(List.of("vagga run: --exclude \"zzz\" is neither a child nor a tag",
                        "hint: children: a; tags: (none)"),
                Selection.unknownWords("run", untagged, new ChildFilter(List.of(), List.of("zzz"))));
        assertEquals("hint: children: (none); tags: (none)",
                Selection.unknownWords("run", Children.children(), new ChildFilter(List.of("zzz"), List.of())).get(1));
    }
}
