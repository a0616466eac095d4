/* Natives of vagga.linux.Layers: an overlay mount for a build that starts from a saved root, and the
 * file operations that turn its upper layer into a plain tree (step-by-step reuse, issue 16).
 * Every function returns 0 (or a count, or a flag) on success and -errno on failure. */
#include "vaggajni.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#define OVL_PREFIX "trusted.overlay."

/* The recursive walks below keep their paths on the heap and stop (-ELOOP) below this many levels:
 * they run on a JVM thread (-Xss512k), and PATH_MAX-sized buffers per level on its stack overflowed it
 * at ~30 levels (a crash, not an error). Deeper trees take the callers' Java fallbacks. */
#define MAX_DEPTH 256

/* "dir/name" in a malloc'd buffer of PATH_MAX; NULL (errno ENAMETOOLONG or ENOMEM) when it cannot be. */
static char *joined(const char *dir, const char *name)
{
    char *p = malloc(PATH_MAX);
    if (p == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    if (snprintf(p, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX) {
        free(p);
        errno = ENAMETOOLONG;
        return NULL;
    }
    return p;
}

static int ours(const char *name)
{
    return strncmp(name, OVL_PREFIX, sizeof OVL_PREFIX - 1) == 0;
}

/* The xattr names of path (not followed), NUL-separated, in *out (malloc'd); returns the length. */
static ssize_t names_of(const char *path, char **out)
{
    *out = NULL;
    for (;;) {
        ssize_t n = llistxattr(path, NULL, 0);
        if (n < 0)
            return errno == ENOTSUP ? 0 : -errno;
        if (n == 0)
            return 0;
        char *b = malloc((size_t)n);
        if (b == NULL)
            return -ENOMEM;
        ssize_t m = llistxattr(path, b, (size_t)n);
        if (m >= 0) {
            *out = b;
            return m;
        }
        free(b);
        if (errno != ERANGE)
            return -errno;
    }
}

static int has_name(const char *list, ssize_t len, const char *name)
{
    for (const char *p = list; p < list + len; p += strlen(p) + 1)
        if (strcmp(p, name) == 0)
            return 1;
    return 0;
}

/* Removes overlayfs's own xattrs (trusted.overlay.*) from path; returns how many. */
static int strip(const char *path)
{
    char *names;
    ssize_t len = names_of(path, &names);
    if (len < 0)
        return (int)len;
    int count = 0, r = 0;
    for (const char *p = names; p != NULL && p < names + len; p += strlen(p) + 1) {
        if (!ours(p))
            continue;
        if (lremovexattr(path, p) != 0 && errno != ENODATA) {
            r = -errno;
            break;
        }
        count++;
    }
    free(names);
    return r < 0 ? r : count;
}

/* The xattrs of `to` become those of `from` (overlayfs's own left out on both sides). */
static int copy_xattrs(const char *from, const char *to)
{
    char *have = NULL, *want = NULL, *value = NULL;
    ssize_t hlen = names_of(to, &have), wlen;
    int r = 0;
    if (hlen < 0)
        return (int)hlen;
    wlen = names_of(from, &want);
    if (wlen < 0) {
        free(have);
        return (int)wlen;
    }
    for (const char *p = have; p != NULL && p < have + hlen; p += strlen(p) + 1) {
        if ((ours(p) || !has_name(want, wlen, p)) && lremovexattr(to, p) != 0 && errno != ENODATA) {
            r = -errno;
            goto out;
        }
    }
    for (const char *p = want; p != NULL && p < want + wlen; p += strlen(p) + 1) {
        if (ours(p))
            continue;
        ssize_t n = lgetxattr(from, p, NULL, 0);
        if (n < 0) {
            r = -errno;
            goto out;
        }
        free(value);
        value = malloc(n > 0 ? (size_t)n : 1);
        if (value == NULL) {
            r = -ENOMEM;
            goto out;
        }
        n = lgetxattr(from, p, value, (size_t)n);
        if (n < 0 || lsetxattr(to, p, value, (size_t)n, 0) != 0) {
            r = -errno;
            goto out;
        }
    }
out:
    free(value);
    free(have);
    free(want);
    return r;
}

/* Owner, mode, xattrs and times of `from` onto `to` (same type; symlinks not followed), in the order
 * that keeps each: chown clears set-id bits and file capabilities, so mode and xattrs come after. */
static int copy_meta(const char *from, const char *to, const struct stat *st)
{
    if (lchown(to, st->st_uid, st->st_gid) != 0)
        return -errno;
    if (!S_ISLNK(st->st_mode) && chmod(to, st->st_mode & 07777) != 0)
        return -errno;
    int r = copy_xattrs(from, to);
    if (r < 0)
        return r;
    struct timespec times[2] = { st->st_atim, st->st_mtim };
    if (utimensat(AT_FDCWD, to, times, AT_SYMLINK_NOFOLLOW) != 0)
        return -errno;
    return 0;
}

static int copy_data(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0)
        return -errno;
    int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (out < 0) {
        int e = errno;
        close(in);
        return -e;
    }
    int r = 0;
    for (;;) {
        ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
        if (n == 0)
            break;
        if (n > 0)
            continue;
        if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP) {
            r = -errno;
            break;
        }
        char buf[65536]; /* a filesystem copy_file_range does not serve: plain reads and writes */
        for (;;) {
            ssize_t got = read(in, buf, sizeof buf);
            if (got == 0)
                break;
            if (got < 0 || write(out, buf, (size_t)got) != got) {
                r = errno ? -errno : -EIO;
                break;
            }
        }
        break;
    }
    if (close(out) != 0 && r == 0)
        r = -errno;
    close(in);
    return r;
}

