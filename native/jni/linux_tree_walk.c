/* Natives of vagga.linux.TreeWalk: directory listings as packed stat records, and a whole-tree walk
 * that only says whether the tree still gives the same records (the no-change start, issue 16). */
#include "vaggajni.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
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
    struct buf *out; /* a part of a parallel walk: the bytes go here, compared later in order */
};

static int compare_chunk(struct walk *w, const struct buf *b)
{
    if (w->out != NULL) {
        if (buf_put(w->out, b->data, b->len) < 0) {
            w->differs = 1; /* out of memory: say "changed", the caller walks again in Java */
            return 1;
        }
        return 0;
    }
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
 * The parallel walk of a large tree (the no-change start of a 20,000-file !Copy: ~20,000 fstatat,
 * 2-3 us each here, the whole cost of the check). The tree's bytes are a sequence of parts, each
 * either bytes already made (a listing) or a subtree to walk: the root's subtree is split, level by
 * level, into its listing and its subdirectories' subtrees until there are PARTS_MIN subtrees or
 * none is left. This thread and one more walk the subtrees, each into its own buffer, taking the
 * next one in turn; then the parts are compared with the expected bytes in order, so the result is
 * the sequential walk's. A subtree is opened by its path from the root with openat2's
 * RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH: a directory replaced by a symlink since it was listed is
 * an error (the tree changed), never followed. Below PARALLEL_MIN expected bytes (~1,300
 * entries) a second thread costs more than it saves.
 */
#define PARALLEL_MIN (64 * 1024)
#define PARTS_MIN 16

struct part {
    struct buf bytes;    /* a listing, or what the subtree's walk made */
    char *rel;           /* NULL: bytes already made; else the subtree's path from the root ("" = root) */
    int err;             /* the subtree's walk: -errno, or 1 when it stopped early (out of memory) */
};

struct parts {
    struct part *list;
    size_t count, cap;
    int rootfd;
    struct walk *shared; /* pruned directories */
    size_t next;         /* the next subtree to walk, taken with __atomic_fetch_add */
    /* The second walker is detached: on a busy machine it may start only after this thread took
     * every subtree, and nobody waits for it then. `lock` guards `unfinished` (subtrees taken
     * and not done) and `refs` (the two walkers: the last one frees the parts). */
    pthread_mutex_t lock;
    pthread_cond_t done;
    size_t unfinished;
    int refs;
};

static int parts_add(struct parts *p, struct part part)
{
    if (p->count == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 256;
        struct part *list = realloc(p->list, cap * sizeof *list);
        if (list == NULL)
            return -ENOMEM;
        p->list = list;
        p->cap = cap;
    }
    p->list[p->count++] = part;
    return 0;
}

static void parts_free(struct parts *p)
{
    for (size_t i = 0; i < p->count; i++) {
        free(p->list[i].bytes.data);
        free(p->list[i].rel);
    }
    free(p->list);
}

#ifndef SYS_openat2
#define SYS_openat2 437
#endif
struct vagga_open_how {
    uint64_t flags, mode, resolve;
};
#define VAGGA_RESOLVE_NO_SYMLINKS 0x04
#define VAGGA_RESOLVE_BENEATH 0x08

/* The directory REL ("" = the root itself) below ROOTFD, no symlink followed on the way; fd or -errno. */
static int open_beneath(int rootfd, const char *rel)
{
    struct vagga_open_how how = { O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0,
                                  VAGGA_RESOLVE_NO_SYMLINKS | VAGGA_RESOLVE_BENEATH };
    long fd = syscall(SYS_openat2, rootfd, *rel ? rel : ".", &how, sizeof how);
    return fd < 0 ? -errno : (int)fd;
}

/* One split level: each subtree part becomes its listing and its subdirectories' subtrees. */
static int split_level(struct parts *p, size_t *subtrees)
{
    struct parts next = { 0 }; /* only its list: it becomes P's */
    next.shared = p->shared;
    *subtrees = 0;
    int r = 0;
    for (size_t i = 0; i < p->count && r == 0; i++) {
        struct part part = p->list[i];
        p->list[i].bytes.data = NULL;
        p->list[i].rel = NULL;
        if (part.rel == NULL) {
            r = parts_add(&next, part);
            continue;
        }
        struct entries e;
        struct buf listing = { 0 };
        int fd = open_beneath(p->rootfd, part.rel);
        r = fd < 0 ? fd : put_listing(fd, &e, &listing);
        if (fd >= 0)
            close(fd);
        if (r == 0)
            r = parts_add(&next, (struct part){ listing, NULL, 0 });
        else
            free(listing.data);
        size_t rel_len = strlen(part.rel);
        for (size_t k = 0; r == 0 && fd >= 0 && k < e.count; k++) {
            if (e.list[k].dtype != DT_DIR)
                continue;
            const char *name = name_of(&e, k);
            size_t n = strlen(name), len = rel_len + (rel_len ? 1 : 0) + n;
            if (len >= PATH_MAX) {
                r = -ENAMETOOLONG;
                break;
            }
            char *rel = malloc(len + 1);
            if (rel == NULL) {
                r = -ENOMEM;
                break;
            }
            memcpy(rel, part.rel, rel_len);
            if (rel_len)
                rel[rel_len] = '/';
            memcpy(rel + len - n, name, n + 1);
            memcpy(p->shared->rel, rel, len + 1);
            if (is_pruned(p->shared)) {
                free(rel);
                continue;
            }
            r = parts_add(&next, (struct part){ { 0 }, rel, 0 });
            if (r < 0)
                free(rel);
            else
                (*subtrees)++;
        }
        if (fd >= 0)
            entries_free(&e);
        free(part.rel);
    }
    parts_free(p);
    p->list = next.list;
    p->count = next.count;
    p->cap = next.cap;
    return r;
}

/* Drops a walker's hold on P; the last one frees it. */
static void parts_release(struct parts *p)
{
    pthread_mutex_lock(&p->lock);
    int last = --p->refs == 0;
    pthread_mutex_unlock(&p->lock);
    if (last) {
        parts_free(p);
        close(p->rootfd);
        pthread_mutex_destroy(&p->lock);
        pthread_cond_destroy(&p->done);
        free(p);
    }
}

/* A walker: takes the next subtree until none is left. */
static void walk_parts(struct parts *p)
{
    for (;;) {
        size_t i = __atomic_fetch_add(&p->next, 1, __ATOMIC_RELAXED);
        if (i >= p->count)
            return;
        struct part *part = &p->list[i];
        if (part->rel == NULL)
            continue;
        struct walk w;
        memset(&w, 0, sizeof w);
        w.pruned = p->shared->pruned;
        w.pruned_count = p->shared->pruned_count;
        w.out = &part->bytes;
        size_t rel_len = strlen(part->rel);
        memcpy(w.rel, part->rel, rel_len + 1);
        int fd = open_beneath(p->rootfd, part->rel);
        part->err = fd < 0 ? fd : walk_dir(&w, fd, rel_len);
        if (part->err == 0 && w.differs)
            part->err = 1;
        pthread_mutex_lock(&p->lock);
        if (--p->unfinished == 0)
            pthread_cond_signal(&p->done);
        pthread_mutex_unlock(&p->lock);
    }
}

static void *second_walker(void *arg)
{
    walk_parts(arg);
    parts_release(arg);
    return NULL;
}

/*
 * Whether a second walker would find a core: fewer runnable threads now (the 4th field of
 * /proc/loadavg, this one included) than online CPUs. On a busy machine it would only wait for
 * one, and two walkers cost ~10% more CPU than one (both look up names in the same directories).
 */
static int core_free(void)
{
    char text[128];
    int fd = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0)
        return 0;
    text[n] = 0;
    const char *field = text;
    for (int i = 0; i < 3 && field != NULL; i++) {
        field = strchr(field, ' ');
        if (field != NULL)
            field++;
    }
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return field != NULL && cpus > 1 && strtol(field, NULL, 10) < cpus;
}

