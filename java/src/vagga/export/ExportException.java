// The one exception of vagga.export: a line (or lines) for stderr saying what could not be written or expressed.
package vagga.export;

import java.util.List;

public final class ExportException extends Exception {
    private final List<String> lines;

    public ExportException(List<String> lines) {
        super(String.join("\n", lines));
        this.lines = List.copyOf(lines);
    }

    public ExportException(String line) {
        this(List.of(line));
    }

    public List<String> lines() {
        return lines;
    }
}
