// Everything the init shim needs to set one container up and run one command (PROTOCOL.md).
package vagga.linux;

import java.nio.file.Path;
import java.util.List;

/**
 * @param rootDir      the container's root directory on the host, or null for !HostRoot
 * @param writableRoot mount the root read-write (build steps, transient copies)
 * @param projectRoot  host directory bind-mounted read-write at /work
 * @param cwd          working directory inside the container
 * @param argv         the command; argv[0] is searched in PATH of {@code env} when it has no "/"
 * @param env          the command's whole environment, "NAME=value"
 * @param uid          user id inside the container
 * @param gid          group id inside the container
 * @param groups       supplementary group ids
 * @param mounts       volumes, in the order to mount them
 * @param hostsFile    host file shown at /etc/hosts (null: leave the root's)
 * @param resolvConf   host file shown at /etc/resolv.conf (null: leave the root's)
 * @param passFd       a host fd that the command gets as fd 3, or -1
 * @param newNetwork   fd of a network namespace to join, or -1 for the host's
 * @param externalUid  vagga's external-user-id: the id {@code uid} is mapped to in a user namespace of
 *                     the command's own, or null (the command runs in the container's namespace)
 * @param hostname     a UTS namespace of its own with this name (a bridged child's), or null
 * @param userNamespace fd of an existing user namespace to make the container's namespaces in
 *                     (an ordinary user's bridged child: vagga's gateway one), or -1
 */
public record ShimInvocation(Path rootDir, boolean writableRoot, Path projectRoot, String cwd,
                             List<String> argv, List<String> env, int uid, int gid,
                             List<Integer> groups, List<MountSpec> mounts, Path hostsFile,
                             Path resolvConf, int passFd, int newNetwork, Integer externalUid,
                             String hostname, int userNamespace) {
    /** Without a hostname of its own (the host's). */
    public ShimInvocation(Path rootDir, boolean writableRoot, Path projectRoot, String cwd,
                          List<String> argv, List<String> env, int uid, int gid,
                          List<Integer> groups, List<MountSpec> mounts, Path hostsFile,
                          Path resolvConf, int passFd, int newNetwork, Integer externalUid) {
        this(rootDir, writableRoot, projectRoot, cwd, argv, env, uid, gid, groups, mounts, hostsFile, resolvConf,
                passFd, newNetwork, externalUid, null, -1);
    }

    /** This invocation in a UTS namespace of its own named {@code name} (a bridged child's). */
    public ShimInvocation withHostname(String name) {
        return new ShimInvocation(rootDir, writableRoot, projectRoot, cwd, argv, env, uid, gid, groups, mounts,
                hostsFile, resolvConf, passFd, newNetwork, externalUid, name, userNamespace);
    }

    /** This invocation with its namespaces made inside the user namespace {@code fd} (-1: a new one). */
    public ShimInvocation inUserNamespace(int fd) {
        return new ShimInvocation(rootDir, writableRoot, projectRoot, cwd, argv, env, uid, gid, groups, mounts,
                hostsFile, resolvConf, passFd, newNetwork, externalUid, hostname, fd);
    }

    /** Without external-user-id. */
    public ShimInvocation(Path rootDir, boolean writableRoot, Path projectRoot, String cwd,
                          List<String> argv, List<String> env, int uid, int gid,
                          List<Integer> groups, List<MountSpec> mounts, Path hostsFile,
                          Path resolvConf, int passFd, int newNetwork) {
        this(rootDir, writableRoot, projectRoot, cwd, argv, env, uid, gid, groups, mounts, hostsFile, resolvConf,
                passFd, newNetwork, null);
    }
}
