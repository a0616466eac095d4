// A command's docopt `options:` matched against its arguments, as vagga's launcher/options.rs does it.
package vagga.plan;

import java.util.ArrayList;
import java.util.List;

/** Shared by !Supervise and plain !Command: they differ only in the options section vagga appends. */
final class DocoptCommand {
    private DocoptCommand() {}

    sealed interface Result permits Matched, Help, Failed {}

    /** The arguments matched (not a help request). */
    record Matched(Docopt.Matched values) implements Result {}

    /** {@code --help}: print {@code text} to stdout, exit 0. */
    record Help(String text) implements Result {}

    /** A bad options text or bad arguments: print {@code text} to stderr, exit 121. */
    record Failed(String text) implements Result {}

    /** The doc is the description (or "vagga CMD"), a blank line, the options text, then {@code extra}. */
    static Result match(String cmdName, String description, String options, String extra, List<String> args) {
        String doc = (description == null ? "vagga " + cmdName : description) + "\n\n"
                + options + "\n" + extra + "\n";
        Docopt docopt;
        try {
            docopt = Docopt.parse(doc);
        } catch (DocoptException e) {
            return new Failed("Error parsing `options` in command \"" + cmdName + "\": " + e.getMessage() + "\n");
        }
        // vagga matches "vagga <cmd> ARGS" against the usage, so <cmd> is the first word of every pattern.
        List<String> argv = new ArrayList<>();
        argv.add(cmdName);
        argv.addAll(args);
        Docopt.Outcome outcome = docopt.match(argv);
        if (outcome instanceof Docopt.Failed f) {
            return new Failed(f.text() + "\n");
        }
        Docopt.Matched m = (Docopt.Matched) outcome;
        DocoptValue help = m.get("--help");
        if (help != null && help.isTrue()) {
            return new Help(docopt.helpText() + "\n");
        }
        return new Matched(m);
    }
}
