// A top-level command of vagga.yaml: !Command, !Supervise or !CapsuleCommand.
package vagga.config;

public sealed interface CommandDef permits CommandSpec, SuperviseSpec, CapsuleCommandSpec {
    Position position();

    /** The description, or null. */
    String description();

    /** symlink-name: the name under which _update_symlinks links vagga to run this command, or null. */
    String symlinkName();

    /** expect-inotify-limit: the fs.inotify.max_user_watches the command wants (0: none). */
    long expectInotifyLimit();
}
