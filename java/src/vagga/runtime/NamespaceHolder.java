// A process of the ordinary user holding a new user and network namespace while _create_netns sets the gateway up.
package vagga.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import vagga.linux.LinuxException;
import vagga.linux.SubordinateIds;

/**
 * vagga's {@code vagga_setup_netns gateway} process: util-linux's {@code unshare --user --net}
 * running {@code cat} on a pipe only we write, so it lives until {@link #close} or our death (EOF).
 * Its user namespace maps the user's subordinate ids as every ordinary user's container does
 * (newuidmap), or only the user's own id (to 0) without them. sudo's bind mounts of its
 * {@code /proc/PID/ns/net} and {@code /proc/PID/ns/user} keep both namespaces once it is gone.
 */
public final class NamespaceHolder implements AutoCloseable {
    private static final long START_MILLIS = 10_000;

    private final Process process;

    private NamespaceHolder(Process process) {
        this.process = process;
    }

    /** Starts it and maps its ids ({@code ids} null: own id only); the message says what failed. */
    public static NamespaceHolder start(SubordinateIds ids) throws BridgeNetwork.SetupFailure {
        List<String> argv = new ArrayList<>(List.of(NetworkTool.program("unshare"), "--user", "--net"));
        if (ids == null) {
            argv.add("--map-root-user");
        }
        argv.addAll(List.of("--", NetworkTool.program("cat")));
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new BridgeNetwork.SetupFailure("Error running " + NetworkTool.show(argv) + ": " + e.getMessage());
        }
        NamespaceHolder holder = new NamespaceHolder(p);
        try {
            holder.awaitNamespaces(argv);
            if (ids != null) {
                ids.writeMaps((int) p.pid());
            } else {
                // --map-root-user writes the maps itself, just after its unshare
                holder.awaitMapped();
            }
            return holder;
        } catch (LinuxException e) {
            holder.close();
            throw new BridgeNetwork.SetupFailure("vagga: " + e.getMessage());
        } catch (BridgeNetwork.SetupFailure e) {
            holder.close();
            throw e;
        }
    }

    private void awaitNamespaces(List<String> argv) throws BridgeNetwork.SetupFailure {
        String own = link("/proc/self/ns/user");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_MILLIS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String err;
                try {
                    err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    err = e.getMessage();
                }
                throw new BridgeNetwork.SetupFailure("Error running " + NetworkTool.show(argv) + ": exited with code "
                        + process.exitValue() + (err.isEmpty() ? "" : ": " + err));
            }
            String now = link(userPath());
            if (now != null && !now.equals(own)) {
                return;
            }
            sleep();
        }
        throw new BridgeNetwork.SetupFailure("Error running " + NetworkTool.show(argv)
                + ": no new user namespace after " + START_MILLIS / 1000 + " s");
    }

    private void awaitMapped() throws BridgeNetwork.SetupFailure {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_MILLIS);
        Path map = Path.of("/proc", Long.toString(pid()), "uid_map");
        while (System.nanoTime() < deadline) {
            try {
                if (!Files.readString(map).isBlank()) {
                    return;
                }
            } catch (IOException e) {
                // not there yet, or gone: isAlive below tells
            }
            if (!process.isAlive()) {
                break;
            }
            sleep();
        }
        throw new BridgeNetwork.SetupFailure("vagga: the gateway's user namespace got no uid map");
    }

    private static void sleep() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String link(String path) {
        try {
            return Files.readSymbolicLink(Path.of(path)).toString();
        } catch (IOException e) {
            return null;
        }
    }

    public long pid() {
        return process.pid();
    }

    /** Its network namespace, for sudo's mount and for nsenter. */
    public String netPath() {
        return "/proc/" + pid() + "/ns/net";
    }

    /** Its user namespace. */
    public String userPath() {
        return "/proc/" + pid() + "/ns/user";
    }

    /** Ends it (EOF on its stdin; killed if it does not go). */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
