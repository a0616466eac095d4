// The --only / --exclude words of one supervise run.
package vagga.plan;

import java.util.List;

/** Empty lists mean "no such flag given". */
public record ChildFilter(List<String> only, List<String> exclude) {
    public static final ChildFilter ALL = new ChildFilter(List.of(), List.of());

    public ChildFilter {
        only = List.copyOf(only);
        exclude = List.copyOf(exclude);
    }
}
