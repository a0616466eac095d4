// `vagga _clean MODE... [--global] [-n] [--at-least DURATION]`: vagga's cleanup modes, several at once.
package vagga.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import vagga.config.Config;
import vagga.config.ConfigException;
import vagga.config.Settings;
import vagga.image.BuildException;
import vagga.image.CleanMode;
import vagga.image.Cleaning;

/** Exit codes as vagga's wrapper/clean.rs: 0, 1 (bad arguments), 2 (--global without storage-dir), 3 (cleaning failed). */
final class CleanCommand {
    static final int BAD_ARGUMENTS = 1;
    static final int NO_STORAGE_DIR = 2;
    static final int FAILED = 3;

    private static final String USAGE = "Usage:\n    vagga _clean [OPTIONS]\n\nPerforms various cleanup tasks\n\n"
            + "Optional arguments:\n"
            + "  -h,--help             Show this help message and exit\n"
            + "  --tmp,--tmp-folders   Clean temporary containers (failed builds)\n"
            + "  --old,--old-containers\n"
            + "                        Clean old versions of containers (those which doesn't\n"
            + "                        have a symlink in .vagga)\n"
            + "  --unused              Clean unused containers, or versions thereof\n"
            + "  --transient           Clean unneeded transient folders (left from containers\n"
            + "                        with `write-mode` set to transient-something)\n"
            + "  --everything          Clean whole `.vagga` folder. With ``--global`` cleans\n"
            + "                        whole storage-dir and cache-dir\n"
            + "  --unused-volumes      Remove `!Persistent` volumes that are not used by any\n"
            + "                        command or container of the current config\n"
            + "  --volumes             Remove all `!Persistent` volumes\n"
            + "  --global              Apply cleanup command to all the projects in the\n"
            + "                        `storage-dir`\n"
            + "  -n,--dry-run          Dry run. Don't delete everything, just print\n"
            + "  --at-least AT_LEAST   Only in combination with `--unused`. Treat as unused\n"
            + "                        containers that are unused for specified time\n";

    private CleanCommand() {}

    static int run(Invocation inv, Config config, List<String> args) {
        List<CleanMode> modes = new ArrayList<>();
        boolean global = false;
        boolean dryRun = false;
        Duration atLeast = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String value = null;
            if (a.startsWith("--at-least=")) {
                value = a.substring("--at-least=".length());
                a = "--at-least";
            }
            switch (a) {
                case "-h", "--help" -> {
                    inv.out().print(USAGE);
                    return 0;
                }
                case "--tmp", "--tmp-folders" -> modes.add(CleanMode.TMP);
                case "--old", "--old-containers" -> modes.add(CleanMode.OLD);
                case "--unused" -> modes.add(CleanMode.UNUSED);
                case "--transient" -> modes.add(CleanMode.TRANSIENT);
                case "--everything" -> modes.add(CleanMode.EVERYTHING);
                case "--unused-volumes" -> modes.add(CleanMode.UNUSED_VOLUMES);
                case "--volumes" -> modes.add(CleanMode.VOLUMES);
                case "--global" -> global = true;
                case "-n", "--dry-run" -> dryRun = true;
                case "--at-least" -> {
                    if (value == null) {
                        if (i + 1 >= args.size()) {
                            return usage(inv, "Option '--at-least' requires an argument");
                        }
                        value = args.get(++i);
                    }
                    atLeast = duration(value);
                    if (atLeast == null) {
                        return usage(inv, "Bad value \"" + value + "\" for --at-least: a duration like 1d, 12h or 1w 2d");
                    }
                }
                default -> {
                    return usage(inv, "Unknown option or argument \"" + a + "\"");
                }
            }
        }
        if (modes.isEmpty()) {
            return usage(inv, "Option --tmp,--old,--unused,--transient,--everything,--unused-volumes,--volumes is required");
        }
        if (atLeast != null && !modes.contains(CleanMode.UNUSED)) {
            return usage(inv, "--at-least works only together with --unused");
        }
        Settings settings;
        try {
            settings = Settings.forRun(inv.env(), config.projectRoot());
        } catch (ConfigException e) {
            Dispatch.printProblems(inv.err(), e);
            return FAILED;
        }
        Path storage = settings.storageDir();
        if (global) {
            if (storage == null) {
                inv.err().println("The --global flag is only meaningful if you configure storage-dir in settings");
                return NO_STORAGE_DIR;
            }
            for (CleanMode m : modes) {
                if (m == CleanMode.OLD || m == CleanMode.VOLUMES || m == CleanMode.UNUSED_VOLUMES) {
                    return usage(inv, "--global works with --everything, --tmp, --transient and --unused --at-least "
                            + "(vagga has no global form of the others either)");
                }
                if (m == CleanMode.UNUSED && atLeast == null) {
                    return usage(inv, "--unused --global needs --at-least (which projects use a root is not known globally)");
                }
            }
        }
        try {
            List<Path> gone = Cleaning.clean(config, new Cleaning.Request(modes, dryRun, global, atLeast, storage,
                    settings.cacheDir()), new ProgressLines(inv.err()));
            if (dryRun) {
                for (Path p : gone) {
                    inv.out().println("Would remove \"" + p + "\"");
                }
            }
            return 0;
        } catch (BuildException e) {
            inv.err().println("Error cleaning up: " + e.getMessage());
            return FAILED;
        }
    }

    private static final Pattern PART = Pattern.compile("(\\d+)\\s*([a-zA-Z]+)");

    /** humantime's spelling (vagga's --at-least): "1d", "12h 30min", "2weeks"; null when it is not one. */
    static Duration duration(String text) {
        String rest = text.trim();
        if (rest.isEmpty()) {
            return null;
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(rest);
        int at = 0;
        while (at < rest.length()) {
            if (Character.isWhitespace(rest.charAt(at))) {
                at++;
                continue;
            }
            if (!m.find(at) || m.start() != at) {
                return null;
            }
            long n = Long.parseLong(m.group(1));
            Duration unit = switch (m.group(2)) {
                case "s", "sec", "secs", "second", "seconds" -> Duration.ofSeconds(1);
                case "m", "min", "mins", "minute", "minutes" -> Duration.ofMinutes(1);
                case "h", "hr", "hrs", "hour", "hours" -> Duration.ofHours(1);
                case "d", "day", "days" -> Duration.ofDays(1);
                case "w", "week", "weeks" -> Duration.ofDays(7);
                case "M", "month", "months" -> Duration.ofSeconds(2_630_016);
                case "y", "year", "years" -> Duration.ofSeconds(31_557_600);
                default -> null;
            };
            if (unit == null) {
                return null;
            }
            total = total.plus(unit.multipliedBy(n));
            at = m.end();
        }
        return total;
    }

    private static int usage(Invocation inv, String message) {
        inv.err().println("Usage:\n    vagga _clean [OPTIONS]");
        inv.err().println("vagga _clean: " + message);
        return BAD_ARGUMENTS;
    }
}
