// A supervise as a compose file (docker-compose, podman-compose): one service per child, the mode in its header.
package vagga.export;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import vagga.config.RestartPolicy;
import vagga.config.SuperviseMode;

/**
 * Kept: image, argv, environment, work dir, user, a read-only root, /tmp and /run as tmpfs, the
 * volumes, {@code stop_grace_period} from kill-unresponsive-after, {@code init: true} (as the shim,
 * an init reaps and forwards signals), readiness as {@code healthcheck} and {@code after} as
 * {@code depends_on} conditions, the host's network ({@code network_mode: host}, as vagga's
 * children share it; with isolate-network one namespace with only {@code lo}, the first child's).
 * The mode is kept by the command in the header: {@code up --abort-on-container-exit} ends the run
 * when the first container exits and returns its code (docker-compose 1.29's compute_exit_code).
 * Every {@code $} is written {@code $$}: compose would substitute variables.
 */
public final class ComposeFile {
    private ComposeFile() {}

    /**
     * @param projectFromFile the project root relative to the file's directory ("" when the same)
     * @param fileName        the file as the header's commands name it
     */
    public static String render(ExportModel model, String projectFromFile, String fileName, String exportCommand) {
        Map<String, Object> services = new LinkedHashMap<>();
        Map<String, Object> volumes = new TreeMap<>();
        boolean snapshots = false;
        String first = model.children().get(0).name();
        Map<String, ExportedChild> byName = new LinkedHashMap<>();
        model.children().forEach(c -> byName.put(c.name(), c));
        for (ExportedChild c : model.children()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("image", c.image());
            s.put("command", escape(c.argv()));
            Map<String, Object> env = new LinkedHashMap<>();
            c.environ().forEach((k, v) -> env.put(k, escape(v)));
            s.put("environment", env);
            s.put("working_dir", c.workDir());
            s.put("user", c.userId() + ":" + c.groupId());
            if (!c.supplementaryGids().isEmpty()) {
                s.put("group_add", c.supplementaryGids().stream().map(String::valueOf).toList());
            }
            s.put("read_only", c.readOnly());
            s.put("init", true);
            s.put("stop_grace_period", model.killUnresponsiveAfter() + "s");
            s.put("network_mode", !model.isolateNetwork() ? "host" : c.name().equals(first) ? "none" : "service:" + first);
            List<String> tmpfs = new ArrayList<>();
            List<String> binds = new ArrayList<>();
            for (ExportedChild.Mount m : c.mounts()) {
                if (m instanceof ExportedChild.Tmpfs t) {
                    tmpfs.add(t.target() + ":" + (t.readOnly() ? "ro" : "size=" + t.size() + ",mode="
                            + Integer.toOctalString(t.mode())));
                } else if (m instanceof ExportedChild.ProjectBind b) {
                    binds.add(escape(source(projectFromFile, b.source())) + ":" + b.target() + (b.readOnly() ? ":ro" : ""));
                } else if (m instanceof ExportedChild.Named n) {
                    binds.add(n.name() + ":" + n.target());
                    volumes.put(n.name(), Map.of());
                } else if (m instanceof ExportedChild.Snapshot sn) {
                    binds.add(sn.target());
                    snapshots = true;
                }
            }
            s.put("tmpfs", tmpfs);
            s.put("volumes", binds);
            if (c.ready() != null) {
                Map<String, Object> h = new LinkedHashMap<>();
                h.put("test", List.of("CMD-SHELL", escape(Probes.script(c.ready()))));
                h.put("interval", Probes.duration(c.ready().interval()));
                h.put("timeout", "1s");
                h.put("retries", Probes.retries(c.ready()));
                s.put("healthcheck", h);
            }
            Map<String, Object> depends = new LinkedHashMap<>();
            for (String dep : c.after()) {
                ExportedChild d = byName.get(dep);
                if (d != null) {
                    depends.put(dep, Map.of("condition", d.ready() != null ? "service_healthy" : "service_started"));
                }
            }
            if (!depends.isEmpty()) {
                s.put("depends_on", depends);
            }
            if (c.restart() != RestartPolicy.NEVER) {
                s.put("restart", c.restart() == RestartPolicy.ALWAYS ? "always" : "on-failure");
            }
            services.put(c.name(), s);
        }
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("services", services);
        if (!volumes.isEmpty()) {
            file.put("volumes", volumes);
        }
        StringBuilder b = new StringBuilder();
        for (String line : header(model, fileName, exportCommand, snapshots)) {
            b.append(line.isEmpty() ? "#" : "# " + line).append('\n');
        }
        return b.append(YamlText.yaml(file)).toString();
    }

    /** The command that runs the file as vagga runs the supervise. */
    public static String upCommand(ExportModel model, String fileName, boolean snapshots) {
        return "docker-compose -f " + fileName + " up" + (snapshots ? " --renew-anon-volumes" : "")
                + (model.mode() == SuperviseMode.STOP_ON_FAILURE ? " --abort-on-container-exit" : "");
    }

    /** The header (also what _export prints on stderr): how to load the images, how to run it, what is not kept. */
    static List<String> header(ExportModel model, String fileName, String exportCommand, boolean snapshots) {
        List<String> h = new ArrayList<>();
        h.add("Written by `" + exportCommand + "` from the !Supervise \"" + model.command() + "\" (mode: "
                + model.mode().name().toLowerCase().replace('_', '-') + "). Edit vagga.yaml and export again.");
        h.add("");
        List<String> loads = loadCommands(model);
        if (!loads.isEmpty()) {
            h.add("Load the images first (podman load works the same):");
            loads.forEach(l -> h.add("  " + l));
        }
        if (model.mode() == SuperviseMode.STOP_ON_FAILURE) {
            h.add("Run it as vagga does (the first child to exit stops the others; compose exits with its code):");
        } else {
            h.add("Run it (wait-all-successful: compose waits for every child):");
        }
        h.add("  " + upCommand(model, fileName, snapshots));
        if (model.mode() == SuperviseMode.WAIT_ALL_SUCCESSFUL) {
            h.add("Not kept: a failing child does not stop the others, and compose exits 0 whatever the children's");
            h.add("codes; read them with `docker-compose -f " + fileName + " ps`.");
        }
        if (snapshots) {
            h.add("!Snapshot volumes are anonymous volumes: a copy of the image's directory, fresh with --renew-anon-volumes.");
        }
        return h;
    }

    static List<String> loadCommands(ExportModel model) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : model.containers().entrySet()) {
            if (e.getValue().startsWith("localhost/vagga/")) {
                out.add("vagga _pack_image --oci " + e.getKey() + " | docker load");
            }
        }
        return out;
    }

    private static String source(String projectFromFile, String inProject) {
        String rel = Path.of(projectFromFile.isEmpty() ? "." : projectFromFile).resolve(inProject).normalize().toString();
        if (rel.isEmpty()) {
            return ".";
        }
        return rel.startsWith("/") || rel.startsWith(".") ? rel : "./" + rel;
    }

    private static String escape(String s) {
        return s.replace("$", "$$");
    }

    private static List<String> escape(List<String> l) {
        return l.stream().map(ComposeFile::escape).toList();
    }
}
