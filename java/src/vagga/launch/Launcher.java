// The one launcher: what to run in a container, and why, becomes the shim invocation (PROTOCOL.md).
package vagga.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import vagga.config.CommandSpec;
import vagga.config.Container;
import vagga.linux.MountSpec;
import vagga.linux.ShimInvocation;

/**
 * Every process vagga starts in a container is assembled here, and only here: supervised children,
 * plain commands, {@code vagga _run}, and build steps (!Sh, !Cmd and every builder family's
 * package manager). The environment comes from {@link Environment}, the rules for each purpose
 * side by side. What differs by purpose:
 * <ul>
 * <li><b>child, command</b>: the built root read-only (or a transient copy), the command's user,
 *     group, work dir and volumes (resolved by the caller: runtime decides mounts), a passed socket,
 *     the shared isolated network namespace if any;</li>
 * <li><b>_run</b>: the built root read-only, the container's volumes, uid 0, the caller's place in
 *     the project as work dir, the host's network;</li>
 * <li><b>build step</b>: the root being built, read-write; its own {@code /tmp} bound over the shim's
 *     tmpfs (files a host-side step put there are seen, and emptied when the build ends); {@code /sys}
 *     read-only; uid 0 at {@code /work}; the host's network, and its resolv.conf and hosts copied into
 *     the root by the builder (replaceable by a step; bound only through a symlink the root has
 *     there), so that package managers can fetch.</li>
 * </ul>
 * Host files: a built root gets the host's {@code /etc/hosts} and {@code /etc/resolv.conf} shown
 * over its own (vagga copies them in; a bind is the read-only equivalent), or at the container's
 * {@code hosts-file-path}/{@code resolv-conf-path}; a {@code !HostRoot} container's {@code /etc} is
 * the host's already.
 */
public final class Launcher {
    private static final Path HOSTS = Path.of("/etc/hosts");
    private static final Path RESOLV = Path.of("/etc/resolv.conf");
    private static final String WORK = "/work";

    private Launcher() {}

    /**
     * A process of a {@code !Supervise} ({@code childName} = its name) or a plain {@code !Command}
     * ({@code childName} null; its own arguments in {@code extraArgs}).
     *
     * @param root        the built root, or null for !HostRoot
     * @param writableRoot a transient copy (write-mode)
     * @param relativeCwd the caller's directory relative to the project root ("" at the root)
     * @param mounts      the resolved volumes, in mount order
     * @param passFd      the pass-tcp-socket fd, or -1
     * @param netnsFd     the shared isolated network namespace, or -1 for the host's network
     */
    public static ShimInvocation child(Path project, Container container, Path root, boolean writableRoot,
                                       CommandSpec command, Environment.Caller caller,
                                       Map<String, String> optionVariables, String commandName, String childName,
                                       String relativeCwd, List<MountSpec> mounts, List<String> extraArgs,
                                       int passFd, int netnsFd) throws SetupException {
        Map<String, String> env = Environment.compose(caller, containerEnviron(project, container, root),
                command.environ(), optionVariables, commandName, childName);
        return shim(root, writableRoot, project, workDir(command.workDir() != null ? command.workDir() : relativeCwd),
                argv(container, command, extraArgs), env, command.userId(), command.groupId(),
                command.supplementaryGids(), command.externalUserId(), container, mounts, passFd, netnsFd);
    }

    /** The container's environ-file (read from inside it), overridden value by value by its environ. */
    private static Map<String, String> containerEnviron(Path project, Container container, Path root)
            throws SetupException {
        if (container.environFile() == null) {
            return container.environ();
        }
        Map<String, String> env = new java.util.LinkedHashMap<>(EnvironFile.read(project, root, container.environFile()));
        env.putAll(container.environ());
        return env;
    }

    /**
     * Ours ({@code ready: {command: SCRIPT}}): a supervise child's readiness command, run inside
     * that child's running container (the shim's {@code --enter}: its namespaces, root and mounts,
     * so its network too). It gets the child's environment, user, groups and work dir, and the
     * script goes through the container's shell as a string {@code run:} does.
     */
    public static ShimInvocation readyCommand(Container container, ShimInvocation child, String script) {
        return new ShimInvocation(null, false, null, child.cwd(), shell(container, script, List.of()), child.env(),
                child.uid(), child.gid(), child.groups(), List.of(), null, null, -1, -1);
    }