/* The tree below the root directory ROOT (its record already compared): as walk_dir, in two threads. */
static int walk_parallel(struct walk *w, const char *root)
{
    struct parts *p = calloc(1, sizeof *p);
    if (p == NULL)
        return -ENOMEM;
    p->shared = w;
    p->refs = 1;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->done, NULL);
    p->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int r = p->rootfd < 0 ? -errno : 0;
    char *all = r < 0 ? NULL : strdup("");
    if (r == 0)
        r = all == NULL ? -ENOMEM : parts_add(p, (struct part){ { 0 }, all, 0 });
    if (r < 0)
        free(all);
    size_t subtrees = 1;
    while (r == 0 && subtrees > 0 && subtrees < PARTS_MIN)
        r = split_level(p, &subtrees);
    if (r == 0) {
        p->unfinished = subtrees;
        pthread_attr_t attr;
        pthread_t other;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        p->refs = 2;
        if (pthread_create(&other, &attr, second_walker, p) != 0)
            p->refs = 1; /* this thread alone */
        pthread_attr_destroy(&attr);
        walk_parts(p);
        pthread_mutex_lock(&p->lock);
        while (p->unfinished > 0) /* the subtrees the other walker took */
            pthread_cond_wait(&p->done, &p->lock);
        pthread_mutex_unlock(&p->lock);
        for (size_t i = 0; i < p->count && r == 0 && !w->differs; i++) {
            if (p->list[i].err < 0)
                r = p->list[i].err;
            else if (p->list[i].err > 0)
                w->differs = 1;
            else
                compare_chunk(w, &p->list[i].bytes);
        }
    }
    if (p->rootfd < 0) {
        parts_free(p);
        free(p);
        return r;
    }
    parts_release(p);
    return r;
}

/*
 * 1 when the tree at ROOT, walked with the directories PRUNED (relative paths, each ended by NUL,
 * sorted as strcmp) not entered, gives exactly the bytes [OFF, OFF+LEN) of the direct buffer
 * EXPECT (a mapping of the stored file: nothing is copied); 0 when it does not; -errno when the
 * walk failed. Stops at the first difference. WALKERS: 0 = two for a large tree when a core is
 * free, else one; 1 or 2 = that many (tests).
 */
static jint unchanged0(JNIEnv *env, jclass cls, jstring jroot, jbyteArray jpruned, jobject jexpect, jint off,
                       jint len, jint walkers)
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
        if (walkers == 2 || (walkers == 0 && w.expect_len >= PARALLEL_MIN && core_free())) {
            r = walk_parallel(&w, root);
        } else {
            int fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            r = fd < 0 ? -errno : walk_dir(&w, fd, 0);
        }
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
    { "unchanged0", "(Ljava/lang/String;[BLjava/nio/ByteBuffer;III)I", (void *)unchanged0 },
};

jint vagga_register_tree_walk(JNIEnv *env)
{
    return vagga_register(env, "vagga/linux/TreeWalk", methods, sizeof methods / sizeof methods[0]);
}
