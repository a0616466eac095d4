// Turns a configured command into what the init shim needs (ShimInvocation).
package vagga.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import vagga.config.CommandSpec;
import vagga.config.Container;
import vagga.linux.MountSpec;
import vagga.linux.ShimInvocation;

final class ChildInvocations {
    private static final Path HOSTS = Path.of("/etc/hosts");
    private static final Path RESOLV = Path.of("/etc/resolv.conf");

    private ChildInvocations() {}

    /**
     * @param rootDir     the built root, or null for !HostRoot
     * @param relativeCwd the caller's directory relative to the project root ("" at the root)
     * @param extraArgs   arguments appended to the command (a plain !Command's own arguments)
     * @param passFd      the pass-tcp-socket fd, or -1
     * @param netnsFd     the shared isolated network namespace, or -1 for the host's network
     */
    static ShimInvocation of(Path projectRoot, Container container, Path rootDir, boolean writableRoot,
                             CommandSpec command, Map<String, String> env, String relativeCwd,
                             List<MountSpec> mounts, List<String> extraArgs, int passFd,
                             int netnsFd) {
        List<String> argv = new ArrayList<>();
        if (command.run().isShell()) {
            List<String> shell = container.defaultShell() == null || container.defaultShell().isEmpty()
                    ? Container.DEFAULT_SHELL : container.defaultShell();
            argv.addAll(shell);
            argv.add(command.run().script());
            if (!extraArgs.isEmpty()) {
                argv.add("sh"); // $0 of the script, so that "$@" holds the extra arguments
                argv.addAll(extraArgs);
            }
        } else {
            argv.addAll(command.run().argv());
            argv.addAll(extraArgs);
        }
        List<String> envList = new ArrayList<>(env.size());
        env.forEach((k, v) -> envList.add(k + "=" + v));
        return new ShimInvocation(rootDir, writableRoot, projectRoot, workDir(command, relativeCwd),
                List.copyOf(argv), List.copyOf(envList), command.userId(), command.groupId(),
                List.copyOf(command.supplementaryGids()), List.copyOf(mounts),
                hostFile(rootDir, HOSTS), hostFile(rootDir, RESOLV), passFd, netnsFd);
    }

    /** The host's file to show in the container; none for !HostRoot, whose /etc is the host's. */
    private static Path hostFile(Path rootDir, Path file) {
        return rootDir != null && Files.exists(file) ? file : null;
    }

    /** /work/<work-dir>, or /work/<caller's dir relative to the project root> (SPEC 1.4). */
    static String workDir(CommandSpec command, String relativeCwd) {
        String rel = command.workDir() != null ? command.workDir() : relativeCwd;
        rel = rel == null ? "" : rel.replaceAll("^/+|/+$", "");
        return rel.isEmpty() || rel.equals(".") ? "/work" : "/work/" + rel;
    }
}