    /**
     * {@code vagga _run CONTAINER CMD ARGS...}.
     *
     * @param root        the built root, or null for !HostRoot
     * @param relativeCwd the caller's directory relative to the project root ("" at the root)
     */
    public static ShimInvocation run(Path project, Container container, Path root, Environment.Caller caller,
                                     String relativeCwd, List<MountSpec> mounts, List<String> argv)
            throws SetupException {
        return run(project, container, root, false, caller, relativeCwd, mounts, argv, -1);
    }

    /** {@code vagga _run [-W] [--isolate-network]}: a writable (transient) root, a network namespace fd. */
    public static ShimInvocation run(Path project, Container container, Path root, boolean writableRoot,
                                     Environment.Caller caller, String relativeCwd, List<MountSpec> mounts,
                                     List<String> argv, int netnsFd) throws SetupException {
        return shim(root, writableRoot, project, workDir(relativeCwd), argv,
                Environment.forRun(caller, containerEnviron(project, container, root)), 0, 0, List.of(), null,
                container, mounts, -1, netnsFd);
    }

    /**
     * A command run inside the root being built.
     *
     * @param tmpDir       the root's own /tmp on the host (resolved inside the root by the caller)
     * @param buildEnviron the !Env variables of the build so far
     */
    public static ShimInvocation buildStep(Path project, Path root, Path tmpDir, Environment.Caller caller,
                                           Map<String, String> buildEnviron, List<String> argv) {
        return buildStep(project, root, tmpDir, caller, buildEnviron, argv, WORK, 0, 0, List.of(), null, List.of(), -1);
    }

    /**
     * A command of a builder family run inside the root being built, as {@link #buildStep} but
     * with its own work dir, user (!RunAs, and its external-user-id as for a command), the build's
     * extra mounts after /tmp and /sys (cache directories, !Build's temporary-mount) and, for
     * isolate-network, a network namespace.
     */
    public static ShimInvocation buildStep(Path project, Path root, Path tmpDir, Environment.Caller caller,
                                           Map<String, String> buildEnviron, List<String> argv, String workDir,
                                           int uid, int gid, List<Integer> groups, Integer externalUid,
                                           List<MountSpec> extraMounts, int netnsFd) {
        List<MountSpec> mounts = new ArrayList<>();
        mounts.add(new MountSpec.Bind(tmpDir.toString(), "/tmp", false));
        mounts.add(new MountSpec.Bind("/sys", "/sys", true));
        mounts.addAll(extraMounts);
        return shim(root, true, project, workDir, argv, Environment.forBuildStep(caller, buildEnviron),
                uid, gid, groups, externalUid, null, mounts, -1, netnsFd);
    }

    /** Where VAGGA_DEBUG_CMDENV's lines go (set by cli when the variable is set and non-empty), or null. */
    private static volatile java.util.function.Consumer<String> commandDebug;

    /**
     * vagga's VAGGA_DEBUG_CMDENV: every command vagga is about to start is shown with its whole
     * environment, in the style of vagga's debug display of a command; {@code sink} null: nothing.
     */
    public static void showCommandsTo(java.util.function.Consumer<String> sink) {
        commandDebug = sink;
    }

