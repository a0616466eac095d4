/* Natives of vagga.linux.TreeWalk: directory listings as packed stat records, and a whole-tree walk
 * that only says whether the tree still gives the same records (the no-change start, issue 16). */
#include "vaggajni.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * The format (host byte order), shared with TreeWalk.java:
 *   record  = u16 name length, name bytes, u8 type ('d' 'f' 'l' 'o'), u32 mode, then unless 'd':
 *             u64 dev, u64 ino, u64 size, i64 mtime ns, i64 ctime ns
 *   listing = u32 count, the records of a directory's entries sorted by name (bytes, as strcmp)
 *   tree    = the root's record (empty name), then if it is a directory its listing followed by the
 *             trees of its subdirectories in listing order, each as a listing and so on; a pruned
 *             directory (its relative path given by the caller) is listed but not entered.
 * Directories carry only their mode: what a directory holds is in its listing, and nothing else
 * of it counts (its times change with every entry added, in excluded directories too). The count makes a tree's bytes unambiguous (a listing cannot borrow its child's).
 */
struct buf {
    unsigned char *data;
    size_t len, cap;
};

static int buf_put(struct buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 65536;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *d = realloc(b->data, cap);
        if (d == NULL)
            return -ENOMEM;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

static char type_of(mode_t mode)
{
    return S_ISDIR(mode) ? 'd' : S_ISREG(mode) ? 'f' : S_ISLNK(mode) ? 'l' : 'o';
}

static int put_record(struct buf *b, const char *name, size_t name_len, char type, const struct stat *st)
{
    uint16_t n = (uint16_t)name_len;
    uint32_t mode = st->st_mode;
    if (buf_put(b, &n, 2) < 0 || buf_put(b, name, name_len) < 0 || buf_put(b, &type, 1) < 0
        || buf_put(b, &mode, 4) < 0)
        return -ENOMEM;
    if (type == 'd')
        return 0;
    uint64_t v[5] = {
        st->st_dev, st->st_ino, (uint64_t)st->st_size,
        (uint64_t)st->st_mtim.tv_sec * 1000000000u + (uint64_t)st->st_mtim.tv_nsec,
        (uint64_t)st->st_ctim.tv_sec * 1000000000u + (uint64_t)st->st_ctim.tv_nsec,
    };
    if (buf_put(b, v, sizeof v) < 0)
        return -ENOMEM;
    return 0;
}

/* One directory's entries: their names (NUL-terminated, in `names`) and d_type, sorted by name. */
struct entry {
    size_t at; /* offset into names.data */
    unsigned char dtype;
};

struct entries {
    struct buf names;
    struct entry *list;
    size_t count;
};

static void entries_free(struct entries *e)
{
    free(e->names.data);
    free(e->list);
}

static int by_name(const void *a, const void *b, void *names)
{
    return strcmp((const char *)names + ((const struct entry *)a)->at,
                  (const char *)names + ((const struct entry *)b)->at);
}

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

/* Reads the names of the directory DIRFD (getdents64), sorted; 0 or -errno. */
static int read_entries(int dirfd, struct entries *e)
{
    char chunk[32768];
    size_t cap = 0;
    memset(e, 0, sizeof *e);
    for (;;) {
        long n = syscall(SYS_getdents64, dirfd, chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            break;
        for (long off = 0; off < n;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(chunk + off);
            off += d->d_reclen;
            if (d->d_name[0] == '.' && (d->d_name[1] == 0 || (d->d_name[1] == '.' && d->d_name[2] == 0)))
                continue;
            if (e->count == cap) {
                cap = cap ? cap * 2 : 64;
                struct entry *list = realloc(e->list, cap * sizeof *list);
                if (list == NULL)
                    return -ENOMEM;
                e->list = list;
            }
            e->list[e->count].at = e->names.len;
            e->list[e->count].dtype = d->d_type;
            if (buf_put(&e->names, d->d_name, strlen(d->d_name) + 1) < 0)
                return -ENOMEM;
            e->count++;
        }
    }
    if (e->count > 1)
        qsort_r(e->list, e->count, sizeof *e->list, by_name, e->names.data);
    return 0;
}

static const char *name_of(const struct entries *e, size_t i)
{
    return (const char *)e->names.data + e->list[i].at;
}

/* Appends the listing of DIRFD to OUT; the entries that are directories get dtype DT_DIR. */
static int put_listing(int dirfd, struct entries *e, struct buf *out)
{
    int r = read_entries(dirfd, e);
    if (r < 0)
        return r;
    uint32_t count = (uint32_t)e->count;
    if (buf_put(out, &count, 4) < 0)
        return -ENOMEM;
    for (size_t i = 0; i < e->count; i++) {
        const char *name = name_of(e, i);
        struct stat st;
        if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            return -errno;
        char type = type_of(st.st_mode);
        e->list[i].dtype = type == 'd' ? DT_DIR : DT_REG;
        if (put_record(out, name, strlen(name), type, &st) < 0)
            return -ENOMEM;
    }
    return 0;
}

/* The walk of the no-change check: the tree's bytes are compared with EXPECT as they are made. */
struct walk {
    const unsigned char *expect;
    size_t expect_len, pos;
    char **pruned;
    size_t pruned_count;
    char rel[PATH_MAX];
    int differs;
};

static int compare_chunk(struct walk *w, const struct buf *b)
{
    if (w->pos + b->len > w->expect_len || memcmp(w->expect + w->pos, b->data, b->len) != 0) {
        w->differs = 1;
        return 1;
    }
    w->pos += b->len;
    return 0;
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_pruned(struct walk *w)
{
    const char *key = w->rel;
    return w->pruned_count
        && bsearch(&key, w->pruned, w->pruned_count, sizeof *w->pruned, by_string) != NULL;
}

/* Walks DIRFD (closed here) whose path relative to the root is w->rel of length REL_LEN:
 * 0 (compared so far, or w->differs set) or -errno. */
static int walk_dir(struct walk *w, int dirfd, size_t rel_len)
{
    struct entries e;
    struct buf listing = { 0 };
    int r = put_listing(dirfd, &e, &listing);
    if (r == 0 && compare_chunk(w, &listing) == 0) {
        for (size_t i = 0; i < e.count && r == 0 && !w->differs; i++) {
            if (e.list[i].dtype != DT_DIR)
                continue;
            const char *name = name_of(&e, i);
            size_t n = strlen(name), len = rel_len + (rel_len ? 1 : 0) + n;
            if (len >= sizeof w->rel) {
                r = -ENAMETOOLONG;
                break;
            }
            if (rel_len)
                w->rel[rel_len] = '/';
            memcpy(w->rel + len - n, name, n + 1);
            if (is_pruned(w))
                continue;
            int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            r = fd < 0 ? -errno : walk_dir(w, fd, len);
            w->rel[rel_len] = 0;
        }
    }
    free(listing.data);
    entries_free(&e);
    close(dirfd);
    return r;
}

/* The root's own record; *TYPE gets its type. */
static int put_root(const char *path, struct buf *out, char *type)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return -errno;
    *type = type_of(st.st_mode);
    return put_record(out, "", 0, *type, &st);
}

/* B as a new byte[] when R is 0, else NULL and err[0] = -R; frees B either way. */
static jbyteArray result(JNIEnv *env, jintArray err, int r, struct buf *b)
{
    jbyteArray a = NULL;
    if (r < 0) {
        jint j[1] = { -r };
        (*env)->SetIntArrayRegion(env, err, 0, 1, j);
    } else if ((a = (*env)->NewByteArray(env, (jsize)b->len)) != NULL) {
        (*env)->SetByteArrayRegion(env, a, 0, (jsize)b->len, (const jbyte *)b->data);
    }
    free(b->data);
    return a;
}

/* The root record of PATH (not followed if a symlink), or NULL and err[0] = errno. */
static jbyteArray entry0(JNIEnv *env, jclass cls, jstring jpath, jintArray err)
{
    (void)cls;
    const char *path = (*env)->GetStringUTFChars(env, jpath, NULL);
    if (path == NULL)
        return NULL;
    struct buf b = { 0 };
    char type;
    int r = put_root(path, &b, &type);
    (*env)->ReleaseStringUTFChars(env, jpath, path);
    return result(env, err, r, &b);
}

/* The listing of the directory PATH (a symlink is not followed: ELOOP/ENOTDIR), or NULL and err[0]. */
static jbyteArray listing0(JNIEnv *env, jclass cls, jstring jpath, jintArray err)
{
    (void)cls;
    const char *path = (*env)->GetStringUTFChars(env, jpath, NULL);
    if (path == NULL)
        return NULL;
    struct buf b = { 0 };
    struct entries e = { 0 };
    int r, fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    (*env)->ReleaseStringUTFChars(env, jpath, path);
    r = fd < 0 ? -errno : put_listing(fd, &e, &b);
    if (fd >= 0)
        close(fd);
    entries_free(&e);
    return result(env, err, r, &b);
}

/*
 * 1 when the tree at ROOT, walked with the directories PRUNED (relative paths, each ended by NUL,
 * sorted as strcmp) not entered, gives exactly the bytes [OFF, OFF+LEN) of the direct buffer
 * EXPECT (a mapping of the stored file: nothing is copied); 0 when it does not; -errno when the
 * walk failed. Stops at the first difference.
 */
static jint unchanged0(JNIEnv *env, jclass cls, jstring jroot, jbyteArray jpruned, jobject jexpect, jint off,
                       jint len)
{
    (void)cls;
    struct walk w;
    memset(&w, 0, sizeof w);
    const unsigned char *expect = (*env)->GetDirectBufferAddress(env, jexpect);
    jlong capacity = (*env)->GetDirectBufferCapacity(env, jexpect);
    if (expect == NULL || off < 0 || len < 0 || (jlong)off + len > capacity)
        return -EINVAL;
    jsize pruned_len = (*env)->GetArrayLength(env, jpruned);
    char *pruned = malloc(pruned_len + 1);
    const char *root = (*env)->GetStringUTFChars(env, jroot, NULL);
    jint r = -ENOMEM;
    if (pruned == NULL || root == NULL)
        goto out;
    (*env)->GetByteArrayRegion(env, jpruned, 0, pruned_len, (jbyte *)pruned);
    pruned[pruned_len] = 0;
    for (jsize i = 0; i < pruned_len; i++)
        if (pruned[i] == 0)
            w.pruned_count++;
    w.pruned = malloc((w.pruned_count ? w.pruned_count : 1) * sizeof *w.pruned);
    if (w.pruned == NULL)
        goto out;
    for (jsize i = 0, k = 0, start = 0; i < pruned_len; i++)
        if (pruned[i] == 0) {
            w.pruned[k++] = pruned + start;
            start = i + 1;
        }
    w.expect = expect + off;
    w.expect_len = (size_t)len;

    struct buf rec = { 0 };
    char type;
    r = put_root(root, &rec, &type);
    if (r == 0 && compare_chunk(&w, &rec) == 0 && type == 'd') {
        int fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        r = fd < 0 ? -errno : walk_dir(&w, fd, 0);
    }
    free(rec.data);
    if (r == 0)
        r = !w.differs && w.pos == w.expect_len;
out:
    if (root != NULL)
        (*env)->ReleaseStringUTFChars(env, jroot, root);
    free(w.pruned);
    free(pruned);
    return r;
}

static const JNINativeMethod methods[] = {
    { "entry0", "(Ljava/lang/String;[I)[B", (void *)entry0 },
    { "listing0", "(Ljava/lang/String;[I)[B", (void *)listing0 },
    { "unchanged0", "(Ljava/lang/String;[BLjava/nio/ByteBuffer;II)I", (void *)unchanged0 },
};

jint vagga_register_tree_walk(JNIEnv *env)
{
    return vagga_register(env, "vagga/linux/TreeWalk", methods, sizeof methods / sizeof methods[0]);
}
