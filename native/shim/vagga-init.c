/* vagga-init: PID 1 of one child's container: sets the mounts up, runs the command, reports its end (PROTOCOL.md). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <grp.h>

#include "beneath.h"
#include "skeleton.h"

#define EXIT_SETUP 124
#define EXIT_NOT_EXECUTABLE 126
#define EXIT_NOT_FOUND 127

/* Where the shim builds the container before the final pivot_root (see setup_mounts). */
#define BASE "/tmp"
#define NEWROOT "/newroot"
#define OLDROOT "/oldroot"

/* The host tree and the container being assembled: OLDROOT and NEWROOT inside the scratch tmpfs,
 * or "" and the --stage directory. */
static const char *oldroot = OLDROOT;
static const char *newroot = NEWROOT;

/* The project directory (opened once, its own path followed: it is the user's), and its real path. */
static int project_fd = -1;
static char project_real[PATH_MAX];

#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif

/* One volume, mounted in argv order after the standard mounts. */
enum volume_kind { VOL_TMPFS, VOL_TMPFS_DIR, VOL_TMPFS_FILE, VOL_BIND, VOL_BIND_RO, VOL_SNAPSHOT };
struct volume {
    enum volume_kind kind;
    const char *a; /* DEST, PATH or SRC */
    const char *b; /* SIZE, MODE, CONTENT or DEST */
    const char *c; /* MODE of --tmpfs, UID of --snapshot */
    const char *d; /* GID of --snapshot */
    const char *e; /* SRC of --snapshot-from (a host path), else NULL */
};

struct options {
    int status_fd;
    int control_fd;
    const char *root;   /* NULL with --host-root */
    int host_root;
    const char *stage;  /* --stage DIR: assemble there, in the private namespace we were cloned into */
    int root_rw;
    const char *project;
    const char *cwd;
    uid_t uid;
    gid_t gid;
    long external_uid; /* --external-uid: -1, or the id --uid is mapped to (a user namespace of the command's own) */
    gid_t groups[NGROUPS_MAX];
    size_t ngroups;
    const char *hosts;
    const char *resolv;
    const char *hostname;
    int pass_fd;
    int netns_fd;
    int enter_fd;       /* --enter N: a pidfd of a running container's init; run the command inside it */
    int wait_userns;
    struct volume *volumes;
    size_t nvolumes;
    char **command;
};

/* Sent from the command's child to the shim through a CLOEXEC pipe when it cannot exec. */
struct child_failure {
    int exec_failed; /* 1: execve failed (exit 127/126), 0: setup in the child failed (124) */
    int err;
};

static struct options opt = { .status_fd = -1, .control_fd = -1, .pass_fd = -1, .netns_fd = -1,
                              .enter_fd = -1, .external_uid = -1, .cwd = "/work" };

static void warn(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    dprintf(STDERR_FILENO, "vagga-init: %s\n", buf);
}

static void write_status(const char *fmt, ...)
{
    char buf[64];
    va_list ap;
    int len;
    if (opt.status_fd < 0)
        return;
    va_start(ap, fmt);
    len = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    /* A short write cannot happen for < PIPE_BUF bytes; EPIPE means the supervisor is gone. */
    if (write(opt.status_fd, buf, len) < 0 && errno != EPIPE)
        warn("write status: %s", strerror(errno));
}

/* Before the command runs, any failure ends the shim: one line on stderr, one on the status pipe. */
static _Noreturn void setup_failed(const char *fmt, ...)
{
    char buf[512];
    int err = errno;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    dprintf(STDERR_FILENO, "vagga-init: %s: %s\n", buf, strerror(err));
    write_status("setup-failed\n");
    exit(EXIT_SETUP);
}

static _Noreturn void usage_error(const char *fmt, const char *arg)
{
    dprintf(STDERR_FILENO, "vagga-init: ");
    dprintf(STDERR_FILENO, fmt, arg);
    dprintf(STDERR_FILENO, "\nusage: vagga-init --status-fd N --control-fd N (--root DIR | --host-root) "
                           "[OPTIONS] -- COMMAND [ARGS...]\n");
    write_status("setup-failed\n");
    exit(EXIT_SETUP);
}

static long parse_number(const char *s, int base, const char *name)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, base);
    if (errno || end == s || *end || v < 0)
        usage_error("bad number for %s", name);
    return v;
}

/* An owner of --snapshot: a uid/gid, or -1 for "keep the original's". */
static long parse_owner(const char *s, const char *name)
{
    return !strcmp(s, "-1") ? -1 : parse_number(s, 10, name);
}

static void parse_groups(const char *s)
{
    char *copy = strdup(s), *tok, *save = NULL;
    if (!copy)
        setup_failed("strdup");
    for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (opt.ngroups == NGROUPS_MAX)
            usage_error("too many groups in %s", "--groups");
        opt.groups[opt.ngroups++] = (gid_t)parse_number(tok, 10, "--groups");
    }
    free(copy);
}

static void need_absolute(const char *path)
{
    if (path && path[0] != '/')
        usage_error("path %s is not absolute", path);
}

