// Where a config value was written: file, 1-based line and column.
package vagga.config;

public record Position(String file, int line, int column) {
    public static final Position UNKNOWN = new Position("<builtin>", 0, 0);

    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
