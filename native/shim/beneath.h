/*
 * Paths under the project, opened without following any symlink: a container has the project
 * read-write at /work, so any link there (.vagga/.volumes/NAME -> /etc) may have been planted by a
 * child. Used by the shim (bind sources, --root, --snapshot-from) and by the JNI library (the
 * directories vagga creates under .vagga), so both include this file.
 *
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) where the kernel has it (5.6), else a walk that
 * opens one component at a time with O_NOFOLLOW. Either way the result is an fd: whatever is done
 * with it (bound, created in, chowned) is done to what was checked, with no window for a swap.
 * Functions return an fd or 0, or -1 with errno: ELOOP for a symlink, EXDEV for "..".
 */
#ifndef VAGGA_BENEATH_H
#define VAGGA_BENEATH_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#define BENEATH_RESOLVE_NO_MAGICLINKS 0x02
#define BENEATH_RESOLVE_NO_SYMLINKS 0x04
#define BENEATH_RESOLVE_BENEATH 0x08

struct beneath_open_how {
    uint64_t flags;
    uint64_t mode;
    uint64_t resolve;
};

/* One component at a time: no symlink (ELOOP), no ".." (EXDEV), nothing absolute. */
static int beneath_walk(int base, const char *rel, int flags)
{
    char buf[PATH_MAX], *part, *next;
    int fd = base, owned = 0;
    struct stat st;
    if (snprintf(buf, sizeof buf, "%s", rel) >= (int)sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (part = buf; part; part = next) {
        int last, nfd, err;
        next = strchr(part, '/');
        if (next)
            *next++ = '\0';
        while (next && *next == '/')
            next++;
        if (next && !*next)
            next = NULL;
        last = next == NULL;
        if (!*part || !strcmp(part, "."))
            part = ".";
        if (!strcmp(part, "..")) {
            errno = EXDEV;
            nfd = -1;
        } else {
            /* O_PATH|O_NOFOLLOW opens a symlink itself; fstat tells it apart. */
            nfd = openat(fd, part, (last ? flags : O_PATH | O_DIRECTORY) | O_NOFOLLOW | O_CLOEXEC);
            if (nfd >= 0 && fstat(nfd, &st) == 0 && S_ISLNK(st.st_mode)) {
                close(nfd);
                errno = ELOOP;
                nfd = -1;
            }
        }
        err = errno;
        if (owned)
            close(fd);
        if (nfd < 0) {
            errno = err;
            return -1;
        }
        fd = nfd;
        owned = 1;
    }
    return owned ? fd : openat(base, ".", flags | O_CLOEXEC);
}

/* Opens REL (relative, may be "") beneath the directory fd BASE with open(2) FLAGS. */
static int beneath_open(int base, const char *rel, int flags)
{
    struct beneath_open_how how = {
        .flags = (uint64_t)(flags | O_CLOEXEC),
        .resolve = BENEATH_RESOLVE_BENEATH | BENEATH_RESOLVE_NO_SYMLINKS | BENEATH_RESOLVE_NO_MAGICLINKS,
    };
    long fd;
    while (*rel == '/')
        rel++;
    if (rel[0] == '/' || rel[0] == '\0')
        rel = ".";
    fd = syscall(SYS_openat2, base, rel, &how, sizeof how);
    if (fd < 0 && (errno == ENOSYS || errno == E2BIG))
        return beneath_walk(base, rel, flags);
    return (int)fd;
}

/*
 * mkdir -p of REL beneath BASE, never through a symlink; new directories get MODE (umask applies)
 * and, when UID/GID >= 0, that owner (the last one only); with EXACT the last one gets MODE even
 * when it existed. Returns 1 when the last one was created, 0 when it was there, -1 with errno;
 * *failed_len is the length of REL's prefix that failed.
 */
__attribute__((unused)) static int beneath_mkdirs(int base, const char *rel, mode_t mode, int exact, long uid,
                                                  long gid, size_t *failed_len)
{
    char buf[PATH_MAX];
    size_t len = strlen(rel), i;
    int created = 0;
    if (len >= sizeof buf) {
        errno = ENAMETOOLONG;
        *failed_len = len;
        return -1;
    }
    memcpy(buf, rel, len + 1);
    for (i = 1; i <= len; i++) {
        int fd, parent, err;
        const char *name;
        char *slash;
        if (i < len && buf[i] != '/')
            continue;
        buf[i] = '\0';
        *failed_len = i;
        /* not O_PATH: fchown and fchmod need a real fd */
        fd = beneath_open(base, buf, O_RDONLY | O_DIRECTORY);
        created = 0;
        if (fd < 0 && errno == ENOENT) {
            slash = strrchr(buf, '/');
            name = slash ? slash + 1 : buf;
            if (slash)
                *slash = '\0';
            parent = slash ? beneath_open(base, buf, O_PATH | O_DIRECTORY) : dup(base);
            if (slash)
                *slash = '/';
            if (parent < 0)
                return -1;
            created = mkdirat(parent, name, mode) == 0;
            err = errno;
            close(parent);
            if (!created && err != EEXIST) {
                errno = err;
                return -1;
            }
            fd = beneath_open(base, buf, O_RDONLY | O_DIRECTORY);
            if (fd >= 0 && created && i == len && (uid >= 0 || gid >= 0)
                && fchown(fd, uid >= 0 ? (uid_t)uid : (uid_t)-1, gid >= 0 ? (gid_t)gid : (gid_t)-1) < 0) {
                err = errno;
                close(fd);
                errno = err;
                return -1;
            }
        }
        if (fd < 0)
            return -1;
        if (i == len && exact && fchmod(fd, mode) < 0) {
            err = errno;
            close(fd);
            errno = err;
            return -1;
        }
        close(fd);
        if (i < len)
            buf[i] = '/';
    }
    return created;
}

#endif