static void parse_args(int argc, char **argv)
{
    int i;
    /* The status fd first, so that every usage error can be reported on it. */
    for (i = 1; i + 1 < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "--status-fd"))
            opt.status_fd = (int)parse_number(argv[i + 1], 10, "--status-fd");
    opt.volumes = calloc(argc, sizeof *opt.volumes);
    if (!opt.volumes)
        setup_failed("calloc");
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        int left = argc - i - 1;
#define NEED(n) do { if (left < (n)) usage_error("%s needs more arguments", a); } while (0)
        if (!strcmp(a, "--")) {
            opt.command = argv + i + 1;
            break;
        } else if (!strcmp(a, "--status-fd")) {
            NEED(1); i++;
        } else if (!strcmp(a, "--control-fd")) {
            NEED(1); opt.control_fd = (int)parse_number(argv[++i], 10, a);
        } else if (!strcmp(a, "--root")) {
            NEED(1); opt.root = argv[++i];
        } else if (!strcmp(a, "--host-root")) {
            opt.host_root = 1;
        } else if (!strcmp(a, "--stage")) {
            NEED(1); opt.stage = argv[++i];
        } else if (!strcmp(a, "--root-rw")) {
            opt.root_rw = 1;
        } else if (!strcmp(a, "--project")) {
            NEED(1); opt.project = argv[++i];
        } else if (!strcmp(a, "--cwd")) {
            NEED(1); opt.cwd = argv[++i];
        } else if (!strcmp(a, "--uid")) {
            NEED(1); opt.uid = (uid_t)parse_number(argv[++i], 10, a);
        } else if (!strcmp(a, "--gid")) {
            NEED(1); opt.gid = (gid_t)parse_number(argv[++i], 10, a);
        } else if (!strcmp(a, "--external-uid")) {
            NEED(1); opt.external_uid = parse_number(argv[++i], 10, a);
        } else if (!strcmp(a, "--groups")) {
            NEED(1); parse_groups(argv[++i]);
        } else if (!strcmp(a, "--hosts")) {
            NEED(1); opt.hosts = argv[++i];
        } else if (!strcmp(a, "--resolv")) {
            NEED(1); opt.resolv = argv[++i];
        } else if (!strcmp(a, "--pass-fd")) {
            NEED(1); opt.pass_fd = (int)parse_number(argv[++i], 10, a);
        } else if (!strcmp(a, "--netns-fd")) {
            NEED(1); opt.netns_fd = (int)parse_number(argv[++i], 10, a);
        } else if (!strcmp(a, "--hostname")) {
            NEED(1); opt.hostname = argv[++i];
        } else if (!strcmp(a, "--enter")) {
            NEED(1); opt.enter_fd = (int)parse_number(argv[++i], 10, a);
        } else if (!strcmp(a, "--wait-userns")) {
            opt.wait_userns = 1;
        } else if (!strcmp(a, "--tmpfs")) {
            NEED(3);
            opt.volumes[opt.nvolumes++] = (struct volume){ VOL_TMPFS, argv[i + 1], argv[i + 2], argv[i + 3], NULL, NULL };
            parse_number(argv[i + 2], 10, a);
            parse_number(argv[i + 3], 8, a);
            i += 3;
        } else if (!strcmp(a, "--snapshot")) {
            NEED(4);
            opt.volumes[opt.nvolumes++] = (struct volume){ VOL_SNAPSHOT, argv[i + 1], argv[i + 2], argv[i + 3],
                                                           argv[i + 4], NULL };
            parse_number(argv[i + 2], 10, a);
            parse_owner(argv[i + 3], a);
            parse_owner(argv[i + 4], a);
            i += 4;
        } else if (!strcmp(a, "--snapshot-from")) {
            NEED(5);
            opt.volumes[opt.nvolumes++] = (struct volume){ VOL_SNAPSHOT, argv[i + 2], argv[i + 3], argv[i + 4],
                                                           argv[i + 5], argv[i + 1] };
            parse_number(argv[i + 3], 10, a);
            parse_owner(argv[i + 4], a);
            parse_owner(argv[i + 5], a);
            i += 5;
        } else if (!strcmp(a, "--tmpfs-dir") || !strcmp(a, "--tmpfs-file") || !strcmp(a, "--bind")
                   || !strcmp(a, "--bind-ro")) {
            enum volume_kind k = !strcmp(a, "--tmpfs-dir") ? VOL_TMPFS_DIR
                               : !strcmp(a, "--tmpfs-file") ? VOL_TMPFS_FILE
                               : !strcmp(a, "--bind") ? VOL_BIND : VOL_BIND_RO;
            NEED(2);
            if (k == VOL_TMPFS_DIR)
                parse_number(argv[i + 2], 8, a);
            opt.volumes[opt.nvolumes++] = (struct volume){ k, argv[i + 1], argv[i + 2], NULL, NULL, NULL };
            i += 2;
        } else {
            usage_error("unknown option %s", a);
        }
#undef NEED
    }
    if (opt.status_fd < 0 || opt.control_fd < 0)
        usage_error("%s are required", "--status-fd and --control-fd");
    if (fcntl(opt.status_fd, F_GETFD) < 0) {
        int fd = opt.status_fd;
        opt.status_fd = -1;
        setup_failed("--status-fd %d", fd);
    }
    if (fcntl(opt.control_fd, F_GETFD) < 0)
        setup_failed("--control-fd %d", opt.control_fd);
    if (opt.enter_fd >= 0) {
        /* Another container's namespaces and root: nothing of ours is set up. */
        if (opt.root || opt.host_root || opt.stage || opt.project || opt.hosts || opt.resolv || opt.nvolumes
            || opt.netns_fd >= 0 || opt.pass_fd >= 0 || opt.wait_userns || opt.hostname)
            usage_error("%s takes only --cwd, --uid, --gid and --groups", "--enter");
    } else if (!opt.root == !opt.host_root) {
        usage_error("exactly one of %s is required", "--root DIR and --host-root");
    }
    if (!opt.command || !opt.command[0])
        usage_error("%s: no command given", "--");
    /* Host paths are resolved under oldroot, container paths under newroot: both must be absolute. */
    need_absolute(opt.root);
    need_absolute(opt.stage);
    need_absolute(opt.project);
    need_absolute(opt.cwd);
    need_absolute(opt.hosts);
    need_absolute(opt.resolv);
    for (i = 0; i < (int)opt.nvolumes; i++) {
        need_absolute(opt.volumes[i].a);
        need_absolute(opt.volumes[i].e);
        if (opt.volumes[i].kind == VOL_BIND || opt.volumes[i].kind == VOL_BIND_RO)
            need_absolute(opt.volumes[i].b);
    }
}

