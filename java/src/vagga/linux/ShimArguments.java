// Encodes a ShimInvocation as the shim's argv (native/shim PROTOCOL: `vagga-init [OPTIONS] -- COMMAND...`).
package vagga.linux;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

final class ShimArguments {
    private ShimArguments() {}

    /** Where the shim finds its fds (the spawner puts them at 3, 4, ... in this order). */
    static final int STATUS_FD = 3, CONTROL_FD = 4;

    /**
     * @param passFd  fd number the shim sees the pass-tcp-socket at, or -1
     * @param netnsFd fd number the shim sees the network namespace at, or -1
     */
    static List<String> argv(ShimInvocation inv, int passFd, int netnsFd) {
        return argv(inv, passFd, netnsFd, false, null);
    }

    /**
     * @param waitUserns the supervisor writes the id maps (newuidmap) and then sends 'u'
     * @param stage      the prepared stage directory (see {@link Stage}), or null
     */
    static List<String> argv(ShimInvocation inv, int passFd, int netnsFd, boolean waitUserns, Path stage) {
        List<String> a = pipes();
        if (waitUserns) {
            a.add("--wait-userns");
        }
        if (inv.rootDir() == null) {
            a.add("--host-root");
        } else {
            a.add("--root");
            a.add(inv.rootDir().toString());
        }
        if (stage != null) {
            a.add("--stage");
            a.add(stage.toString());
        }
        if (inv.writableRoot()) {
            a.add("--root-rw");
        }
        if (inv.projectRoot() != null) {
            a.add("--project");
            a.add(inv.projectRoot().toString());
        }
        if (inv.cwd() != null) {
            a.add("--cwd");
            a.add(inv.cwd());
        }
        ids(a, inv);
        if (inv.externalUid() != null) {
            a.add("--external-uid");
            a.add(Integer.toString(inv.externalUid()));
        }
        if (inv.hostsFile() != null) {
            a.add("--hosts");
            a.add(inv.hostsFile().toString());
        }
        if (inv.resolvConf() != null) {
            a.add("--resolv");
            a.add(inv.resolvConf().toString());
        }
        if (inv.mounts() != null) {
            for (MountSpec m : inv.mounts()) {
                mount(a, m);
            }
        }
        if (passFd >= 0) {
            a.add("--pass-fd");
            a.add(Integer.toString(passFd));
        }
        if (netnsFd >= 0) {
            a.add("--netns-fd");
            a.add(Integer.toString(netnsFd));
        }
        if (inv.hostname() != null) {
            a.add("--hostname");
            a.add(inv.hostname());
        }
        a.add("--");
        a.addAll(inv.argv());
        return a;
    }

    /**
     * A command run inside a running container (a readiness probe, PROTOCOL.md {@code --enter}):
     * only its work dir, ids and argv count; root, mounts and network are that container's.
     *
     * @param enterFd fd number the shim sees the container init's pidfd at
     */
    static List<String> enter(ShimInvocation inv, int enterFd) {
        List<String> a = pipes();
        a.add("--enter");
        a.add(Integer.toString(enterFd));
        if (inv.cwd() != null) {
            a.add("--cwd");
            a.add(inv.cwd());
        }
        ids(a, inv);
        a.add("--");
        a.addAll(inv.argv());
        return a;
    }

    /** The shim's name and its two pipes, the start of every argv. */
    private static List<String> pipes() {
        return new ArrayList<>(List.of(LibraryLoader.SHIM, "--status-fd", Integer.toString(STATUS_FD),
                "--control-fd", Integer.toString(CONTROL_FD)));
    }

    private static void ids(List<String> a, ShimInvocation inv) {
        a.add("--uid");
        a.add(Integer.toString(inv.uid()));
        a.add("--gid");
        a.add(Integer.toString(inv.gid()));
        if (inv.groups() != null && !inv.groups().isEmpty()) {
            a.add("--groups");
            a.add(inv.groups().stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
    }

    private static void mount(List<String> a, MountSpec m) {
        if (m instanceof MountSpec.Tmpfs t) {
            a.add("--tmpfs");
            a.add(t.dest());
            a.add(Long.toString(t.size()));
            a.add(Integer.toOctalString(t.mode()));
            if (t.subdirs() != null) {
                // Sorted, so a parent directory is made before its subdirectories.
                for (Map.Entry<String, Integer> d : new TreeMap<>(t.subdirs()).entrySet()) {
                    a.add("--tmpfs-dir");
                    a.add(inside(t.dest(), d.getKey()));
                    a.add(Integer.toOctalString(d.getValue()));
                }
            }
            if (t.files() != null) {
                for (Map.Entry<String, String> f : t.files().entrySet()) {
                    a.add("--tmpfs-file");
                    a.add(inside(t.dest(), f.getKey()));
                    a.add(f.getValue());
                }
            }
        } else if (m instanceof MountSpec.Bind b) {
            a.add(b.readOnly() ? "--bind-ro" : "--bind");
            a.add(b.source());
            a.add(b.dest());
        } else if (m instanceof MountSpec.Snapshot s) {
            if (s.source() != null) {
                a.add("--snapshot-from");
                a.add(s.source());
            } else {
                a.add("--snapshot");
            }
            a.add(s.dest());
            a.add(Long.toString(s.size()));
            a.add(Integer.toString(s.ownerUid()));
            a.add(Integer.toString(s.ownerGid()));
        }
    }

    private static String inside(String dest, String relative) {
        String rel = relative.startsWith("/") ? relative.substring(1) : relative;
        return dest.endsWith("/") ? dest + rel : dest + "/" + rel;
    }
}