    private static void debugCommand(List<String> argv, Map<String, String> env) {
        java.util.function.Consumer<String> sink = commandDebug;
        if (sink == null) {
            return;
        }
        StringBuilder sb = new StringBuilder("vagga: <Command");
        for (String a : argv) {
            sb.append(' ').append(quoted(a));
        }
        sb.append("; environ: {");
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(env).entrySet()) {
            sb.append(quoted(e.getKey())).append('=').append(quoted(e.getValue())).append(',');
        }
        sink.accept(sb.append("}>").toString());
    }

    private static String quoted(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    /** @param container whose resolv-conf-path/hosts-file-path apply, or null for the defaults (a build step) */
    private static ShimInvocation shim(Path root, boolean writableRoot, Path project, String workDir,
                                       List<String> argv, Map<String, String> env, int uid, int gid,
                                       List<Integer> groups, Integer externalUid, Container container,
                                       List<MountSpec> mounts, int passFd, int netnsFd) {
        List<String> envList = new ArrayList<>(env.size());
        for (Map.Entry<String, String> e : env.entrySet()) {
            envList.add(e.getKey() + "=" + e.getValue());
        }
        List<MountSpec> allMounts = new ArrayList<>(mounts);
        Path hosts = container == null ? buildHostFile(root, HOSTS)
                : hostFile(root, HOSTS, container.hostsFilePath(), allMounts);
        Path resolv = container == null ? buildHostFile(root, RESOLV)
                : hostFile(root, RESOLV, container.resolvConfPath(), allMounts);
        debugCommand(argv, env);
        return new ShimInvocation(root, writableRoot, project, workDir, List.copyOf(argv), List.copyOf(envList),
                uid, gid, List.copyOf(groups), List.copyOf(allMounts), hosts, resolv, passFd, netnsFd, externalUid);
    }

    /**
     * A build step: the builder has copied the host's file into the root (a step may replace it),
     * unless the root has a symlink there, which the shim follows and binds the host's file at.
     */
    private static Path buildHostFile(Path root, Path file) {
        try {
            return Files.isReadable(file)
                    && Files.isSymbolicLink(vagga.image.RootPath.resolve(root, file.toString(), false)) ? file : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * The host's file shown in the container: none for !HostRoot, whose /etc is the host's. At its
     * usual place it is bound over the root's (the shim follows a link there inside the container);
     * elsewhere ({@code resolv-conf-path: /state/resolv.conf}, vagga's way for a root whose /etc is
     * read-only and links into a volume) it is copied into the !Tmpfs volume holding that path, as
     * vagga copies it, or else bound read-only onto the file the root has there.
     * @return the file for the shim's --hosts/--resolv, or null
     */
    private static Path hostFile(Path root, Path file, String containerPath, List<MountSpec> mounts) {
        if (root == null || !Files.isReadable(file) || Container.NO_HOST_FILE.equals(containerPath)) {
            return null;
        }
        if (containerPath == null || containerPath.equals(file.toString())) {
            return file;
        }
        for (int i = mounts.size() - 1; i >= 0; i--) {
            if (mounts.get(i) instanceof MountSpec.Tmpfs t && containerPath.startsWith(t.dest() + "/")) {
                try {
                    Map<String, String> files = new java.util.TreeMap<>(t.files() == null ? Map.of() : t.files());
                    files.put(containerPath.substring(t.dest().length() + 1), Files.readString(file));
                    mounts.set(i, new MountSpec.Tmpfs(t.dest(), t.size(), t.mode(), t.subdirs(), files));
                    return null;
                } catch (java.io.IOException e) {
                    return null; // unreadable after all: the container keeps what it has, as with no file
                }
            }
        }
        mounts.add(new MountSpec.Bind(file.toString(), containerPath, true));
        return null;
    }

    /**
     * The command's argv: a string `run:` goes through the container's shell, "$@" = extra
     * arguments. A {@code default-shell} item holding {@code $cmdline} gets the script in its place
     * (vagga's way to wrap every command, e.g. {@code [/bin/sh, -c, "set -e; $cmdline", --]}); the
     * shell list then also names $0, so extra arguments follow it directly.
     */
    public static List<String> argv(Container container, CommandSpec command, List<String> extraArgs) {
        if (command.run().isShell()) {
            return shell(container, command.run().script(), extraArgs);
        }
        List<String> argv = new ArrayList<>(command.run().argv());
        argv.addAll(extraArgs);
        return argv;
    }

    /** A script through the container's shell (its default-shell, else /bin/sh -c). */
    private static List<String> shell(Container container, String script, List<String> extraArgs) {
        List<String> argv = new ArrayList<>();
        boolean plain = container.defaultShell() == null || container.defaultShell().isEmpty()
                || container.defaultShell().equals(Container.DEFAULT_SHELL);
        List<String> shell = plain ? Container.DEFAULT_SHELL : container.defaultShell();
        boolean substituted = false;
        for (String item : shell) {
            if (item.contains(CMDLINE)) {
                argv.add(item.replace(CMDLINE, script));
                substituted = true;
            } else {
                argv.add(item);
            }
        }
        if (!substituted) {
            argv.add(script);
            if (plain) {
                argv.add("--"); // vagga's /bin/sh -c SCRIPT -- ARGS...: $0 is "--", "$@" the arguments
            } else if (!extraArgs.isEmpty()) {
                argv.add("sh"); // $0 of the script, so that "$@" holds the extra arguments
            }
        }
        argv.addAll(extraArgs);
        return argv;
    }

    /** The placeholder of a default-shell item for the command's script. */
    static final String CMDLINE = "$cmdline";

    /** /work/<dir relative to the project> (SPEC 1.4): a command's work-dir, or where the caller stands. */
    /** Without its leading and trailing slashes (not a regex: compiling one cost every start ~10 ms of CPU). */
    static String trimSlashes(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && s.charAt(from) == '/') {
            from++;
        }
        while (to > from && s.charAt(to - 1) == '/') {
            to--;
        }
        return s.substring(from, to);
    }

    public static String workDir(String relative) {
        String rel = relative == null ? "" : trimSlashes(relative);
        return rel.isEmpty() || rel.equals(".") ? WORK : WORK + "/" + rel;
    }
}
