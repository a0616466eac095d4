// Decides what a supervise becomes outside vagga: one ExportedChild per selected child, and what cannot be kept.
package vagga.export;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import vagga.config.CommandSpec;
import vagga.config.Config;
import vagga.config.Container;
import vagga.config.SuperviseMode;
import vagga.config.Volume;
import vagga.config.WriteMode;
import vagga.image.BuildException;
import vagga.image.VersionHash;
import vagga.launch.Environment;
import vagga.launch.Launcher;
import vagga.plan.RunPlan;

/**
 * What both files share. Every problem names its place ({@code vagga.yaml:LINE:COL: ...}); the
 * files are written only when there is none. The environment is vagga's (SPEC 4.3) for a caller
 * that gives only {@code -e}, {@code -E} and {@code VAGGAENV_*}: TERM and proxies of whoever ran the
 * export are not baked into a file.
 *
 * @param command        the supervise's name
 * @param children       in name order
 * @param containers     the containers the children use, by name, with their image
 */
public record ExportModel(String command, SuperviseMode mode, int killUnresponsiveAfter, boolean isolateNetwork,
                          List<ExportedChild> children, Map<String, String> containers) {
    /** vagga's /tmp of every child: a 100 MiB tmpfs, mode 1777 (SPEC 4.2). */
    public static final long TMP_SIZE = 100L << 20;

    /**
     * @param relativeCwd   where the export was run, relative to the project root (a child's default work dir)
     * @param hostRootImage the image that stands in for !HostRoot containers, or null (then they are an error)
     * @param target        "compose" or "k8s", for the messages
     */
    public static ExportModel of(Config config, RunPlan plan, Environment.Caller caller, String relativeCwd,
                                 String hostRootImage, String target) throws ExportException {
        List<String> problems = new ArrayList<>();
        Map<String, String> images = new TreeMap<>();
        VersionHash hashes = new VersionHash(config);
        List<ExportedChild> children = new ArrayList<>();
        for (Map.Entry<String, CommandSpec> e : plan.children().entrySet()) {
            String name = e.getKey();
            CommandSpec child = e.getValue();
            Container container = config.containers().get(child.container());
            if (container == null) {
                problems.add(config.containerNotFound(child.container(), child.position()).lines().findFirst().orElse(""));
                continue;
            }
            String image = images.get(container.name());
            if (image == null) {
                image = image(config, hashes, container, hostRootImage, problems);
                if (image == null) {
                    continue;
                }
                images.put(container.name(), image);
            }
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
                problems.add(child.position() + ": child \"" + name + "\": a " + target
                        + " service needs a name of letters, digits, '.', '_' and '-'");
            }
            if (child.passTcpSocket() != null) {
                problems.add(child.position() + ": child \"" + name + "\": pass-tcp-socket: " + target
                        + " cannot hand a listening socket to the process as fd 3; let the program bind "
                        + child.passTcpSocket() + " itself");
            }
            if (child.externalUserId() != null) {
                problems.add(child.position() + ": child \"" + name + "\": external-user-id has no " + target
                        + " equivalent");
            }
            if (child.ready() != null && child.ready().kind().equals("line")) {
                problems.add(child.ready().position() + ": child \"" + name + "\": ready: {line: ...} cannot be "
                        + "expressed: " + target + "'s probes run inside the container and do not see its output");
            }
            Map<String, String> env = new LinkedHashMap<>(Environment.compose(caller, container.environ(),
                    child.environ(), plan.optionVariables(), plan.superviseName(), name));
            env.remove("TERM");
            String workDir = Launcher.workDir(child.workDir() != null ? child.workDir() : relativeCwd);
            List<ExportedChild.Mount> mounts = mounts(container, child, name, target, problems);
            children.add(new ExportedChild(name, child.position(), container.name(), image,
                    Launcher.argv(container, child, List.of()), env, workDir, child.userId(), child.groupId(),
                    child.supplementaryGids() == null ? List.of() : child.supplementaryGids(),
                    child.writeMode() != WriteMode.TRANSIENT_HARD_LINK_COPY, mounts, child.ready(),
                    child.after() == null ? List.of() : child.after(), child.restart()));
        }
        for (String prerequisite : plan.prerequisites()) {
            problems.add(config.commands().get(plan.superviseName()).position() + ": prerequisites: \"" + prerequisite
                    + "\" runs before the children in vagga; " + target + " has no step that runs first and ends");
        }
        if (!problems.isEmpty()) {
            List<String> lines = sorted(problems);
            lines.add("hint: nothing was written; change these or leave the children out with --only/--exclude");
            throw new ExportException(lines);
        }
        return new ExportModel(plan.superviseName(), plan.mode(), plan.killUnresponsiveAfter(), plan.isolateNetwork(),
                children, images);
    }

    private static boolean nonZero(Integer id) {
        return id != null && id != 0;
    }

    /** Problems by place (file, then line and column as numbers), each once. */
    static List<String> sorted(List<String> problems) {
        java.util.regex.Pattern place = java.util.regex.Pattern.compile("^(.*?):(\\d+):(\\d+): ");
        List<String> out = new ArrayList<>(new java.util.LinkedHashSet<>(problems));
        out.sort(java.util.Comparator.comparing((String p) -> {
            java.util.regex.Matcher m = place.matcher(p);
            return m.find() ? String.format("0%s:%09d:%09d:%s", m.group(1), Long.parseLong(m.group(2)),
                    Long.parseLong(m.group(3)), p) : "1" + p;
        }));
        return out;
    }

    private static String image(Config config, VersionHash hashes, Container container, String hostRootImage,
                                List<String> problems) {
        if (container.isHostRoot()) {
            if (hostRootImage != null) {
                return hostRootImage;
            }
            problems.add(container.position() + ": container \"" + container.name() + "\" is !HostRoot: its root is "
                    + "this machine's own /usr, /etc, ..., which no image carries; build the container from steps "
                    + "(!Debian, !Ubuntu, ...) and load it with `vagga _pack_image --oci`, or give "
                    + "--host-root-image IMAGE to run these children in IMAGE instead");
            return null;
        }
        try {
            return ImagePack.imageName(container.name(), hashes.shortOf(container.name()));
        } catch (BuildException e) {
            problems.add(container.position() + ": container \"" + container.name() + "\": " + e.getMessage());
            return null;
        }
    }

    /** The container's volumes, then the child's (which win per path), plus /work, /tmp and /run. */
    private static List<ExportedChild.Mount> mounts(Container container, CommandSpec child, String name, String target,
                                                    List<String> problems) {
        Map<String, Volume> volumes = new TreeMap<>();
        volumes.putAll(container.volumes() == null ? Map.of() : container.volumes());
        volumes.putAll(child.volumes() == null ? Map.of() : child.volumes());
        Map<String, ExportedChild.Mount> out = new TreeMap<>();
        out.put(ImagePack.WORK, new ExportedChild.ProjectBind(ImagePack.WORK, "", false));
        out.put("/tmp", new ExportedChild.Tmpfs("/tmp", TMP_SIZE, 01777, false));
        out.put("/run", new ExportedChild.Tmpfs("/run", TMP_SIZE, 0755, false));
        for (Map.Entry<String, Volume> e : volumes.entrySet()) {
            String path = e.getKey();
            Volume v = e.getValue();
            String where = v.position() + ": child \"" + name + "\": volume " + path + ": ";
            ExportedChild.Mount m = null;
            if (v instanceof Volume.Tmpfs t) {
                if (!t.subdirs().isEmpty() || !t.files().isEmpty()) {
                    problems.add(where + "!Tmpfs with subdirs or files cannot be expressed in " + target);
                }
                m = new ExportedChild.Tmpfs(path, t.size(), t.mode(), false);
            } else if (v instanceof Volume.BindRW b) {
                m = projectBind(path, b.path(), false, where, target, problems);
            } else if (v instanceof Volume.BindRO b) {
                m = projectBind(path, b.path(), true, where, target, problems);
            } else if (v instanceof Volume.Empty) {
                m = new ExportedChild.Tmpfs(path, 0, 0755, true);
            } else if (v instanceof Volume.Persistent p) {
                // a fresh named volume belongs to root, as vagga's default owner 0:0
                if (p.initCommand() != null || nonZero(p.ownerUid()) || nonZero(p.ownerGid())) {
                    problems.add(where + "!Persistent with init-command or another owner than 0:0 cannot be "
                            + "expressed in " + target);
                }
                m = new ExportedChild.Named(path, p.name());
            } else if (v instanceof Volume.Snapshot sn) {
                if (sn.container() != null) {
                    problems.add(where + "!Snapshot of another container cannot be expressed in " + target);
                }
                m = new ExportedChild.Snapshot(path, sn.position());
            } else if (v instanceof Volume.VaggaBin) {
                problems.add(where + "!VaggaBin (vagga's own binary) has no " + target + " equivalent");
            } else if (v instanceof Volume.ContainerVolume) {
                problems.add(where + "!Container (another container's root) has no " + target + " equivalent");
            } else {
                problems.add(where + "!CacheDir (vagga's build cache) has no " + target + " equivalent");
            }
            if (m != null) {
                out.put(path, m);
            }
        }
        return List.copyOf(out.values());
    }

    private static ExportedChild.Mount projectBind(String target, String source, boolean readOnly, String where,
                                                   String kind, List<String> problems) {
        String s = source.replaceAll("/+$", "");
        if (s.equals(ImagePack.WORK) || s.startsWith(ImagePack.WORK + "/")) {
            return new ExportedChild.ProjectBind(target, s.substring(ImagePack.WORK.length()).replaceFirst("^/", ""),
                    readOnly);
        }
        problems.add(where + "a bind of " + source + " (outside the project) cannot be expressed in " + kind);
        return null;
    }
}
