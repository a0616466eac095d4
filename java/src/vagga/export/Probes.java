// The readiness probes (SPEC 7 `ready:`) as commands that run inside the container: what compose and k8s run.
package vagga.export;

import java.util.List;

import vagga.config.Readiness;

/** Each needs only /bin/sh in the image: the port probe reads /proc/net/tcp{,6} instead of connecting. */
final class Probes {
    private Probes() {}

    /** A POSIX sh script that exits 0 when ready: a socket listening on port N, or PATH exists. */
    static String script(Readiness r) {
        return switch (r.kind()) {
            case "port" -> {
                String hex = String.format("%04X", Integer.parseInt(r.value()));
                yield "for f in /proc/net/tcp /proc/net/tcp6; do while read -r _ a _ s _; do case \"$a:$s\" in *:"
                        + hex + ":0A) exit 0;; esac; done 2>/dev/null < \"$f\"; done; exit 1";
            }
            case "file" -> "test -e " + shellQuote(r.value());
            default -> throw new IllegalArgumentException("no in-container probe for " + r.describe());
        };
    }

    static List<String> shellCommand(Readiness r) {
        return List.of("/bin/sh", "-c", script(r));
    }

    /** Checks every {@code interval} seconds (at least 1 where only whole seconds exist), up to the timeout. */
    static int retries(Readiness r) {
        return (int) Math.max(1, Math.ceil(r.timeout() / r.interval()));
    }

    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** A duration as compose writes it: whole seconds as Ns, else milliseconds. */
    static String duration(double seconds) {
        long ms = Math.round(seconds * 1000);
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
    }
}
