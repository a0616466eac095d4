// `vagga _run CONTAINER CMD ARGS...`: build the container if needed, then run one command in it.
package vagga.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import vagga.config.Config;
import vagga.config.Container;
import vagga.image.BlockingReactor;
import vagga.image.BuildException;
import vagga.image.BuildMode;
import vagga.image.BuildProgress;
import vagga.image.ContainerBuilder;
import vagga.image.TransientCopy;
import vagga.launch.Environment;
import vagga.launch.Launcher;
import vagga.linux.ExitStatus;
import vagga.linux.LinuxException;
import vagga.linux.MountSpec;
import vagga.linux.NetworkNamespace;
import vagga.linux.Signals;
import vagga.linux.SubordinateIds;
import vagga.linux.Syscalls;
import vagga.linux.UserNamespace;
import vagga.launch.SetupException;

public final class ContainerRun {
    private ContainerRun() {}

    /**
     * Runs {@code argv} in the container with its volumes and environment, in /work plus where the
     * caller stands inside the project; SIGINT, SIGTERM and SIGHUP are passed on to the command.
     * @return how the command ended
     */
    public static ExitStatus run(Config config, Path cwd, String containerName, List<String> argv,
                                 Environment.Caller caller, BuildProgress progress)
            throws BuildException, VolumeException, SetupException, LinuxException, InterruptedException {
        return run(config, cwd, containerName, argv, caller, progress, false, false);
    }

    /**
     * @param writable       {@code _run -W}: the command gets a transient hard-link copy of the root
     * @param isolateNetwork {@code _run --isolate-network}: a new network namespace with only lo
     */
    public static ExitStatus run(Config config, Path cwd, String containerName, List<String> argv,
                                 Environment.Caller caller, BuildProgress progress, boolean writable,
                                 boolean isolateNetwork)
            throws BuildException, VolumeException, SetupException, LinuxException, InterruptedException {
        return run(config, cwd, containerName, argv, caller, progress, writable, isolateNetwork, BuildMode.NORMAL);
    }

    /** @param mode --no-build and its kin: how the container's root may be got */
    public static ExitStatus run(Config config, Path cwd, String containerName, List<String> argv,
                                 Environment.Caller caller, BuildProgress progress, boolean writable,
                                 boolean isolateNetwork, BuildMode mode)
            throws BuildException, VolumeException, SetupException, LinuxException, InterruptedException {
        try (NetworkNamespace network = isolateNetwork ? NetworkNamespace.create() : null) {
            return run(config, cwd, containerName, argv, caller, progress, writable, network, mode);
        }
    }

    /**
     * {@code vagga _run_in_netns}: as {@code _run}, in the network namespace {@code network} (vagga's
     * gateway, or another process's); null: the host's.
     */
    public static ExitStatus run(Config config, Path cwd, String containerName, List<String> argv,
                                 Environment.Caller caller, BuildProgress progress, boolean writable,
                                 NetworkNamespace network, BuildMode mode)
            throws BuildException, VolumeException, SetupException, LinuxException, InterruptedException {
        return run(config, cwd, containerName, argv, caller, progress, writable, network, null, mode);
    }

    /**
     * As above, the container's namespaces made in the user namespace {@code owner} when not null
     * (an ordinary user's {@code _run_in_netns}: the gateway's, which owns its network, as vagga's).
     */
    public static ExitStatus run(Config config, Path cwd, String containerName, List<String> argv,
                                 Environment.Caller caller, BuildProgress progress, boolean writable,
                                 NetworkNamespace network, UserNamespace owner, BuildMode mode)
            throws BuildException, VolumeException, SetupException, LinuxException, InterruptedException {
        Path project = config.projectRoot().toAbsolutePath();
        try (BlockingReactor reactor = new BlockingReactor();
             ContainerBuilder builder = new ContainerBuilder(reactor, caller).mode(mode)) {
            Path root = builder.ensureBuilt(config, containerName, false, progress);
            Container container = config.containers().get(containerName);
            if (root != null && Syscalls.geteuid() != 0) {
                IdRanges.check(container, SubordinateIds.forCurrentUser());
            }
            // the containers its !Container and !Snapshot {container} volumes show, built (or found built)
            Map<String, Path> roots = new LinkedHashMap<>();
            for (String name : Volumes.containersNamed(container, null)) {
                if (!config.containers().containsKey(name)) {
                    throw new BuildException(config.containerNotFound(name, null));
                }
                roots.put(name, builder.ensureBuilt(config, name, false, progress));
            }
            TransientCopy copy = writable && root != null ? TransientCopy.create(project, containerName, root) : null;
            try {
                Path used = copy == null ? root : copy.root();
                List<MountSpec> mounts = Volumes.resolve(project, container, null, used, roots);
                reactor.forwardSignals(Signals.SIGINT, Signals.SIGTERM, Signals.SIGHUP);
                return reactor.run(Launcher.run(project, container, used, copy != null, caller,
                        relativeCwd(project, cwd), mounts, argv, network == null ? -1 : network.fd())
                        .inUserNamespace(owner == null ? -1 : owner.fd()));
            } finally {
                if (copy != null) {
                    try {
                        copy.close();
                    } catch (IOException e) {
                        // left for `vagga _clean --transient`, as after a kill -9
                    }
                }
            }
        }
    }

    /** Where the caller stands inside the project ("" at its root, or outside it). */
    static String relativeCwd(Path project, Path cwd) {
        try {
            Path real = cwd.toRealPath();
            Path realProject = project.toRealPath();
            if (real.startsWith(realProject)) {
                return realProject.relativize(real).toString();
            }
        } catch (IOException e) {
            // an unreadable cwd: run at the project root
        }
        return "";
    }
}
