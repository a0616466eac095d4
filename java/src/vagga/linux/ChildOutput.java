// Where a child's stdout and stderr go: vagga's own (inherited), or the prefixer's pty or pipes.
package vagga.linux;

/** fds the child gets as 1 and 2; -1 leaves that one inherited from vagga. */
public record ChildOutput(int stdout, int stderr) {
    public static final ChildOutput INHERITED = new ChildOutput(-1, -1);

    int[] stdio() {
        return new int[] {-1, stdout, stderr};
    }
}