/* Copies the entry `from` (a whole tree if a directory) to the new path `to`, with owners, modes,
 * xattrs and times. -EMLINK when a non-directory has more than one name: the caller cannot give it
 * its other names, so it must not use a partial copy. */
/* A symlink copied (its target's buffer off copy_tree_at's frame, which recurses). */
static __attribute__((noinline)) int copy_link(const char *from, const char *to)
{
    char target[PATH_MAX];
    ssize_t n = readlink(from, target, sizeof target - 1);
    if (n < 0)
        return -errno;
    target[n] = '\0';
    return symlink(target, to) == 0 ? 0 : -errno;
}

static int copy_tree_at(const char *from, const char *to, int depth)
{
    struct stat st;
    if (depth > MAX_DEPTH)
        return -ELOOP;
    if (lstat(from, &st) != 0)
        return -errno;
    int r = 0;
    if (S_ISDIR(st.st_mode)) {
        if (mkdir(to, 0700) != 0)
            return -errno;
        DIR *d = opendir(from);
        if (d == NULL)
            return -errno;
        struct dirent *e;
        while (r == 0 && (errno = 0, e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *a = joined(from, e->d_name), *b = a ? joined(to, e->d_name) : NULL;
            r = b == NULL ? -errno : copy_tree_at(a, b, depth + 1);
            free(a);
            free(b);
        }
        if (r == 0 && errno != 0)
            r = -errno;
        closedir(d);
        return r < 0 ? r : copy_meta(from, to, &st);
    }
    if (st.st_nlink > 1)
        return -EMLINK;
    if (S_ISREG(st.st_mode)) {
        r = copy_data(from, to);
    } else if (S_ISLNK(st.st_mode)) {
        r = copy_link(from, to);
    } else {
        r = mknod(to, st.st_mode & (S_IFMT | 07777), st.st_rdev) == 0 ? 0 : -errno;
    }
    return r < 0 ? r : copy_meta(from, to, &st);
}

static int copy_tree(const char *from, const char *to)
{
    return copy_tree_at(from, to, 0);
}

static int with_paths(JNIEnv *env, jstring ja, jstring jb, jstring jc, jstring jd,
                      int (*f)(const char *, const char *, const char *, const char *))
{
    const char *a = ja ? (*env)->GetStringUTFChars(env, ja, NULL) : NULL;
    const char *b = jb ? (*env)->GetStringUTFChars(env, jb, NULL) : NULL;
    const char *c = jc ? (*env)->GetStringUTFChars(env, jc, NULL) : NULL;
    const char *d = jd ? (*env)->GetStringUTFChars(env, jd, NULL) : NULL;
    int r = ((ja && !a) || (jb && !b) || (jc && !c) || (jd && !d)) ? -ENOMEM : f(a, b, c, d);
    if (a)
        (*env)->ReleaseStringUTFChars(env, ja, a);
    if (b)
        (*env)->ReleaseStringUTFChars(env, jb, b);
    if (c)
        (*env)->ReleaseStringUTFChars(env, jc, c);
    if (d)
        (*env)->ReleaseStringUTFChars(env, jd, d);
    return r;
}

static int do_mount(const char *lower, const char *upper, const char *work, const char *target)
{
    /* the option string has no escapes for these: such a path is refused (the caller copies) */
    const char *paths[] = { lower, upper, work };
    for (int i = 0; i < 3; i++)
        if (strpbrk(paths[i], ",:\\") != NULL)
            return -EINVAL;
    char opts[3 * PATH_MAX + 128];
    /* index=off, redirect_dir=off, metacopy=off: the upper layer holds whole files and directories,
     * so it can be turned into a plain tree; volatile: no sync of the whole filesystem at umount
     * (a build that dies is thrown away anyway) */
    if (snprintf(opts, sizeof opts,
                 "lowerdir=%s,upperdir=%s,workdir=%s,index=off,redirect_dir=off,metacopy=off,xino=off,volatile",
                 lower, upper, work) >= (int)sizeof opts)
        return -ENAMETOOLONG;
    return mount("overlay", target, "overlay", 0, opts) == 0 ? 0 : -errno;
}

static int do_umount(const char *target, const char *detach, const char *c, const char *d)
{
    (void)c;
    (void)d;
    return umount2(target, detach ? MNT_DETACH : 0) == 0 ? 0 : -errno;
}

static int do_opaque(const char *path, const char *b, const char *c, const char *d)
{
    (void)b;
    (void)c;
    (void)d;
    char v[4];
    ssize_t n = lgetxattr(path, OVL_PREFIX "opaque", v, sizeof v);
    if (n < 0)
        return errno == ENODATA || errno == ENOTSUP ? 0 : -errno;
    return n == 1 && v[0] == 'y';
}

static int do_strip(const char *path, const char *b, const char *c, const char *d)
{
    (void)b;
    (void)c;
    (void)d;
    return strip(path);
}

static int do_copy_meta(const char *from, const char *to, const char *c, const char *d)
{
    (void)c;
    (void)d;
    struct stat st;
    if (lstat(from, &st) != 0)
        return -errno;
    return copy_meta(from, to, &st);
}

static int do_copy_tree(const char *from, const char *to, const char *c, const char *d)
{
    (void)c;
    (void)d;
    return copy_tree(from, to);
}

/* ---- the upper layer applied to a plain tree (LayeredRoot.applyTo) ---- */

/* rm -rf of one entry, links not followed; nothing there is fine. */
static int remove_tree_at(const char *path, int depth)
{
    struct stat st;
    if (depth > MAX_DEPTH)
        return -ELOOP;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -errno;
    if (!S_ISDIR(st.st_mode))
        return unlink(path) == 0 || errno == ENOENT ? 0 : -errno;
    DIR *d = opendir(path);
    if (d == NULL)
        return -errno;
    struct dirent *e;
    int r = 0;
    while (r == 0 && (errno = 0, e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *child = joined(path, e->d_name);
        r = child == NULL ? -errno : remove_tree_at(child, depth + 1);
        free(child);
    }
    if (r == 0 && errno != 0)
        r = -errno;
    closedir(d);
    if (r == 0 && rmdir(path) != 0 && errno != ENOENT)
        r = -errno;
    return r;
}

static int remove_tree(const char *path)
{
    return remove_tree_at(path, 0);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir (but . and ..), sorted bytewise as Java sorts paths; *names malloc'd, each too. */
static int sorted_names(const char *dir, char ***names, size_t *count)
{
    *names = NULL;
    *count = 0;
    DIR *d = opendir(dir);
    if (d == NULL)
        return -errno;
    size_t cap = 0;
    struct dirent *e;
    int r = 0;
    while ((errno = 0, e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (*count == cap) {
            cap = cap ? cap * 2 : 16;
            char **grown = realloc(*names, cap * sizeof **names);
            if (grown == NULL) {
                r = -ENOMEM;
                break;
            }
            *names = grown;
        }
        if (((*names)[*count] = strdup(e->d_name)) == NULL) {
            r = -ENOMEM;
            break;
        }
        (*count)++;
    }
    if (r == 0 && errno != 0)
        r = -errno;
    closedir(d);
    if (r == 0)
        qsort(*names, *count, sizeof **names, by_name);
    return r;
}

static void free_names(char **names, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

/* overlayfs's xattrs off p and everything below it. */
static int clean_tree_at(const char *p, int depth)
{
    struct stat st;
    if (depth > MAX_DEPTH)
        return -ELOOP;
    if (lstat(p, &st) != 0)
        return -errno;
    if (S_ISDIR(st.st_mode)) {
        char **names;
        size_t n;
        int r = sorted_names(p, &names, &n);
        for (size_t i = 0; r == 0 && i < n; i++) {
            char *child = joined(p, names[i]);
            r = child == NULL ? -errno : clean_tree_at(child, depth + 1);
            free(child);
        }
        free_names(names, n);
        if (r < 0)
            return r;
    }
    int r = strip(p);
    return r < 0 ? r : 0;
}

static int clean_tree(const char *p)
{
    return clean_tree_at(p, 0);
}

/* What was applied: "K\trel" items, each ended by a NUL (K: W deleted, D merged, O replaced directory, F other). */
struct record {
    char *p;
    size_t len, cap;
};

static int put(struct record *b, char kind, const char *rel)
{
    size_t n = strlen(rel);
    if (b->len + n + 3 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 1024) + n + 3;
        char *grown = realloc(b->p, cap);
        if (grown == NULL)
            return -ENOMEM;
        b->p = grown;
        b->cap = cap;
    }
    b->p[b->len++] = kind;
    b->p[b->len++] = '\t';
    memcpy(b->p + b->len, rel, n);
    b->len += n;
    b->p[b->len++] = '\0';
    return 0;
}

/* A record's items as a Java byte[] (null with an exception pending if out of memory). */
static jbyteArray record_bytes(JNIEnv *env, const struct record *out)
{
    jbyteArray result = (*env)->NewByteArray(env, (jsize)out->len);
    if (result != NULL)
        (*env)->SetByteArrayRegion(env, result, 0, (jsize)out->len, (const jbyte *)out->p);
    return result;
}

#define SEVERAL_NAMES 1 /* > 0: a lower file with several names was changed (its path in *failed) */

/* Applies upper directory u onto tree directory t (saved: the lower layer, rel: u's path in the layer).
 * A directory's own metadata is read before its entries move out (that changes its times) and set
 * after they moved in (that changes the tree's). */
static int apply_dir(const char *u, const char *t, const char *saved, const char *rel, struct record *out,
                     char *failed, int depth)
{
    if (depth > MAX_DEPTH) {
        snprintf(failed, PATH_MAX, "%s", u);
        return -ELOOP;
    }
    char **names;
    size_t n;
    int r = sorted_names(u, &names, &n);
    struct apply_paths {
        char e[PATH_MAX], target[PATH_MAX], r2[PATH_MAX], lower[PATH_MAX];
    } *buffers = r == 0 ? malloc(sizeof *buffers) : NULL; /* on the heap: this recurses */
    if (r == 0 && buffers == NULL)
        r = -ENOMEM;
    char *e = buffers ? buffers->e : NULL, *target = buffers ? buffers->target : NULL;
    char *r2 = buffers ? buffers->r2 : NULL, *lower = buffers ? buffers->lower : NULL;
    for (size_t i = 0; r == 0 && i < n; i++) {
        struct stat st, lt, tt;
        if (snprintf(e, PATH_MAX, "%s/%s", u, names[i]) >= PATH_MAX
            || snprintf(target, PATH_MAX, "%s/%s", t, names[i]) >= PATH_MAX
            || snprintf(r2, PATH_MAX, "%s%s%s", rel, *rel ? "/" : "", names[i]) >= PATH_MAX
            || snprintf(lower, PATH_MAX, "%s/%s", saved, r2) >= PATH_MAX) {
            r = -ENAMETOOLONG;
            snprintf(failed, PATH_MAX, "%s", u);
            break;
        }
        if (lstat(e, &st) != 0) {
            r = -errno;
            snprintf(failed, PATH_MAX, "%s", e);
            break;
        }
        if (!S_ISDIR(st.st_mode) && lstat(lower, &lt) == 0 && S_ISREG(lt.st_mode) && lt.st_nlink > 1) {
            size_t len = strnlen(r2, PATH_MAX - 2);
            failed[0] = '/';
            memcpy(failed + 1, r2, len);
            failed[len + 1] = '\0';
            r = SEVERAL_NAMES;
            break;
        }
        int opaque = S_ISDIR(st.st_mode) ? do_opaque(e, NULL, NULL, NULL) : 0;
        if (opaque < 0) {
            r = opaque;
            snprintf(failed, PATH_MAX, "%s", e);
            break;
        }
        if (S_ISCHR(st.st_mode) && st.st_rdev == 0) { /* a whiteout: deleted by a step */
            r = remove_tree(target);
            if (r == 0)
                r = put(out, 'W', r2);
        } else if (S_ISDIR(st.st_mode) && !opaque && lstat(target, &tt) == 0 && S_ISDIR(tt.st_mode)) {
            r = apply_dir(e, target, saved, r2, out, failed, depth + 1);
            if (r != 0)
                break;
            r = copy_meta(e, target, &st);
            if (r == 0)
                r = put(out, 'D', r2);
        } else {
            r = remove_tree(target);
            if (r == 0 && rename(e, target) != 0)
                r = -errno;
            if (r == 0)
                r = clean_tree(target);
            if (r == 0)
                r = put(out, S_ISDIR(st.st_mode) ? 'O' : 'F', r2);
        }
        if (r < 0 && failed[0] == '\0')
            snprintf(failed, PATH_MAX, "%s", target);
    }
    free(buffers);
    free_names(names, n);
    return r;
}

/* LayeredRoot.applyTo's work in one call: the records (a byte[]), or null with error[0] set to the
 * errno (or -1 for a lower file with several names) and error's path in failed[0]. */
static jbyteArray apply0(JNIEnv *env, jclass cls, jstring jupper, jstring jtree, jstring jsaved, jintArray jerror,
                         jobjectArray jfailed)
{
    (void)cls;
    const char *upper = (*env)->GetStringUTFChars(env, jupper, NULL);
    const char *tree = (*env)->GetStringUTFChars(env, jtree, NULL);
    const char *saved = (*env)->GetStringUTFChars(env, jsaved, NULL);
    struct record out = { NULL, 0, 0 };
    char failed[PATH_MAX] = "";
    int r = -ENOMEM;
    struct stat st;
    if (upper && tree && saved) {
        if (lstat(upper, &st) != 0) {
            r = -errno;
            snprintf(failed, sizeof failed, "%s", upper);
        } else {
            r = apply_dir(upper, tree, saved, "", &out, failed, 0);
            if (r == 0) {
                r = copy_meta(upper, tree, &st);
                if (r < 0)
                    snprintf(failed, sizeof failed, "%s", tree);
            }
            if (r == 0)
                r = put(&out, 'D', "");
        }
    }
    jbyteArray result = NULL;
    if (r == 0) {
        result = record_bytes(env, &out);
    } else {
        jint code = r == SEVERAL_NAMES ? -1 : -r;
        (*env)->SetIntArrayRegion(env, jerror, 0, 1, &code);
        jbyteArray path = (*env)->NewByteArray(env, (jsize)strlen(failed));
        if (path != NULL) {
            (*env)->SetByteArrayRegion(env, path, 0, (jsize)strlen(failed), (const jbyte *)failed);
            (*env)->SetObjectArrayElement(env, jfailed, 0, path);
        }
    }
    free(out.p);
    if (upper)
        (*env)->ReleaseStringUTFChars(env, jupper, upper);
    if (tree)
        (*env)->ReleaseStringUTFChars(env, jtree, tree);
    if (saved)
        (*env)->ReleaseStringUTFChars(env, jsaved, saved);
    return result;
}

/* The paths (from the layer's root) that upper directory u deletes or replaces as a whole: every
 * entry but the directories it merges (neither opaque nor over a lower non-directory), below which
 * it goes on. The read-only half of apply_dir, for the recycled root's revert. */
static int replaced_dir(const char *u, const char *saved, const char *rel, struct record *out, int depth)
{
    if (depth > MAX_DEPTH)
        return -ELOOP;
    char **names;
    size_t n;
    int r = sorted_names(u, &names, &n);
    struct replaced_paths {
        char e[PATH_MAX], r2[PATH_MAX], lower[PATH_MAX];
    } *buffers = r == 0 ? malloc(sizeof *buffers) : NULL; /* on the heap: this recurses */
    if (r == 0 && buffers == NULL)
        r = -ENOMEM;
    for (size_t i = 0; r == 0 && i < n; i++) {
        struct stat st, lt;
        if (snprintf(buffers->e, PATH_MAX, "%s/%s", u, names[i]) >= PATH_MAX
            || snprintf(buffers->r2, PATH_MAX, "%s%s%s", rel, *rel ? "/" : "", names[i]) >= PATH_MAX
            || snprintf(buffers->lower, PATH_MAX, "%s/%s", saved, buffers->r2) >= PATH_MAX) {
            r = -ENAMETOOLONG;
            break;
        }
        if (lstat(buffers->e, &st) != 0) {
            r = -errno;
            break;
        }
        int merged = 0;
        if (S_ISDIR(st.st_mode)) {
            int opaque = do_opaque(buffers->e, NULL, NULL, NULL);
            if (opaque < 0) {
                r = opaque;
                break;
            }
            merged = !opaque && lstat(buffers->lower, &lt) == 0 && S_ISDIR(lt.st_mode);
        }
        r = merged ? replaced_dir(buffers->e, saved, buffers->r2, out, depth + 1) : put(out, 'R', buffers->r2);
    }
    free(buffers);
    free_names(names, n);
    return r;
}

/* LayeredRoot's replaced set in one call: "R\trel" items, each ended by a NUL, or null with the errno in error[0]. */
static jbyteArray replaced0(JNIEnv *env, jclass cls, jstring jupper, jstring jsaved, jintArray jerror)
{
    (void)cls;
    const char *upper = (*env)->GetStringUTFChars(env, jupper, NULL);
    const char *saved = (*env)->GetStringUTFChars(env, jsaved, NULL);
    struct record out = { NULL, 0, 0 };
    int r = upper && saved ? replaced_dir(upper, saved, "", &out, 0) : -ENOMEM;
    jbyteArray result = NULL;
    if (r == 0) {
        result = record_bytes(env, &out);
    } else {
        jint code = -r;
        (*env)->SetIntArrayRegion(env, jerror, 0, 1, &code);
    }
    free(out.p);
    if (upper)
        (*env)->ReleaseStringUTFChars(env, jupper, upper);
    if (saved)
        (*env)->ReleaseStringUTFChars(env, jsaved, saved);
    return result;
}

/* The calling thread (only it) into a copy of the mount namespace whose mounts receive the host's
 * but send nothing back (MS_SLAVE): what it mounts dies with the namespace, when vagga ends, even by
 * kill -9. Returns the thread's id for join0. */
static jint privateNamespace0(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    if (unshare(CLONE_NEWNS) != 0)
        return -errno;
    if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) != 0)
        return -errno;
    return (jint)syscall(SYS_gettid);
}

/* The calling thread into the mount namespace of thread `tid` of this process; its working
 * directory stays (setns would move it to the namespace's root). */
static jint join0(JNIEnv *env, jclass cls, jint tid)
{
    (void)env;
    (void)cls;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/ns/mnt", (int)tid);
    int ns = open(path, O_RDONLY | O_CLOEXEC), cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC), r = 0;
    if (ns < 0 || cwd < 0)
        r = -errno;
    else if (unshare(CLONE_FS) != 0 || setns(ns, CLONE_NEWNS) != 0 || fchdir(cwd) != 0)
        r = -errno;
    if (ns >= 0)
        close(ns);
    if (cwd >= 0)
        close(cwd);
    return r;
}

static jint mount0(JNIEnv *env, jclass cls, jstring lower, jstring upper, jstring work, jstring target)
{
    (void)cls;
    return with_paths(env, lower, upper, work, target, do_mount);
}

static jint umount0(JNIEnv *env, jclass cls, jstring target, jboolean detach)
{
    (void)cls;
    return with_paths(env, target, detach ? target : NULL, NULL, NULL, do_umount);
}

static jint opaque0(JNIEnv *env, jclass cls, jstring path)
{
    (void)cls;
    return with_paths(env, path, NULL, NULL, NULL, do_opaque);
}

static jint strip0(JNIEnv *env, jclass cls, jstring path)
{
    (void)cls;
    return with_paths(env, path, NULL, NULL, NULL, do_strip);
}

static jint copyMeta0(JNIEnv *env, jclass cls, jstring from, jstring to)
{
    (void)cls;
    return with_paths(env, from, to, NULL, NULL, do_copy_meta);
}

static int do_remove(const char *path, const char *b, const char *c, const char *d)
{
    (void)b;
    (void)c;
    (void)d;
    return remove_tree(path);
}

static jint remove0(JNIEnv *env, jclass cls, jstring path)
{
    (void)cls;
    return with_paths(env, path, NULL, NULL, NULL, do_remove);
}

static jint copyTree0(JNIEnv *env, jclass cls, jstring from, jstring to)
{
    (void)cls;
    return with_paths(env, from, to, NULL, NULL, do_copy_tree);
}

static const JNINativeMethod methods[] = {
    { "privateNamespace0", "()I", (void *)privateNamespace0 },
    { "join0", "(I)I", (void *)join0 },
    { "mount0", "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;)I", (void *)mount0 },
    { "umount0", "(Ljava/lang/String;Z)I", (void *)umount0 },
    { "opaque0", "(Ljava/lang/String;)I", (void *)opaque0 },
    { "strip0", "(Ljava/lang/String;)I", (void *)strip0 },
    { "copyMeta0", "(Ljava/lang/String;Ljava/lang/String;)I", (void *)copyMeta0 },
    { "copyTree0", "(Ljava/lang/String;Ljava/lang/String;)I", (void *)copyTree0 },
    { "remove0", "(Ljava/lang/String;)I", (void *)remove0 },
    { "apply0", "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;[I[Ljava/lang/Object;)[B", (void *)apply0 },
    { "replaced0", "(Ljava/lang/String;Ljava/lang/String;[I)[B", (void *)replaced0 },
};

jint vagga_register_layers(JNIEnv *env)
{
    return vagga_register(env, "vagga/linux/Layers", methods, sizeof methods / sizeof methods[0]);
}
