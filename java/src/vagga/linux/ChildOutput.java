// Where a child's stdout and stderr go: vagga's own (inherited), or the prefixer's pty or pipes.
package vagga.linux;

/** fds the child gets as 0, 1 and 2; -1 leaves that one inherited from vagga. */
public record ChildOutput(int stdin, int stdout, int stderr) {
    public static final ChildOutput INHERITED = new ChildOutput(-1, -1);

    /** stdin inherited. */
    public ChildOutput(int stdout, int stderr) {
        this(-1, stdout, stderr);
    }

    int[] stdio() {
        return new int[] {stdin, stdout, stderr};
    }
}
