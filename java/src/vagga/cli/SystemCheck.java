// expect-inotify-limit: the host's sysctl checked before a command runs, raised when auto-apply-sysctl says so.
package vagga.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import vagga.config.CommandDef;
import vagga.config.Settings;

/**
 * As vagga's {@code launcher/system.rs}: a value below the command's expectation is a warning with
 * the command that fixes it. With {@code auto-apply-sysctl} and a value at most vagga's hard limit,
 * root writes the value itself and anybody else runs {@code sudo -k sysctl NAME=VALUE} (which may
 * ask for a password). Nothing here stops the command: a failure is one line and the run goes on.
 */
final class SystemCheck {
    static final String INOTIFY = "fs.inotify.max_user_watches";
    /** vagga's hard-coded limit: above it nothing is applied automatically. */
    static final long INOTIFY_MAX = 524288;
    private static final String INOTIFY_INFO = "http://bit.ly/max_user_watches";

    private SystemCheck() {}

    static void check(Invocation inv, CommandDef command, Settings settings) {
        if (command.expectInotifyLimit() > 0) {
            sysctl(inv, INOTIFY, command.expectInotifyLimit(), INOTIFY_INFO, INOTIFY_MAX, settings.autoApplySysctl());
        }
    }

    private static void sysctl(Invocation inv, String name, long expect, String link, long max, boolean autoApply) {
        Path path = Path.of("/proc/sys", name.replace('.', '/'));
        long real;
        try {
            // not Files.readString: it reads a /proc/sys file of size 0 one byte at a time, and
            // the kernel answers a read at offset 1 with nothing (measured: 192530 was read as 1)
            try (java.io.FileInputStream in = new java.io.FileInputStream(path.toFile())) {
                real = Long.parseLong(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip());
            }
        } catch (IOException | NumberFormatException e) {
            warn(inv, "Can't read sysctl \"" + name + "\"");
            return;
        }
        if (real >= expect) {
            return;
        }
        if (autoApply && expect <= max) {
            if (isRoot()) {
                try {
                    Files.writeString(path, Long.toString(expect), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    inv.err().println("vagga: error: Can't apply sysctl " + name + ": " + e.getMessage());
                }
                return;
            }
            Path sudo = onPath(inv, "sudo");
            if (sudo == null) {
                inv.err().println("vagga: error: Error running sysctl: `sudo` not found");
                return;
            }
            List<String> argv = List.of(sudo.toString(), "-k", "sysctl", name + "=" + expect);
            warn(inv, "The sysctl setting " + name + " is " + real + " but at least " + expect + " is expected."
                    + " Running the following command to fix it:\n  " + String.join(" ", argv)
                    + "\nMore info: " + link);
            inv.err().flush();
            try {
                Process p = new ProcessBuilder(argv).inheritIO()
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
                int code = p.waitFor();
                if (code != 0) {
                    inv.err().println("vagga: error: Error running sysctl: exit code " + code);
                }
            } catch (IOException e) {
                inv.err().println("vagga: error: Error running sysctl: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        warn(inv, "The sysctl setting " + name + " is " + real + " but at least " + expect + " is expected."
                + " To fix it till next reboot run:\n  sysctl " + name + "=" + expect + "\nMore info: " + link);
        if (expect > max) {
            warn(inv, "Additionally we can't autofix it because value is too large. So be careful.");
        }
    }

    private static void warn(Invocation inv, String text) {
        inv.err().println("vagga: warning: " + text);
    }

    /** True when vagga runs as root (uid 0). */
    static boolean isRoot() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The first executable NAME in the caller's PATH, or null. */
    static Path onPath(Invocation inv, String name) {
        String path = inv.env().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