/* The supervisor alone holds the write end of the control pipe: POLLHUP there means it is dead. */
static int supervisor_gone(void)
{
    struct pollfd p = { .fd = opt.control_fd, .events = POLLIN };
    if (poll(&p, 1, 0) < 0)
        setup_failed("poll control fd");
    return (p.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

/* Reads one 2-byte control message; returns 0 on EOF (or a read error: the lifeline is as good as cut). */
static int read_control(unsigned char msg[2])
{
    size_t got = 0;
    while (got < 2) {
        ssize_t n = read(opt.control_fd, msg + got, 2 - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            warn("read control fd: %s", strerror(errno));
        if (n <= 0)
            return 0;
        got += (size_t)n;
    }
    return 1;
}

static void wait_for_id_maps(void)
{
    unsigned char msg[2];
    if (!read_control(msg))
        exit(EXIT_SETUP); /* supervisor died before writing the maps: nobody to report to */
    if (msg[0] != 'u') {
        errno = EPROTO;
        setup_failed("--wait-userns: expected 'u' on the control fd, got 0x%02x", msg[0]);
    }
}

static void join_network(void)
{
    if (setns(opt.netns_fd, CLONE_NEWNET) < 0)
        setup_failed("setns(--netns-fd %d, CLONE_NEWNET)", opt.netns_fd);
    close(opt.netns_fd);
}

/* --hostname: a UTS namespace of the container's own (a bridged child's name, as vagga's). */
static void set_hostname(void)
{
    if (unshare(CLONE_NEWUTS) < 0)
        setup_failed("unshare(CLONE_NEWUTS) for --hostname");
    if (sethostname(opt.hostname, strlen(opt.hostname)) < 0)
        setup_failed("sethostname %s", opt.hostname);
}

/* --enter: the namespaces and root of a running container's init (a readiness command). setns with
 * a pidfd joins them all at once and cannot hit a reused pid; the root is opened through /proc
 * first, and the pidfd checked alive after that, so it is that process's root. Only namespaces it
 * does not share with us are joined: re-entering one we are in (the host's network, owned by the
 * initial user namespace) would need privileges an unprivileged supervisor does not have. */
static void enter_container(void)
{
    char path[64], line[128];
    int pid = -1, root;
    static const struct { const char *name; int flag; } kinds[] = {
        { "user", CLONE_NEWUSER }, { "mnt", CLONE_NEWNS }, { "pid", CLONE_NEWPID },
        { "ipc", CLONE_NEWIPC }, { "net", CLONE_NEWNET },
    };
    struct stat ours, theirs;
    FILE *info;
    int flags = 0;
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", opt.enter_fd);
    info = fopen(path, "re");
    if (!info)
        setup_failed("--enter %d: open %s", opt.enter_fd, path);
    while (fgets(line, sizeof line, info))
        if (sscanf(line, "Pid: %d", &pid) == 1)
            break;
    fclose(info);
    if (pid <= 0) {
        errno = ESRCH;
        setup_failed("--enter %d: not a pidfd of a running process", opt.enter_fd);
    }
    snprintf(path, sizeof path, "/proc/%d/root", pid);
    root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        setup_failed("--enter: open %s", path);
    if (syscall(SYS_pidfd_send_signal, opt.enter_fd, 0, NULL, 0) < 0)
        setup_failed("--enter: pid %d", pid);
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        char self[64];
        snprintf(self, sizeof self, "/proc/self/ns/%s", kinds[k].name);
        snprintf(path, sizeof path, "/proc/%d/ns/%s", pid, kinds[k].name);
        if (stat(self, &ours) < 0 || stat(path, &theirs) < 0)
            setup_failed("--enter: stat %s", path);
        if (ours.st_ino != theirs.st_ino || ours.st_dev != theirs.st_dev)
            flags |= kinds[k].flag;
    }
    if (setns(opt.enter_fd, flags) < 0)
        setup_failed("--enter: setns(pid %d)", pid);
    if (fchdir(root) < 0 || chroot(".") < 0)
        setup_failed("--enter: chroot to the root of pid %d", pid);
    close(root);
    close(opt.enter_fd);
}

/* ---- mounts ---------------------------------------------------------------------------------- */

static char *path_in(const char *base, const char *path)
{
    static char bufs[8][PATH_MAX];
    static int next;
    char *buf = bufs[next++ % 8];
    if (snprintf(buf, PATH_MAX, "%s%s%s", base, path[0] == '/' ? "" : "/", path) >= PATH_MAX) {
        errno = ENAMETOOLONG;
        setup_failed("path %s", path);
    }
    return buf;
}

/* Whether PATH is PREFIX or lies under it; returns the rest ("" or "/..."), else NULL. */
static const char *under(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    if (n == 0 || strncmp(path, prefix, n) || (path[n] && path[n] != '/'))
        return NULL;
    return path + n;
}

/* Paths as the user knows them: host paths without oldroot, container paths without newroot. */
static const char *shown(const char *path)
{
    const char *rest = under(path, newroot);
    if (!rest)
        rest = under(path, oldroot);
    return rest ? (*rest ? rest : "/") : path;
}

static void do_mount(const char *src, const char *dst, const char *type, unsigned long flags,
                     const char *data)
{
    if (mount(src, dst, type, flags, data) == 0)
        return;
    if (flags & MS_REMOUNT)
        setup_failed("remount %s", shown(dst));
    else if (flags & MS_BIND)
        setup_failed("bind %s on %s", shown(src), shown(dst));
    else
        setup_failed("mount %s on %s", type, shown(dst));
}

/* Read-only including submounts (mount_setattr, Linux 5.12); older kernels: the top mount only. */
static void make_read_only(const char *path, int recursive)
{
    const char *what;
    if (skeleton_read_only(path, recursive, &what) < 0)
        setup_failed("%s %s", what, shown(path));
}

/* The project, opened before anything is mounted; a path under it is resolved from this fd. */
static void open_project(void)
{
    const char *path;
    if (!opt.project)
        return;
    path = path_in(oldroot, opt.project);
    project_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (project_fd < 0)
        setup_failed("--project %s", opt.project);
    if (!realpath(path, project_real))
        project_real[0] = '\0';
}

/*
 * Opens a host path. One under the project (as given or by its real path) is opened from the
 * project's fd without following any symlink or "..": the container has /work read-write, so a
 * link there (.vagga/.volumes/NAME -> /etc) may have been planted by a child, and the supervisor
 * resolved every path it gives us to one without links. Others (/dev, vagga's own files, external
 * volumes) are opened as they are. Returns an fd, or -1 with errno (ELOOP: a symlink).
 */
static int open_host(const char *path, int flags)
{
    const char *host = path_in(oldroot, path), *rest = NULL;
    if (project_fd >= 0) {
        rest = under(host, path_in(oldroot, opt.project));
        if (!rest && project_real[0])
            rest = under(host, project_real);
    }
    if (!rest)
        return open(host, flags | O_CLOEXEC);
    return beneath_open(project_fd, rest, flags);
}

/* setup_failed for a host path open_host could not open, saying why when it was a link. */
static _Noreturn void host_path_failed(const char *what, const char *path)
{
    if (errno == ELOOP || errno == EXDEV)
        setup_failed("%s %s: a symlink under the project (not followed: a container may have planted it)",
                     what, path);
    setup_failed("%s %s", what, path);
}

/*
 * Binds what the fd SRC refers to on DST, recursively: the mount is made from the opened file
 * (open_tree + move_mount, Linux 5.2; else its /proc/self/fd link), so nothing can be swapped in
 * between the check and the bind.
 */
static void bind_fd(int src, const char *src_shown, const char *dst)
{
    int tree = (int)syscall(SYS_open_tree, src, "", OPEN_TREE_CLONE | O_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
    if (tree >= 0) {
        if (syscall(SYS_move_mount, tree, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH) < 0)
            setup_failed("bind %s on %s", src_shown, shown(dst));
        close(tree);
        return;
    }
    if (errno != ENOSYS)
        setup_failed("bind %s on %s", src_shown, shown(dst));
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", src);
    if (mount(path_in(oldroot, link), dst, NULL, MS_BIND | MS_REC, NULL) < 0)
        setup_failed("bind %s on %s", src_shown, shown(dst));
}

/* Binds the host path SRC (without oldroot) on DST; see open_host for which links are followed. */
static void bind_mount(const char *src, const char *dst, int read_only)
{
    int fd = open_host(src, O_PATH);
    if (fd < 0)
        host_path_failed("bind", src);
    bind_fd(fd, src, dst);
    close(fd);
    skeleton_unstage(path_in(oldroot, src), dst, opt.stage);
    if (read_only)
        make_read_only(dst, 1);
}

static void make_dir(const char *path, mode_t mode)
{
    if (mkdir(path, mode) < 0 && errno != EEXIST)
        setup_failed("mkdir %s", shown(path));
}

/* mkdir -p; the last component gets MODE exactly (no umask). */
static void make_dirs(const char *path, mode_t mode)
{
    char buf[PATH_MAX];
    char *p;
    snprintf(buf, sizeof buf, "%s", path);
    for (p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        make_dir(buf, 0755);
        *p = '/';
    }
    make_dir(buf, mode);
    if (chmod(buf, mode) < 0)
        setup_failed("chmod %s", shown(buf));
}

/* A mount point inside the container must exist; we never create one in a --root directory. */
static void require_mount_point(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        setup_failed("mount point %s", shown(path));
}

/* !HostRoot: a tmpfs with the host's system directories bound read-only and empty mount points. */
static void build_skeleton(void)
{
    char failed[PATH_MAX + 64];
    if (skeleton_build(oldroot, newroot, failed, sizeof failed) < 0)
        setup_failed("%s", failed);
}

/* Follows symlinks of a container path (inside newroot, not the shim's root), e.g. resolv.conf ->
 * /run/systemd/resolve/stub-resolv.conf; returns the host-side path or NULL when it does not exist. */
static const char *container_file(const char *path)
{
    static char cur[PATH_MAX];
    char target[PATH_MAX];
    int depth;
    snprintf(cur, sizeof cur, "%s", path_in(newroot, path));
    for (depth = 0; depth < 8; depth++) {
        ssize_t n = readlink(cur, target, sizeof target - 1);
        if (n < 0)
            break;
        target[n] = '\0';
        if (target[0] == '/') {
            snprintf(cur, sizeof cur, "%s", path_in(newroot, target));
        } else {
            char *slash = strrchr(cur, '/');
            size_t dirlen = (size_t)(slash - cur) + 1;
            if (dirlen + (size_t)n >= sizeof cur)
                return NULL;
            memcpy(cur + dirlen, target, (size_t)n + 1);
        }
    }
    if (access(cur, F_OK) == 0)
        return cur;
    /* A dangling link into our own /run tmpfs (systemd-resolved hosts): create the target there. */
    const char *rest = under(cur, newroot);
    if (rest && !strncmp(rest, "/run/", 5)) {
        char dir[PATH_MAX];
        int fd;
        snprintf(dir, sizeof dir, "%s", cur);
        *strrchr(dir, '/') = '\0';
        make_dirs(dir, 0755);
        fd = open(cur, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
            setup_failed("create %s", rest);
        close(fd);
        return cur;
    }
    return NULL;
}

static void bind_host_file(const char *host_file, const char *container_path)
{
    const char *dst;
    if (!host_file)
        return;
    dst = container_file(container_path);
    if (dst) /* a root without /etc/hosts keeps going without one */
        bind_mount(host_file, dst, 1);
}

/* ---- snapshots ------------------------------------------------------------------------------- */

/* One --snapshot being copied: the container path of the entry at hand (for messages) and the owner. */
struct snapshot {
    const char *dest;
    char path[PATH_MAX];
    size_t len;
    long uid, gid;       /* -1: each entry keeps its own */
    int chown_warned;    /* one warning per snapshot is enough to say ownership was not kept */
};

static void snapshot_push(struct snapshot *s, const char *name)
{
    int n = snprintf(s->path + s->len, sizeof s->path - s->len, "/%s", name);
    if (n < 0 || (size_t)n >= sizeof s->path - s->len) {
        errno = ENAMETOOLONG;
        setup_failed("snapshot %s: path %s/%s", s->dest, s->path, name);
    }
    s->len += (size_t)n;
}

static void snapshot_pop(struct snapshot *s)
{
    while (s->len > 0 && s->path[s->len - 1] != '/')
        s->len--;
    if (s->len > 0)
        s->len--;
    s->path[s->len] = '\0';
}

/* Unmapped ids in a user namespace (EINVAL) or a missing CAP_CHOWN (EPERM) only cost the ownership:
 * the process still gets its copy, owned by whoever created it. */
static void snapshot_chown_failed(struct snapshot *s)
{
    if (errno != EINVAL && errno != EPERM)
        setup_failed("snapshot %s: chown %s", s->dest, s->path);
    if (!s->chown_warned)
        warn("snapshot %s: chown %s: %s (ownership is not kept where ids cannot be set)", s->dest, s->path,
             strerror(errno));
    s->chown_warned = 1;
}

/* Owner, then mode (chown may clear set-id bits), then times (chmod does not touch mtime). */
static void snapshot_finish(int fd, const struct stat *st, struct snapshot *s)
{
    struct timespec times[2] = { st->st_atim, st->st_mtim };
    uid_t uid = s->uid >= 0 ? (uid_t)s->uid : st->st_uid;
    gid_t gid = s->gid >= 0 ? (gid_t)s->gid : st->st_gid;
    if (fchown(fd, uid, gid) < 0)
        snapshot_chown_failed(s);
    if (fchmod(fd, st->st_mode & 07777) < 0)
        setup_failed("snapshot %s: chmod %s", s->dest, s->path);
    if (futimens(fd, times) < 0)
        setup_failed("snapshot %s: set times of %s", s->dest, s->path);
}

static void snapshot_file(int src_dir, int dst_dir, const char *name, const struct stat *st,
                          struct snapshot *s)
{
    static char buf[1 << 16];
    int from, to;
    ssize_t n;
    from = openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (from < 0)
        setup_failed("snapshot %s: open %s", s->dest, s->path);
    to = openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (to < 0)
        setup_failed("snapshot %s: create %s", s->dest, s->path);
    while ((n = read(from, buf, sizeof buf)) != 0) {
        ssize_t done = 0;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            setup_failed("snapshot %s: read %s", s->dest, s->path);
        while (done < n) {
            ssize_t w = write(to, buf + done, (size_t)(n - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) /* ENOSPC: the copy does not fit in the snapshot's size */
                setup_failed("snapshot %s: write %s", s->dest, s->path);
            done += w;
        }
    }
    close(from);
    snapshot_finish(to, st, s);
    close(to);
}

static void snapshot_symlink(int src_dir, int dst_dir, const char *name, const struct stat *st,
                             struct snapshot *s)
{
    char target[PATH_MAX];
    struct timespec times[2] = { st->st_atim, st->st_mtim };
    ssize_t n = readlinkat(src_dir, name, target, sizeof target - 1);
    if (n < 0)
        setup_failed("snapshot %s: readlink %s", s->dest, s->path);
    target[n] = '\0';
    if (symlinkat(target, dst_dir, name) < 0)
        setup_failed("snapshot %s: symlink %s", s->dest, s->path);
    if (fchownat(dst_dir, name, s->uid >= 0 ? (uid_t)s->uid : st->st_uid,
                 s->gid >= 0 ? (gid_t)s->gid : st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
        snapshot_chown_failed(s);
    if (utimensat(dst_dir, name, times, AT_SYMLINK_NOFOLLOW) < 0)
        setup_failed("snapshot %s: set times of %s", s->dest, s->path);
}

static void snapshot_dir(int src, int dst, struct snapshot *s);

static void snapshot_entry(int src_dir, int dst_dir, const char *name, struct snapshot *s)
{
    struct stat st;
    int from, to;
    snapshot_push(s, name);
    if (fstatat(src_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        setup_failed("snapshot %s: stat %s", s->dest, s->path);
    switch (st.st_mode & S_IFMT) {
    case S_IFREG:
        snapshot_file(src_dir, dst_dir, name, &st, s);
        break;
    case S_IFLNK:
        snapshot_symlink(src_dir, dst_dir, name, &st, s);
        break;
    case S_IFDIR:
        /* Owner-only until filled: the final mode may forbid writing into it. */
        if (mkdirat(dst_dir, name, 0700) < 0)
            setup_failed("snapshot %s: mkdir %s", s->dest, s->path);
        from = openat(src_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (from < 0)
            setup_failed("snapshot %s: open %s", s->dest, s->path);
        to = openat(dst_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (to < 0)
            setup_failed("snapshot %s: open %s", s->dest, s->path);
        snapshot_dir(from, to, s);
        /* After the entries: creating them changed the directory's mtime. */
        snapshot_finish(to, &st, s);
        close(to);
        break;
    default:
        /* The tmpfs is nodev, and a copied socket has nobody listening: neither would work. */
        warn("snapshot %s: %s is a %s, not copied", s->dest, s->path,
             S_ISSOCK(st.st_mode) ? "socket" : S_ISFIFO(st.st_mode) ? "fifo" : "device");
    }
    snapshot_pop(s);
}

/* Copies the entries of directory SRC into DST; takes SRC (closed on return). */
static void snapshot_dir(int src, int dst, struct snapshot *s)
{
    DIR *dir = fdopendir(src);
    struct dirent *e;
    if (!dir)
        setup_failed("snapshot %s: opendir %s", s->dest, s->path);
    for (errno = 0; (e = readdir(dir)); errno = 0)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            snapshot_entry(dirfd(dir), dst, e->d_name, s);
    if (errno)
        setup_failed("snapshot %s: readdir %s", s->dest, s->path);
    closedir(dir);
}

/*
 * !Snapshot: a tmpfs at DEST holding a copy of what DEST showed until then. The tmpfs hides the
 * directory it is mounted on, but a directory fd opened before the mount keeps reaching the original,
 * so no scratch mount point is needed and nothing outside DEST is touched.
 */
static void mount_snapshot(const struct volume *v)
{
    struct snapshot s = { .dest = v->a, .uid = strtol(v->c, NULL, 10), .gid = strtol(v->d, NULL, 10) };
    const char *dst = path_in(newroot, v->a);
    char opts[64];
    struct stat st;
    int original, copy;
    if (v->e) {
        /* --snapshot-from: the copy comes from a host directory (another container's root) */
        require_mount_point(dst);
        original = open_host(v->e, O_RDONLY | O_DIRECTORY);
        if (original < 0)
            host_path_failed("snapshot: source", v->e);
    } else {
        original = open(dst, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (original < 0)
            setup_failed("mount point %s", v->a);
    }
    if (fstat(original, &st) < 0)
        setup_failed("snapshot %s: stat", v->a);
    snprintf(opts, sizeof opts, "size=%s,mode=700", v->b);
    do_mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV, opts);
    copy = open(dst, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (copy < 0)
        setup_failed("snapshot %s: open the new tmpfs", v->a);
    snprintf(s.path, sizeof s.path, "%s", v->a);
    s.len = strlen(s.path);
    snapshot_dir(original, copy, &s);
    snapshot_finish(copy, &st, &s);
    close(copy);
}

static void mount_volume(const struct volume *v)
{
    char opts[64];
    const char *dst;
    int fd;
    switch (v->kind) {
    case VOL_TMPFS:
        dst = path_in(newroot, v->a);
        require_mount_point(dst);
        snprintf(opts, sizeof opts, "size=%s,mode=%lo", v->b, strtoul(v->c, NULL, 8));
        do_mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV, opts);
        break;
    case VOL_TMPFS_DIR:
        make_dirs(path_in(newroot, v->a), (mode_t)strtoul(v->b, NULL, 8));
        break;
    case VOL_TMPFS_FILE:
        dst = path_in(newroot, v->a);
        fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
            setup_failed("create %s", v->a);
        if (write(fd, v->b, strlen(v->b)) != (ssize_t)strlen(v->b))
            setup_failed("write %s", v->a);
        close(fd);
        break;
    case VOL_BIND:
    case VOL_BIND_RO:
        dst = path_in(newroot, v->b);
        require_mount_point(dst);
        bind_mount(v->a, dst, v->kind == VOL_BIND_RO);
        break;
    case VOL_SNAPSHOT:
        mount_snapshot(v);
        break;
    }
}

/* --root on newroot; a root under the project (.vagga/.roots/..., a transient copy) is opened
 * without following links. */
static void bind_root(void)
{
    int fd = open_host(opt.root, O_PATH | O_DIRECTORY);
    if (fd < 0)
        host_path_failed("--root", opt.root);
    bind_fd(fd, opt.root, newroot);
    close(fd);
    skeleton_unstage(path_in(oldroot, opt.root), newroot, opt.stage);
}

/*
 * Like bubblewrap: a scratch tmpfs becomes the root first, with the host's root at /oldroot (so every
 * host path stays reachable, even under /tmp) and the container assembled at /newroot; a second
 * pivot_root enters the container and the scratch tmpfs with the host tree is detached. All of it
 * lives in our mount namespace only, so nothing remains on the host when the namespace dies.
 *
 * With --stage DIR the supervisor has done the first part once for all its children: the namespace
 * we were cloned into is already private, DIR is an empty directory nothing refers to (and, with
 * --host-root, already holds the read-only skeleton), so the container is assembled on DIR with the
 * host paths as they are.
 */
/*
 * The inherited terminal lives on the host's devpts, which the container does not see (its /dev/pts is
 * a new instance), so ttyname() failed: `tty` said "not a tty". Bound on /dev/console (as container
 * runtimes do), it is found again by its device (glibc scans /dev/pts, then /dev). Only over an
 * existing /dev/console: /dev is the host's, and nothing may be created there. The fd itself cannot be
 * the bind's source (its mount belongs to the supervisor's namespace: EINVAL), so its host path,
 * read before any mount (remember_terminal), is bound from this namespace's copy of the host tree.
 */
static char terminal_path[PATH_MAX];
static struct stat terminal_stat;

static void remember_terminal(void)
{
    char link[32];
    ssize_t n;
    int fd;
    for (fd = 0; fd <= 2 && !isatty(fd); fd++)
        ;
    if (fd > 2 || fstat(fd, &terminal_stat) < 0)
        return;
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    n = readlink(link, terminal_path, sizeof terminal_path - 1);
    terminal_path[n > 0 && terminal_path[0] == '/' ? n : 0] = '\0';
}

static void bind_inherited_terminal(void)
{
    const char *console = path_in(newroot, "/dev/console");
    const char *source;
    struct stat st;
    if (!terminal_path[0] || access(console, F_OK) < 0)
        return;
    source = path_in(oldroot, terminal_path);
    if (stat(source, &st) < 0 || st.st_rdev != terminal_stat.st_rdev || st.st_ino != terminal_stat.st_ino) {
        warn("the terminal %s is not visible here (tty will say \"not a tty\")", terminal_path);
        return;
    }
    if (mount(source, console, NULL, MS_BIND, NULL) < 0)
        warn("bind the terminal %s on /dev/console: %s (tty will say \"not a tty\")", terminal_path,
             strerror(errno));
}

static void setup_mounts(void)
{
    const char *dev_ptmx;
    size_t i;
    if (opt.stage) {
        oldroot = "";
        newroot = opt.stage;
        open_project();
        if (opt.root)
            bind_root();
    } else {
        /* Nothing we mount may propagate back to the host's namespace. */
        do_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
        do_mount("tmpfs", BASE, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=65536");
        make_dir(BASE NEWROOT, 0755);
        make_dir(BASE OLDROOT, 0755);
        if (syscall(SYS_pivot_root, BASE, BASE OLDROOT) < 0)
            setup_failed("pivot_root %s", BASE);
        if (chdir("/") < 0)
            setup_failed("chdir /");
        open_project();
        if (opt.host_root)
            build_skeleton();
        else
            bind_root();
    }

    require_mount_point(path_in(newroot, "/proc"));
    do_mount("proc", path_in(newroot, "/proc"), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    require_mount_point(path_in(newroot, "/tmp"));
    do_mount("tmpfs", path_in(newroot, "/tmp"), "tmpfs", MS_NOSUID | MS_NODEV, "size=104857600,mode=1777");
    require_mount_point(path_in(newroot, "/run"));
    do_mount("tmpfs", path_in(newroot, "/run"), "tmpfs", MS_NOSUID | MS_NODEV, "size=104857600,mode=0755");
    /* vagga's /run has a /run/shm (1777) that programs looking for POSIX shared memory there use */
    make_dirs(path_in(newroot, "/run/shm"), 01777);
    require_mount_point(path_in(newroot, "/dev"));
    bind_mount("/dev", path_in(newroot, "/dev"), 0);
    make_dir(path_in(newroot, "/dev/pts"), 0755);
    do_mount("devpts", path_in(newroot, "/dev/pts"), "devpts", MS_NOSUID | MS_NOEXEC,
             "newinstance,ptmxmode=0666,mode=620");
    /* /dev is the host's (a bind): replacing /dev/ptmx by a symlink would change the host, a bind does not. */
    dev_ptmx = path_in(newroot, "/dev/ptmx");
    if (access(dev_ptmx, F_OK) == 0
        && mount(path_in(newroot, "/dev/pts/ptmx"), dev_ptmx, NULL, MS_BIND, NULL) < 0)
        warn("bind /dev/pts/ptmx on /dev/ptmx: %s (ptys may not work)", strerror(errno));
    /* The host's /dev/shm would be shared with the host and every other container and outlive the
     * run: each container gets a tmpfs of its own there (/run, with any /run/shm, is fresh anyway). */
    if (access(path_in(newroot, "/dev/shm"), F_OK) == 0)
        do_mount("tmpfs", path_in(newroot, "/dev/shm"), "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
    bind_inherited_terminal();
    if (opt.project) {
        require_mount_point(path_in(newroot, "/work"));
        bind_fd(project_fd, opt.project, path_in(newroot, "/work"));
        skeleton_unstage(path_in(oldroot, opt.project), path_in(newroot, "/work"), opt.stage);
    }
    bind_host_file(opt.hosts, "/etc/hosts");
    bind_host_file(opt.resolv, "/etc/resolv.conf");
    for (i = 0; i < opt.nvolumes; i++)
        mount_volume(&opt.volumes[i]);
    if (!opt.root_rw)
        make_read_only(newroot, 0);

    /* pivot_root(".", ".") stacks the old root on top of the new one; detaching it leaves the container. */
    if (chdir(newroot) < 0)
        setup_failed("chdir %s", shown(newroot));
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        setup_failed("pivot_root %s", opt.stage ? opt.stage : NEWROOT);
    if (umount2(".", MNT_DETACH) < 0)
        setup_failed("umount old root");
    if (chdir("/") < 0)
        setup_failed("chdir /");
}

/* ---- the command ----------------------------------------------------------------------------- */

static void close_fds_from(int first, int keep)
{
    if (keep >= first) {
        if (keep > first && syscall(SYS_close_range, first, keep - 1, 0) < 0)
            goto fallback;
        if (syscall(SYS_close_range, keep + 1, ~0U, 0) < 0)
            goto fallback;
        return;
    }
    if (syscall(SYS_close_range, first, ~0U, 0) == 0)
        return;
fallback:
    for (int fd = first; fd < 65536; fd++)
        if (fd != keep)
            close(fd);
}

/*
 * --external-uid (vagga's external-user-id): the command gets a user namespace of its own in which
 * --uid is the id --external-uid has in the container, and --gid (with the supplementary groups)
 * keeps its number. Only the shim may write maps naming other ids than the writer's own (it holds
 * CAP_SETUID in the container's namespace), so the child unshares, and waits until the shim has
 * written /proc/PID/{uid,gid}_map.
 */
static int write_id_map(pid_t pid, const char *file, const char *map)
{
    char path[64];
    int fd, ok;
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ok = write(fd, map, strlen(map)) == (ssize_t)strlen(map);
    close(fd);
    return ok ? 0 : -1;
}

static void map_external_user(pid_t pid)
{
    char uids[64], gids[16 * (NGROUPS_MAX + 1)];
    size_t len, i, j;
    snprintf(uids, sizeof uids, "%u %ld 1\n", (unsigned)opt.uid, opt.external_uid);
    len = (size_t)snprintf(gids, sizeof gids, "%u %u 1\n", (unsigned)opt.gid, (unsigned)opt.gid);
    for (i = 0; i < opt.ngroups && len < sizeof gids - 32; i++) {
        for (j = 0; j < i && opt.groups[j] != opt.groups[i]; j++)
            ;
        if (j == i && opt.groups[i] != opt.gid)
            len += (size_t)snprintf(gids + len, sizeof gids - len, "%u %u 1\n", (unsigned)opt.groups[i],
                                    (unsigned)opt.groups[i]);
    }
    if (write_id_map(pid, "uid_map", uids) < 0)
        warn("--external-uid: write uid_map \"%u %ld 1\": %s", (unsigned)opt.uid, opt.external_uid,
             strerror(errno));
    else if (write_id_map(pid, "gid_map", gids) < 0)
        warn("--external-uid: write gid_map: %s", strerror(errno));
}

/* In the forked child: becomes the command or reports why it could not. Never returns. */
static _Noreturn void run_command(int report_fd, int userns_ready, int userns_mapped)
{
    struct child_failure f = { 0, 0 };
    sigset_t none;
    const char *what;
    char byte = 0;
    int sig;
    setpgid(0, 0);
    if (opt.external_uid >= 0) {
        what = "unshare(CLONE_NEWUSER) for --external-uid";
        if (unshare(CLONE_NEWUSER) < 0)
            goto failed;
        what = "--external-uid: tell the shim";
        if (write(userns_ready, &byte, 1) != 1)
            goto failed;
        what = "--external-uid: wait for the id maps";
        if (read(userns_mapped, &byte, 1) != 1)
            goto failed;
        close(userns_ready);
        close(userns_mapped);
    }
    what = "setgroups";
    if (setgroups(opt.ngroups, opt.groups) < 0 && !(errno == EPERM && opt.ngroups == 0))
        goto failed; /* in a user namespace with setgroups denied, "no groups" is already true */
    what = "setresgid";
    if (setresgid(opt.gid, opt.gid, opt.gid) < 0)
        goto failed;
    what = "setresuid";
    if (setresuid(opt.uid, opt.uid, opt.uid) < 0)
        goto failed;
    /* Changing ids clears the parent-death signal. */
    what = "prctl(PR_SET_PDEATHSIG)";
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
        goto failed;
    if (opt.pass_fd >= 0) {
        what = "dup2 --pass-fd";
        /* fd 3 is about to be taken: keep the report pipe out of the way. */
        if (report_fd == 3 && (report_fd = fcntl(3, F_DUPFD_CLOEXEC, 4)) < 0)
            _exit(EXIT_SETUP);
        if (opt.pass_fd == 3) {
            if (fcntl(3, F_SETFD, 0) < 0)
                goto failed;
        } else if (dup2(opt.pass_fd, 3) < 0) {
            goto failed;
        }
    }
    close_fds_from(opt.pass_fd >= 0 ? 4 : 3, report_fd);
    for (sig = 1; sig < NSIG; sig++)
        signal(sig, SIG_DFL);
    /* An empty mask, not the one we were started with: the JVM may exec us with signals blocked. */
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execvp(opt.command[0], opt.command); /* environ is the command's env, PATH searched in it */
    f.exec_failed = 1;
    what = opt.command[0];
failed:
    f.err = errno;
    dprintf(STDERR_FILENO, "vagga-init: %s: %s\n", what, strerror(f.err));
    if (write(report_fd, &f, sizeof f) < 0)
        _exit(EXIT_SETUP);
    _exit(!f.exec_failed ? EXIT_SETUP : f.err == ENOENT ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE);
}

/* Forks the command as PID 2; returns its pid once it has exec'd, or ends the shim if it could not. */
static pid_t start_command(void)
{
    struct child_failure f;
    int report[2], ready[2] = { -1, -1 }, mapped[2] = { -1, -1 };
    pid_t pid;
    ssize_t n;
    char byte;
    if (pipe2(report, O_CLOEXEC) < 0)
        setup_failed("pipe2");
    if (opt.external_uid >= 0 && (pipe2(ready, O_CLOEXEC) < 0 || pipe2(mapped, O_CLOEXEC) < 0))
        setup_failed("pipe2");
    pid = fork();
    if (pid < 0)
        setup_failed("fork");
    if (pid == 0) {
        close(report[0]);
        if (ready[0] >= 0) {
            close(ready[0]);
            close(mapped[1]);
        }
        run_command(report[1], ready[1], mapped[0]);
    }
    close(report[1]);
    if (ready[0] >= 0) {
        close(ready[1]);
        close(mapped[0]);
        /* EOF instead of the byte: the child failed before unsharing and reports it below. */
        if (read(ready[0], &byte, 1) == 1) {
            map_external_user(pid);
            if (write(mapped[1], &byte, 1) != 1)
                warn("--external-uid: wake the command: %s", strerror(errno));
        }
        close(ready[0]);
        close(mapped[1]);
    }
    /* Both sides call setpgid so that the group exists before anyone signals it. */
    if (setpgid(pid, pid) < 0 && errno != EACCES && errno != ESRCH)
        warn("setpgid %d: %s", pid, strerror(errno));
    do
        n = read(report[0], &f, sizeof f);
    while (n < 0 && errno == EINTR);
    close(report[0]);
    if (n == (ssize_t)sizeof f) {
        int status;
        waitpid(pid, &status, 0);
        if (!f.exec_failed) {
            write_status("setup-failed\n");
            exit(EXIT_SETUP);
        }
        write_status("exec-failed %d\n", f.err);
        exit(f.err == ENOENT ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE);
    }
    return pid; /* EOF: execve succeeded and closed the CLOEXEC pipe */
}

/* ---- the loop -------------------------------------------------------------------------------- */

/* A command stopped by reading or writing the terminal gets it, the way a shell's `fg` would. */
static void hand_terminal_over(pid_t command)
{
    if (!isatty(STDIN_FILENO))
        return;
    /* SIGTTOU is blocked in the shim, so tcsetpgrp from our background group is allowed. */
    if (tcsetpgrp(STDIN_FILENO, command) < 0)
        warn("tcsetpgrp: %s", strerror(errno));
    if (kill(-command, SIGCONT) < 0)
        warn("kill(-%d, SIGCONT): %s", command, strerror(errno));
}

/* Whether the command's group is the foreground group of the terminal on stdin. */
static int holds_terminal(pid_t command)
{
    return isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == command;
}

/* Reaps every zombie; returns 1 and fills *status when the command itself ended. */
static int reap(pid_t command, int *status)
{
    int ended = 0, st;
    pid_t pid;
    while ((pid = waitpid(-1, &st, WNOHANG | WUNTRACED)) > 0) {
        if (pid != command)
            continue;
        if (WIFSTOPPED(st)) {
            if (WSTOPSIG(st) == SIGTTIN || WSTOPSIG(st) == SIGTTOU)
                hand_terminal_over(command);
            else if (WSTOPSIG(st) == SIGTSTP && holds_terminal(command))
                /* Ctrl-Z reached only the command (it holds the terminal): the supervisor stops
                 * the other children and itself, so the user's shell sees the job stop. */
                write_status("stopped %d\n", WSTOPSIG(st));
        } else {
            *status = st;
            ended = 1;
        }
    }
    if (pid < 0 && errno != ECHILD)
        warn("waitpid: %s", strerror(errno));
    return ended;
}

static void handle_control(pid_t command, const unsigned char msg[2])
{
    switch (msg[0]) {
    case 'p':
        if (kill(command, msg[1]) < 0)
            warn("kill(%d, %d): %s", command, msg[1], strerror(errno));
        break;
    case 'g':
        if (kill(-command, msg[1]) < 0)
            warn("kill(-%d, %d): %s", command, msg[1], strerror(errno));
        break;
    case 'u':
        break;
    default:
        warn("unknown control message 0x%02x 0x%02x, ignored", msg[0], msg[1]);
    }
}

/* Kills whatever is left in the namespace and waits until it is gone. With --enter we are not PID 1
 * of that namespace but a process of the host's: kill(-1) would reach every process we may signal
 * there, so only the command's group goes (the container's own init takes the rest when it ends). */
static void kill_everything(pid_t command)
{
    pid_t target = opt.enter_fd >= 0 ? -command : -1;
    if (kill(target, SIGKILL) < 0 && errno != ESRCH)
        warn("kill(%d, SIGKILL): %s", target, strerror(errno));
    while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
        ;
}

/* Runs until the command ends (or the supervisor dies); returns the command's wait status. */
static int supervise(pid_t command, int sigfd)
{
    struct pollfd fds[2] = { { .fd = sigfd, .events = POLLIN }, { .fd = opt.control_fd, .events = POLLIN } };
    int status = 0;
    /* SIGCHLD may have been consumed while we waited for exec: look once before sleeping. */
    if (reap(command, &status))
        return status;
    for (;;) {
        if (poll(fds, 2, -1) < 0) {
            if (errno != EINTR)
                warn("poll: %s", strerror(errno));
            continue;
        }
        if (fds[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            while (read(sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
                if (si.ssi_signo == SIGCHLD)
                    continue;
                if (kill(command, (int)si.ssi_signo) < 0 && errno != ESRCH)
                    warn("forward signal %u: %s", si.ssi_signo, strerror(errno));
            }
            if (reap(command, &status))
                return status;
        }
        if (fds[1].revents) {
            unsigned char msg[2];
            if (read_control(msg)) {
                handle_control(command, msg);
            } else {
                /* Supervisor dead: nobody may outlive it. The command's status is still reported. */
                if (kill(opt.enter_fd >= 0 ? -command : -1, SIGKILL) < 0)
                    warn("kill(%d, SIGKILL): %s", opt.enter_fd >= 0 ? -command : -1, strerror(errno));
                while (waitpid(command, &status, 0) < 0 && errno == EINTR)
                    ;
                return status;
            }
        }
    }
}

static int report_end(int status)
{
    if (WIFSIGNALED(status)) {
        write_status(WCOREDUMP(status) ? "signaled %d core\n" : "signaled %d\n", WTERMSIG(status));
        return 128 + WTERMSIG(status);
    }
    write_status("exited %d\n", WEXITSTATUS(status));
    return WEXITSTATUS(status);
}

/* We were exec'd while our id maps were still empty, and execve() as an unmapped uid dropped our
 * capabilities in the new user namespace. Now that uid 0 is mapped, exec ourselves again (without
 * --wait-userns) to get them back; fds, PDEATHSIG, the signal mask and pending signals carry over. */
static void reexec_with_capabilities(int argc, char **argv)
{
    char *args[argc + 1];
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--"))
            for (; i < argc; i++)
                args[n++] = argv[i];
        else if (strcmp(argv[i], "--wait-userns"))
            args[n++] = argv[i];
        if (i >= argc)
            break;
    }
    args[n] = NULL;
    execve("/proc/self/exe", args, environ);
    setup_failed("execve /proc/self/exe");
}

int main(int argc, char **argv)
{
    sigset_t all;
    int sigfd, code;
    pid_t command;

    parse_args(argc, argv);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
        setup_failed("prctl(PR_SET_PDEATHSIG)");
    if (supervisor_gone())
        exit(EXIT_SETUP); /* it died between clone() and prctl(): nobody to report to */
    if (setpgid(0, 0) < 0)
        setup_failed("setpgid");

    /* Signals wait in the signalfd from now on; those sent during setup are forwarded afterwards. */
    sigfillset(&all);
    if (sigprocmask(SIG_BLOCK, &all, NULL) < 0)
        setup_failed("sigprocmask");
    sigfd = signalfd(-1, &all, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sigfd < 0)
        setup_failed("signalfd");

    if (opt.wait_userns) {
        wait_for_id_maps();
        reexec_with_capabilities(argc, argv);
    }
    if (opt.enter_fd >= 0) {
        enter_container();
    } else {
        if (opt.netns_fd >= 0)
            join_network();
        if (opt.hostname)
            set_hostname();
        remember_terminal();
        setup_mounts();
    }
    if (chdir(opt.cwd) < 0)
        setup_failed("chdir --cwd %s", opt.cwd);

    command = start_command();
    code = report_end(supervise(command, sigfd));
    close(opt.status_fd);
    kill_everything(command);
    return code;
}
