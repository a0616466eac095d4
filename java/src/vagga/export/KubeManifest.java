// A supervise as one Kubernetes object: a Pod (stop-on-failure) or a Job (wait-all-successful), a container per child.
package vagga.export;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import vagga.config.SuperviseMode;

/**
 * Each child is a container in its own PID namespace (no shared process namespace), with an
 * emptyDir for /tmp and /run, the project as a hostPath at /work, {@code readOnlyRootFilesystem},
 * and {@code terminationGracePeriodSeconds} from kill-unresponsive-after. A child that another
 * names in {@code after} is a native sidecar (an init container with {@code restartPolicy: Always})
 * in dependency order, gated by its startupProbe, so the ones after it start when it is ready.
 *
 * <p>The stop semantics, which Kubernetes lacks, are kept by a small /bin/sh wrapper that runs each
 * child ({@link #STOP_WRAPPER}): all containers share an emptyDir at {@value #STOP_DIR}; the first
 * child to end (stop-on-failure: for any reason; wait-all-successful: with a non-zero code) creates
 * {@code first} there atomically (mkdir) and prints vagga's shutting-down line; every wrapper polls for
 * it and stops its child as vagga does (SIGTERM, kill-unresponsive-after, SIGKILL). The image needs
 * /bin/sh and sleep. Every {@code $} is written {@code $$}: the kubelet would expand {@code $(VAR)}.
 */
public final class KubeManifest {
    private KubeManifest() {}

    static final String STOP_DIR = "/.vagga-stop";

    /** $1 child name, $2 kill-unresponsive-after, $3 "any" (stop-on-failure) or "failure"; then the argv. */
    static final String STOP_WRAPPER = String.join("\n",
            "n=$1 g=$2 m=$3; shift 3; d=" + STOP_DIR,
            "[ -e $d/first ] && exit 0",
            "\"$@\" & c=$!",
            "trap 'kill -TERM $c 2>/dev/null' TERM INT",
            "while kill -0 $c 2>/dev/null; do",
            "  if [ -e $d/first ]; then",
            "    kill -TERM $c 2>/dev/null; i=0",
            "    while kill -0 $c 2>/dev/null && [ $i -lt $((g * 10)) ]; do sleep 0.1; i=$((i + 1)); done",
            "    kill -KILL $c 2>/dev/null; break",
            "  fi",
            "  sleep 0.2",
            "done",
            "wait $c; s=$?",
            "if [ $m = any ] || [ $s != 0 ]; then",
            "  mkdir $d/first 2>/dev/null && echo \"---------- Process $n exited with code $s. Shutting down -----------\"",
            "fi",
            "exit $s");

