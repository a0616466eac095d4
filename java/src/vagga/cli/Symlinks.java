// symlink-name: _update_symlinks links vagga under a command's name; called by that name, vagga runs it.
package vagga.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import vagga.config.CommandDef;
import vagga.config.Config;
import vagga.config.Settings;
import vagga.plan.ExitCodes;

/**
 * As vagga 0.8 ({@code launcher/commands.rs}, {@code check_export} in {@code launcher/mod.rs}):
 * {@code vagga _update_symlinks [--local-only|--user-only]} makes {@code .vagga/.cmd/NAME} and
 * {@code $HOME/.vagga/cmd/NAME}, symlinks to this vagga, for every command with a
 * {@code symlink-name}. When vagga is started by a name that is not {@code vagga} (nor
 * {@code .../vagga_*}) and the setting {@code run-symlinks-as-commands} is on (the default), the
 * command whose {@code symlink-name} is that name runs with every argument given, none parsed
 * by vagga.
 */
final class Symlinks {
    private Symlinks() {}

    /** The command name vagga was called by, or null when it was called as vagga (vagga's check_export). */
    static String commandName(String argv0) {
        if (argv0 == null || argv0.isEmpty() || argv0.equals("/proc/self/exe") || argv0.equals("vagga")) {
            return null;
        }
        int slash = argv0.lastIndexOf('/');
        if (slash < 0) {
            return argv0;
        }
        String exe = argv0.substring(slash + 1);
        return exe.equals("vagga") || exe.startsWith("vagga_") ? null : exe;
    }

    /** Options of a run through a symlink: nothing parsed yet (the setting decides, once it is read). */
    static GlobalOptions options(String name, String[] args) {
        GlobalOptions o = new GlobalOptions();
        o.symlinkCommand = name;
        o.symlinkArgs = args.clone();
        return o;
    }

    /** The command whose symlink-name is {@code link}, or null. */
    static String commandFor(Config config, String link) {
        for (Map.Entry<String, CommandDef> e : config.commands().entrySet()) {
            if (link.equals(e.getValue().symlinkName())) {
                return e.getKey();
            }
        }
        return null;
    }

    /** {@code vagga _update_symlinks}: 0, 122 for bad arguments, 121 when a link cannot be made. */
    static int update(Invocation inv, Config config, List<String> args) {
        boolean local = true;
        boolean user = true;
        for (String a : args) {
            switch (a) {
                case "--local-only" -> { local = true; user = false; }
                case "--user-only" -> { user = true; local = false; }
                case "-h", "--help" -> {
                    inv.out().println("Usage:\n    vagga _update_symlinks [OPTIONS]\n\n"
                            + "Update symlinks in `.vagga/.cmd` and `~/.vagga/cmd`\n\nOptional arguments:\n"
                            + "  -h,--help             Show this help message and exit\n"
                            + "  --local-only          Only update local shell scripts (`.vagga/.cmd`)\n"
                            + "  --user-only           Only update shell script in user's home (`$HOME/.vagga/cmd`)");
                    return ExitCodes.OK;
                }
                default -> {
                    inv.err().println("Usage:\n    vagga _update_symlinks [OPTIONS]");
                    inv.err().println("vagga _update_symlinks: Unrecognized option " + quote(a));
                    return ExitCodes.BAD_ARGUMENTS;
                }
            }
        }
        try {
            if (!Settings.forRun(inv.env(), config.projectRoot()).runSymlinksAsCommands()) {
                inv.err().println("vagga: warning: To make these symlinks useful, you should enable: "
                        + "`run-symlinks-as-commands` setting");
            }
        } catch (vagga.config.ConfigException e) {
            Dispatch.printProblems(inv.err(), e);
            return ExitCodes.CONFIG_ERROR;
        }
        Path exe = executable();
        if (exe == null) {
            inv.err().println("can't find vagga's executable: the launcher did not say (vagga.exe)");
            return ExitCodes.RUNTIME_ERROR;
        }
        try {
            if (local) {
                Path vagga = config.projectRoot().resolve(".vagga");
                link(config, ensureDir(ensureDir(vagga).resolve(".cmd")), exe);
            }
            if (user) {
                String home = inv.env().get("HOME");
                if (home == null || home.isEmpty()) {
                    inv.err().println("No HOME environment variable defined");
                    return ExitCodes.RUNTIME_ERROR;
                }
                link(config, ensureDir(ensureDir(Path.of(home, ".vagga")).resolve("cmd")), exe);
            }
        } catch (IOException e) {
            inv.err().println("Error symlinking: " + vagga.image.ProjectPaths.describe(e));
            return ExitCodes.RUNTIME_ERROR;
        }
        return ExitCodes.OK;
    }

    /** vagga's executable: the launcher script (the JVM's own binary is java). */
    private static Path executable() {
        String exe = System.getProperty("vagga.exe");
        return exe == null || exe.isEmpty() ? null : Path.of(exe).toAbsolutePath().normalize();
    }

    private static void link(Config config, Path dir, Path exe) throws IOException {
        for (CommandDef command : config.commands().values()) {
            String name = command.symlinkName();
            if (name == null) {
                continue;
            }
            if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
                throw new IOException(dir + ": symlink-name \"" + name + "\" is not a file name");
            }
            Path dest = dir.resolve(name);
            if (Files.isSymbolicLink(dest) && Files.readSymbolicLink(dest).equals(exe)) {
                continue;
            }
            // replaced by a rename, so the name never stops working (vagga's force_symlink)
            Path tmp = dir.resolve("." + name + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, exe);
            Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** A directory, made when missing; a symlink there is refused (vagga's safe_ensure_dir). */
    private static Path ensureDir(Path dir) throws IOException {
        if (Files.isSymbolicLink(dir)) {
            throw new IOException(dir + ": is a symlink, not a directory");
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(dir);
        }
        return dir;
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
