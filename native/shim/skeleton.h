/*
 * The !HostRoot skeleton (PROTOCOL.md, --host-root): a small tmpfs holding the host's system
 * directories as read-only recursive binds, the host's top-level symlinks (/bin -> usr/bin) as
 * symlinks, and empty mount points. Built per child by the shim, or once per supervisor by the JNI
 * library on the reactor thread (--stage), so both include this file.
 *
 * Functions return 0, or -1 with errno set and the failed step written to `failed`
 * ("bind /usr", "mount tmpfs", ...), paths shown without the prefixes given.
 */
#ifndef VAGGA_SKELETON_H
#define VAGGA_SKELETON_H

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
struct mount_attr {
    uint64_t attr_set;
    uint64_t attr_clr;
    uint64_t propagation;
    uint64_t userns_fd;
};
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif

static const char *const skeleton_system_dirs[] = { "usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32",
                                                    "etc", "opt", "var", "home", "root", "srv" };
static const char *const skeleton_mount_points[] = { "work", "tmp", "proc", "dev", "run" };

/* Per-mount flags a user namespace locks (nosuid, nodev, ...) must be repeated on a remount. */
static int skeleton_locked_flags(const char *path, unsigned long *flags)
{
    struct statvfs sv;
    unsigned long f = 0;
    if (statvfs(path, &sv) < 0)
        return -1;
    if (sv.f_flag & ST_NOSUID) f |= MS_NOSUID;
    if (sv.f_flag & ST_NODEV) f |= MS_NODEV;
    if (sv.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
    if (sv.f_flag & ST_NOATIME) f |= MS_NOATIME;
    if (sv.f_flag & ST_NODIRATIME) f |= MS_NODIRATIME;
    if (sv.f_flag & ST_RELATIME) f |= MS_RELATIME;
    *flags = f;
    return 0;
}

/* Read-only including submounts (mount_setattr, Linux 5.12); older kernels: the top mount only.
 * Returns 0, or -1 with errno; *what says which call failed. */
static int skeleton_read_only(const char *path, int recursive, const char **what)
{
    struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
    unsigned long flags;
    if (recursive && syscall(SYS_mount_setattr, AT_FDCWD, path, AT_RECURSIVE, &attr, sizeof attr) == 0)
        return 0;
    if (recursive && errno != ENOSYS) {
        *what = "mount_setattr read-only";
        return -1;
    }
    *what = "remount";
    if (skeleton_locked_flags(path, &flags) < 0)
        return -1;
    return mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | flags, NULL);
}

/*
 * A recursive bind of SOURCE onto DEST also copies what is mounted on STAGE when STAGE lies under
 * SOURCE: vagga run on a project that holds its own build (build/lib/stage), or the package's
 * /usr/lib/vagga/stage under a bound /usr. Those copies (the stage's skeleton, a container root
 * stacked on it) are detached from DEST, so that no container sees the stage. STAGE may be NULL.
 */
static void skeleton_unstage(const char *source, const char *dest, const char *stage)
{
    char path[PATH_MAX];
    size_t n = strlen(source);
    if (!stage)
        return;
    while (n > 0 && source[n - 1] == '/')
        n--;
    if (strncmp(stage, source, n) || stage[n] != '/')
        return;
    if (snprintf(path, sizeof path, "%s%s", dest, stage + n) >= (int)sizeof path)
        return;
    while (umount2(path, MNT_DETACH) == 0)
        ; /* stacked mounts: a container root on the skeleton */
}

/* Builds the skeleton on DEST (an existing directory) from the host tree under HOST ("" for /). */
static int skeleton_build(const char *host, const char *dest, char *failed, size_t failed_len)
{
    char from[PATH_MAX], here[PATH_MAX], target[PATH_MAX];
    const char *what;
    size_t i;
    if (mount("tmpfs", dest, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1048576") < 0) {
        snprintf(failed, failed_len, "mount tmpfs on %s", dest);
        return -1;
    }
    for (i = 0; i < sizeof skeleton_system_dirs / sizeof *skeleton_system_dirs; i++) {
        const char *name = skeleton_system_dirs[i];
        struct stat st;
        snprintf(from, sizeof from, "%s/%s", host, name);
        snprintf(here, sizeof here, "%s/%s", dest, name);
        if (lstat(from, &st) < 0)
            continue; /* not every host has lib32, srv, ... */
        if (S_ISLNK(st.st_mode)) {
            /* merged /usr: /bin -> usr/bin stays a symlink so that paths resolve as on the host */
            ssize_t n = readlink(from, target, sizeof target - 1);
            if (n < 0) {
                snprintf(failed, failed_len, "readlink /%s", name);
                return -1;
            }
            target[n] = '\0';
            if (symlink(target, here) < 0) {
                snprintf(failed, failed_len, "symlink /%s", name);
                return -1;
            }
        } else if (S_ISDIR(st.st_mode)) {
            if (mkdir(here, 0755) < 0 && errno != EEXIST) {
                snprintf(failed, failed_len, "mkdir /%s", name);
                return -1;
            }
            if (mount(from, here, NULL, MS_BIND | MS_REC, NULL) < 0) {
                snprintf(failed, failed_len, "bind /%s on /%s", name, name);
                return -1;
            }
            skeleton_unstage(from, here, dest);
        }
    }
    for (i = 0; i < sizeof skeleton_mount_points / sizeof *skeleton_mount_points; i++) {
        snprintf(here, sizeof here, "%s/%s", dest, skeleton_mount_points[i]);
        if (mkdir(here, 0755) < 0 && errno != EEXIST) {
            snprintf(failed, failed_len, "mkdir /%s", skeleton_mount_points[i]);
            return -1;
        }
    }
    /* All the binds read-only in one call (the per-child cost counts), before anything writable
     * (/tmp, /work, volumes) is mounted below. */
    if (skeleton_read_only(dest, 1, &what) < 0) {
        snprintf(failed, failed_len, "%s /", what);
        return -1;
    }
    return 0;
}

#endif