    public static String render(ExportModel model, Path projectRoot, String fileName, String exportCommand)
            throws ExportException {
        List<String> problems = new ArrayList<>();
        Map<String, String> names = new LinkedHashMap<>();
        Set<String> taken = new TreeSet<>();
        for (ExportedChild c : model.children()) {
            String k = label(c.name());
            if (!taken.add(k)) {
                problems.add(c.position() + ": child \"" + c.name() + "\": its Kubernetes name \"" + k
                        + "\" is another child's too");
            }
            names.put(c.name(), k);
            for (ExportedChild.Mount m : c.mounts()) {
                if (m instanceof ExportedChild.Snapshot s) {
                    problems.add(s.position() + ": child \"" + c.name() + "\": volume " + s.target()
                            + ": !Snapshot (a copy of the image's directory) cannot be expressed in Kubernetes");
                }
            }
        }
        if (!problems.isEmpty()) {
            problems = ExportModel.sorted(problems);
            problems.add("hint: nothing was written; change these or leave the children out with --only/--exclude");
            throw new ExportException(problems);
        }
        Map<String, ExportedChild> byName = new LinkedHashMap<>();
        model.children().forEach(c -> byName.put(c.name(), c));
        Set<String> dependencies = new TreeSet<>();
        model.children().forEach(c -> c.after().stream().filter(byName::containsKey).forEach(dependencies::add));
        Set<String> sidecarOrder = new LinkedHashSet<>();
        for (String d : dependencies) {
            visit(d, byName, dependencies, sidecarOrder);
        }
        Map<String, Map<String, Object>> volumes = new LinkedHashMap<>();
        volumes.put("vagga-stop", volume("vagga-stop", "emptyDir", Map.of()));
        List<Object> initContainers = new ArrayList<>();
        List<Object> containers = new ArrayList<>();
        List<String> claims = new ArrayList<>();
        for (String n : sidecarOrder) {
            Map<String, Object> c = container(model, byName.get(n), names.get(n), projectRoot, volumes, claims);
            c.put("restartPolicy", "Always");
            initContainers.add(c);
        }
        for (ExportedChild child : model.children()) {
            if (!sidecarOrder.contains(child.name())) {
                containers.add(container(model, child, names.get(child.name()), projectRoot, volumes, claims));
            }
        }
        if (containers.isEmpty()) {
            // every child is someone's dependency (a cycle is refused by the config): keep the last as the main one
            containers.add(initContainers.remove(initContainers.size() - 1));
            ((Map<?, ?>) containers.get(0)).remove("restartPolicy");
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("restartPolicy", "Never");
        spec.put("shareProcessNamespace", false);
        spec.put("terminationGracePeriodSeconds", model.killUnresponsiveAfter());
        if (!initContainers.isEmpty()) {
            spec.put("initContainers", initContainers);
        }
        spec.put("containers", containers);
        spec.put("volumes", new ArrayList<>(volumes.values()));
        String objectName = label(model.command());
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", objectName);
        labels.put("app.kubernetes.io/managed-by", "vagga");
        Map<String, Object> object = new LinkedHashMap<>();
        boolean job = model.mode() == SuperviseMode.WAIT_ALL_SUCCESSFUL;
        object.put("apiVersion", job ? "batch/v1" : "v1");
        object.put("kind", job ? "Job" : "Pod");
        object.put("metadata", ordered("name", objectName, "labels", labels));
        if (job) {
            Map<String, Object> jobSpec = new LinkedHashMap<>();
            jobSpec.put("backoffLimit", 0);
            jobSpec.put("template", ordered("metadata", Map.of("labels", labels), "spec", spec));
            object.put("spec", jobSpec);
        } else {
            object.put("spec", spec);
        }
        StringBuilder b = new StringBuilder();
        for (String line : header(model, objectName, fileName, exportCommand, projectRoot, claims, job)) {
            b.append(line.isEmpty() ? "#" : "# " + line).append('\n');
        }
        return b.append(YamlText.yaml(object)).toString();
    }

    private static void visit(String n, Map<String, ExportedChild> byName, Set<String> dependencies, Set<String> out) {
        if (out.contains(n)) {
            return;
        }
        for (String dep : byName.get(n).after()) {
            if (byName.containsKey(dep) && dependencies.contains(dep) && !dep.equals(n)) {
                visit(dep, byName, dependencies, out);
            }
        }
        out.add(n);
    }

    private static Map<String, Object> container(ExportModel model, ExportedChild c, String name, Path projectRoot,
                                                 Map<String, Map<String, Object>> volumes, List<String> claims) {
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("name", name);
        k.put("image", c.image());
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", STOP_WRAPPER, "vagga-stop", c.name(),
                Integer.toString(model.killUnresponsiveAfter()),
                model.mode() == SuperviseMode.STOP_ON_FAILURE ? "any" : "failure"));
        command.addAll(c.argv());
        k.put("command", escape(command));
        List<Object> env = new ArrayList<>();
        c.environ().forEach((key, v) -> env.add(ordered("name", key, "value", escape(v))));
        k.put("env", env);
        k.put("workingDir", c.workDir());
        Map<String, Object> security = new LinkedHashMap<>();
        security.put("runAsUser", c.userId());
        security.put("runAsGroup", c.groupId());
        security.put("readOnlyRootFilesystem", c.readOnly());
        k.put("securityContext", security);
        List<Object> mounts = new ArrayList<>();
        mounts.add(mount("vagga-stop", STOP_DIR, false));
        for (ExportedChild.Mount m : c.mounts()) {
            String volume;
            boolean readOnly = false;
            if (m instanceof ExportedChild.ProjectBind b) {
                String path = b.source().isEmpty() ? projectRoot.toString() : projectRoot.resolve(b.source()).toString();
                volume = label("work" + (b.source().isEmpty() ? "" : "-" + b.source()));
                volumes.putIfAbsent(volume, volume(volume, "hostPath", Map.of("path", path, "type", "Directory")));
                readOnly = b.readOnly();
            } else if (m instanceof ExportedChild.Tmpfs t) {
                volume = label(name + "-" + (t.target().equals("/") ? "root" : t.target()));
                Map<String, Object> dir = new LinkedHashMap<>();
                dir.put("medium", "Memory");
                if (t.size() > 0) {
                    dir.put("sizeLimit", Long.toString(t.size()));
                }
                volumes.put(volume, volume(volume, "emptyDir", dir));
                readOnly = t.readOnly();
            } else {
                ExportedChild.Named n = (ExportedChild.Named) m;
                volume = label("volume-" + n.name());
                volumes.putIfAbsent(volume, volume(volume, "persistentVolumeClaim", Map.of("claimName", label(n.name()))));
                if (!claims.contains(label(n.name()))) {
                    claims.add(label(n.name()));
                }
            }
            mounts.add(mount(volume, m.target(), readOnly));
        }
        k.put("volumeMounts", mounts);
        if (c.ready() != null) {
            int period = (int) Math.max(1, Math.round(c.ready().interval()));
            Map<String, Object> exec = Map.of("command", escape(Probes.shellCommand(c.ready())));
            Map<String, Object> startup = new LinkedHashMap<>();
            startup.put("exec", exec);
            startup.put("periodSeconds", period);
            startup.put("timeoutSeconds", 1);
            startup.put("failureThreshold", (int) Math.max(1, Math.ceil(c.ready().timeout() / period)));
            k.put("startupProbe", startup);
            Map<String, Object> readiness = new LinkedHashMap<>();
            readiness.put("exec", exec);
            readiness.put("periodSeconds", period);
            readiness.put("timeoutSeconds", 1);
            k.put("readinessProbe", readiness);
        }
        return k;
    }

    private static Map<String, Object> mount(String volume, String path, boolean readOnly) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", volume);
        m.put("mountPath", path);
        if (readOnly) {
            m.put("readOnly", true);
        }
        return m;
    }

    private static Map<String, Object> volume(String name, String kind, Map<String, Object> source) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", name);
        v.put(kind, new java.util.TreeMap<>(source));
        return v;
    }

    static List<String> header(ExportModel model, String objectName, String fileName, String exportCommand,
                               Path projectRoot, List<String> claims, boolean job) {
        List<String> h = new ArrayList<>();
        h.add("Written by `" + exportCommand + "` from the !Supervise \"" + model.command() + "\" (mode: "
                + model.mode().name().toLowerCase().replace('_', '-') + "). Edit vagga.yaml and export again.");
        h.add("");
        List<String> loads = ComposeFile.loadCommands(model);
        if (!loads.isEmpty()) {
            h.add("The images must be in a registry the cluster pulls from (or loaded into its nodes):");
            loads.forEach(l -> h.add("  " + l.replace("| docker load", "| docker load   # then docker push")));
        }
        h.add("Run it:");
        h.add("  kubectl apply -f " + fileName + (job ? " && kubectl wait --for=condition=complete job/" + objectName
                : "   # the Pod's phase: Succeeded or Failed"));
        h.add("Each child runs under a /bin/sh wrapper that ends the others when "
                + (job ? "one fails" : "one exits") + " (vagga's " + (job ? "wait-all-successful" : "stop-on-failure")
                + "); its log names the child that ended the run.");
        h.add("Not kept: the children share the pod's network, not the host's; the project is a hostPath ("
                + projectRoot + ") that the node must have; " + (job
                ? "Kubernetes ends the Job as Failed when any child fails."
                : "the pod's phase is Failed unless every child exited 0, so read the first child's code from its log."));
        if (!claims.isEmpty()) {
            h.add("Needs the PersistentVolumeClaims: " + String.join(", ", claims) + ".");
        }
        return h;
    }

    /** A map in the order given: key, value, key, value... */
    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** A DNS-1123 label: lower case letters, digits and '-', at most 63. */
    static String label(String s) {
        String l = s.toLowerCase().replaceAll("[^a-z0-9-]+", "-").replaceAll("-{2,}", "-").replaceAll("^-+|-+$", "");
        if (l.length() > 63) {
            l = l.substring(0, 63).replaceAll("-+$", "");
        }
        return l.isEmpty() ? "x" : l;
    }

    private static String escape(String s) {
        return s.replace("$", "$$");
    }

    private static List<String> escape(List<String> l) {
        return l.stream().map(KubeManifest::escape).toList();
    }
}
