// A top-level command of vagga.yaml: !Command, !Supervise or !CapsuleCommand.
package vagga.config;

public sealed interface CommandDef permits CommandSpec, SuperviseSpec, CapsuleCommandSpec {
    Position position();

    /** The description, or null. */
    String description();
}
