/* apk-standin.c: a STAND-IN for Alpine's apk.static, for the tests only (apk-tools cannot be had here).
 *
 * Not apk-tools. It does the part of apk that vagga's Alpine builder relies on, against the local
 * mirror of tests-bats/distro-alpine.bats:
 *   apk [--root DIR] [--update-cache|-U] [--initdb] add PKG[@TAG]...   and   apk [--root DIR] del PKG...
 * It reads /etc/apk/repositories ("[@tag ]URL" lines), fetches URL/x86_64/APKINDEX.tar.gz over plain
 * http (numeric hosts only: a static binary in an empty root has no resolver) into /etc/apk/cache,
 * resolves D: dependencies by name and p: provides, downloads NAME-VERSION.apk into the same cache,
 * unpacks it (gzip members of tar entries; the top-level dot files are the package's metadata) and
 * keeps /lib/apk/db/installed (P:, V:, A:, D:, F:, R:) and /etc/apk/world as apk does.
 * What it does NOT do: verify signatures or checksums, version constraints, conflicts, scripts,
 * triggers, https, proxies. It prints apk's progress lines and apk's "unable to select packages" error.
 * Built with: gcc -static -O2 -o apk.static apk-standin.c -lz
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define ARCH "x86_64"
#define MAX_PKGS 4096
#define MAX_REPOS 32

struct pkg {
    char *name, *version, *deps, *provides;
    int repo;           /* index into repos, or -1 for an installed-only record */
    char *files;        /* installed: "F:dir\nR:file\n..." as in the db */
    int want;           /* in the closure of the world */
};

struct repo {
    char *url, *tag;
};

static const char *root = "/";
static struct repo repos[MAX_REPOS];
static int nrepos;
static struct pkg avail[MAX_PKGS];
static int navail;
static struct pkg inst[MAX_PKGS];
static int ninst;

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ERROR: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static char *path_in_root(const char *rel)
{
    static char buf[4][4096];
    static int n;
    char *b = buf[n++ % 4];
    while (*rel == '/')
        rel++;
    snprintf(b, 4096, "%s/%s", strcmp(root, "/") == 0 ? "" : root, rel);
    return b;
}

static void mkdirs(const char *path, mode_t mode)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            mkdir(tmp, 0755);
            *p = '/';
        }
    }
    if (mkdir(tmp, mode) != 0 && errno != EEXIST)
        die("mkdir %s: %s", path, strerror(errno));
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 65536, n = 0, r;
    char *b = malloc(cap + 1);
    while ((r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap)
            b = realloc(b, (cap *= 2) + 1);
    }
    fclose(f);
    b[n] = 0;
    if (len)
        *len = n;
    return b;
}

static void write_file_atomic(const char *path, const char *data, size_t len)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.new", path);
    FILE *f = fopen(tmp, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
        die("cannot write %s: %s", tmp, strerror(errno));
    if (rename(tmp, path) != 0)
        die("rename %s: %s", tmp, strerror(errno));
}

static unsigned url_hash(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* GET url into path (via path.part, renamed when complete); 0, or -1 after printing why */
static int http_get(const char *url, const char *path)
{
    char host[256], req[4608], part[4200];
    const char *p = url;
    int port = 80;
    if (strncmp(p, "http://", 7) != 0) {
        fprintf(stderr, "ERROR: %s: only http:// urls are supported by this stand-in\n", url);
        return -1;
    }
    p += 7;
    size_t hl = strcspn(p, ":/");
    if (hl >= sizeof host)
        return -1;
    memcpy(host, p, hl);
    host[hl] = 0;
    p += hl;
    if (*p == ':')
        port = (int)strtol(p + 1, (char **)&p, 10);
    const char *rpath = *p ? p : "/";
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        fprintf(stderr, "ERROR: %s: host %s: this stand-in takes numeric IPv4 hosts only\n", url, host);
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        fprintf(stderr, "ERROR: %s: %s\n", url, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: apk-standin\r\n\r\n", rpath, host);
    if (write(fd, req, n) != n) {
        fprintf(stderr, "ERROR: %s: %s\n", url, strerror(errno));
        close(fd);
        return -1;
    }
    /* read the header, then stream the body */
    char buf[65536];
    size_t have = 0;
    char *body = NULL;
    while (!body) {
        ssize_t r = read(fd, buf + have, sizeof buf - 1 - have);
        if (r <= 0) {
            fprintf(stderr, "ERROR: %s: connection closed in the header\n", url);
            close(fd);
            return -1;
        }
        have += r;
        buf[have] = 0;
        body = strstr(buf, "\r\n\r\n");
    }
    int status = 0;
    sscanf(buf, "HTTP/%*s %d", &status);
    if (status != 200) {
        fprintf(stderr, "ERROR: %s: HTTP %d\n", url, status);
        close(fd);
        return -1;
    }
    body += 4;
    snprintf(part, sizeof part, "%s.part", path);
    FILE *f = fopen(part, "wb");
    if (!f)
        die("cannot write %s: %s", part, strerror(errno));
    fwrite(body, 1, have - (body - buf), f);
    ssize_t r;
    while ((r = read(fd, buf, sizeof buf)) > 0)
        fwrite(buf, 1, r, f);
    close(fd);
    if (r < 0 || fclose(f) != 0) {
        fprintf(stderr, "ERROR: %s: %s\n", url, strerror(errno));
        unlink(part);
        return -1;
    }
    if (rename(part, path) != 0)
        die("rename %s: %s", part, strerror(errno));
    return 0;
}

/* the whole decompressed content of a .tar.gz (gzread joins concatenated gzip members, as apk files are) */
static char *gunzip_file(const char *path, size_t *len)
{
    gzFile g = gzopen(path, "rb");
    if (!g)
        return NULL;
    size_t cap = 1 << 20, n = 0;
    int r;
    char *b = malloc(cap);
    while ((r = gzread(g, b + n, (unsigned)(cap - n))) > 0) {
        n += r;
        if (n == cap)
            b = realloc(b, cap *= 2);
    }
    gzclose(g);
    if (r < 0) {
        free(b);
        return NULL;
    }
    *len = n;
    return b;
}

/* ustar entries of a decompressed stream; the callback gets name, type, mode, link, data, size */
typedef void (*tar_cb)(const char *name, char type, mode_t mode, const char *link, const char *data, size_t size,
                       void *arg);

static void tar_each(const char *t, size_t len, tar_cb cb, void *arg)
{
    for (size_t off = 0; off + 512 <= len;) {
        const char *h = t + off;
        if (!h[0]) {
            off += 512;
            continue;
        }
        char name[356] = "", link[101];
        size_t size = strtoul(h + 124, NULL, 8);
        mode_t mode = (mode_t)strtoul(h + 100, NULL, 8);
        if (h[345])
            snprintf(name, sizeof name, "%.155s/", h + 345);
        strncat(name, h, 100);
        snprintf(link, sizeof link, "%.100s", h + 157);
        if (off + 512 + size > len)
            die("truncated tar entry %s", name);
        cb(name, h[156], mode, link, h + 512, size, arg);
        off += 512 + (size + 511) / 512 * 512;
    }
}

/* ---- indexes ---- */

static char *field_dup(const char *v, size_t n)
{
    char *s = malloc(n + 1);
    memcpy(s, v, n);
    s[n] = 0;
    return s;
}

/* records "X:value" lines separated by empty lines; P V D p, and the F/R lines of the installed db */
static void parse_records(const char *text, size_t len, int repo, struct pkg *out, int *count)
{
    const char *p = text, *end = text + len;
    struct pkg cur = {0};
    size_t fcap = 0, flen = 0;
    while (p <= end) {
        const char *nl = memchr(p, '\n', end - p);
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (n == 0) {
            if (cur.name) {
                if (*count >= MAX_PKGS)
                    die("too many packages");
                cur.repo = repo;
                out[(*count)++] = cur;
            }
            memset(&cur, 0, sizeof cur);
            fcap = flen = 0;
        } else if (n >= 2 && p[1] == ':') {
            const char *v = p + 2;
            size_t vn = n - 2;
            switch (p[0]) {
            case 'P': cur.name = field_dup(v, vn); break;
            case 'V': cur.version = field_dup(v, vn); break;
            case 'D': cur.deps = field_dup(v, vn); break;
            case 'p': cur.provides = field_dup(v, vn); break;
            case 'F':
            case 'R':
                if (flen + n + 2 > fcap)
                    cur.files = realloc(cur.files, fcap = (flen + n + 2) * 2);
                memcpy(cur.files + flen, p, n);
                flen += n;
                cur.files[flen++] = '\n';
                cur.files[flen] = 0;
                break;
            }
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    if (cur.name) {
        cur.repo = repo;
        out[(*count)++] = cur;
    }
}

struct index_arg {
    int repo;
    int found;
};

static void index_entry(const char *name, char type, mode_t mode, const char *link, const char *data, size_t size,
                        void *arg)
{
    (void)type, (void)mode, (void)link;
    struct index_arg *a = arg;
    if (strcmp(name, "APKINDEX") == 0) {
        parse_records(data, size, a->repo, avail, &navail);
        a->found = 1;
    }
}

static char *cache_dir(void)
{
    static char dir[4096];
    snprintf(dir, sizeof dir, "%s", path_in_root("etc/apk/cache"));
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(dir, sizeof dir, "%s", path_in_root("var/cache/apk"));
        mkdirs(dir, 0755);
    }
    return dir;
}

static void load_repositories(int update)
{
    size_t len;
    char *text = read_file(path_in_root("etc/apk/repositories"), &len);
    if (!text)
        return;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        while (*line == ' ')
            line++;
        if (!*line || *line == '#' || nrepos == MAX_REPOS)
            continue;
        char *tag = NULL;
        if (*line == '@') {
            tag = line + 1;
            line = strchr(line, ' ');
            if (!line)
                continue;
            *line++ = 0;
            while (*line == ' ')
                line++;
        }
        size_t n = strlen(line);
        while (n && line[n - 1] == '/')
            line[--n] = 0;
        repos[nrepos].url = strdup(line);
        repos[nrepos].tag = tag ? strdup(tag) : NULL;
        nrepos++;
    }
    int errors = 0;
    for (int i = 0; i < nrepos; i++) {
        char url[4300], file[4300];
        snprintf(url, sizeof url, "%s/" ARCH "/APKINDEX.tar.gz", repos[i].url);
        snprintf(file, sizeof file, "%s/APKINDEX.%08x.tar.gz", cache_dir(), url_hash(repos[i].url));
        if (update || access(file, R_OK) != 0) {
            printf("fetch %s\n", url);
            fflush(stdout);
            if (http_get(url, file) != 0) {
                errors++;
                continue;
            }
        }
        size_t n;
        char *t = gunzip_file(file, &n);
        struct index_arg a = {i, 0};
        if (t)
            tar_each(t, n, index_entry, &a);
        if (!a.found) {
            fprintf(stderr, "ERROR: %s: no APKINDEX in it\n", url);
            errors++;
        }
        free(t);
    }
    if (errors)
        die("%d errors; the indexes above could not be read", errors);
}

/* ---- resolving ---- */

/* "name", "name>=1", "so:libc.so=1" -> a fresh "name"; NULL for "!conflict" */
static char *dep_name(const char *tok)
{
    if (*tok == '!')
        return NULL;
    size_t n = strcspn(tok, "<>=~");
    return field_dup(tok, n);
}

static int provides(const struct pkg *p, const char *name)
{
    if (strcmp(p->name, name) == 0)
        return 1;
    if (!p->provides)
        return 0;
    char *copy = strdup(p->provides), *save;
    int yes = 0;
    for (char *t = strtok_r(copy, " ", &save); t && !yes; t = strtok_r(NULL, " ", &save)) {
        char *n = dep_name(t);
        yes = n && strcmp(n, name) == 0;
        free(n);
    }
    free(copy);
    return yes;
}

/* the package for "name" or "name@tag": untagged names only from untagged repositories, as apk */
static struct pkg *find_avail(const char *spec)
{
    char name[512];
    snprintf(name, sizeof name, "%s", spec);
    char *at = strchr(name, '@');
    const char *tag = NULL;
    if (at) {
        *at = 0;
        tag = at + 1;
    }
    for (int i = 0; i < navail; i++) {
        const char *rt = repos[avail[i].repo].tag;
        int repo_ok = tag ? rt && strcmp(rt, tag) == 0 : rt == NULL;
        if (repo_ok && provides(&avail[i], name))
            return &avail[i];
    }
    /* a dependency of a tagged package may come from any repository */
    if (!tag)
        return NULL;
    for (int i = 0; i < navail; i++)
        if (provides(&avail[i], name))
            return &avail[i];
    return NULL;
}

static struct pkg *order[MAX_PKGS];
static int norder;
static int nerrors;

static void select_pkg(const char *spec, const char *required_by)
{
    struct pkg *p = find_avail(spec);
    if (!p) {
        if (nerrors++ == 0)
            fprintf(stderr, "ERROR: unable to select packages:\n");
        fprintf(stderr, "  %s (no such package):\n    required by: %s\n", spec, required_by);
        return;
    }
    if (p->want)
        return;
    p->want = 1;
    if (p->deps) {
        char *copy = strdup(p->deps), *save;
        char by[600];
        snprintf(by, sizeof by, "%s-%s[%s]", p->name, p->version, spec);
        for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
            char *n = dep_name(t);
            if (n)
                select_pkg(n, by);
            free(n);
        }
        free(copy);
    }
    order[norder++] = p; /* dependencies first */
}

/* ---- installing ---- */

struct unpack_arg {
    struct pkg *pkg;
    char *files;
    size_t flen, fcap;
    char lastdir[4096];
};

static void record(struct unpack_arg *a, const char *line)
{
    size_t n = strlen(line);
    if (a->flen + n + 2 > a->fcap)
        a->files = realloc(a->files, a->fcap = (a->flen + n + 2) * 2);
    memcpy(a->files + a->flen, line, n);
    a->flen += n;
    a->files[a->flen++] = '\n';
    a->files[a->flen] = 0;
}

static void unpack_entry(const char *name, char type, mode_t mode, const char *target, const char *data, size_t size,
                         void *arg)
{
    struct unpack_arg *a = arg;
    while (name[0] == '.' && name[1] == '/')
        name += 2;
    if (!*name || (name[0] == '.' && !strchr(name, '/')) || type == 'x' || type == 'g')
        return; /* .PKGINFO, .SIGN.*, scripts; pax headers */
    char rel[4096];
    snprintf(rel, sizeof rel, "%s", name);
    size_t n = strlen(rel);
    while (n && rel[n - 1] == '/')
        rel[--n] = 0;
    const char *dst = path_in_root(rel);
    char *slash = strrchr(rel, '/');
    char dir[4096];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - rel) : 0, rel);
    if (slash) {
        char parent[4096];
        snprintf(parent, sizeof parent, "%s", path_in_root(dir));
        mkdirs(parent, 0755);
    }
    char line[4200];
    if (type == '5') {
        mkdirs(dst, mode & 07777);
        chmod(dst, mode & 07777);
        snprintf(line, sizeof line, "F:%s", rel);
        record(a, line);
        snprintf(a->lastdir, sizeof a->lastdir, "%s", rel);
        return;
    }
    unlink(dst);
    if (type == '2') {
        if (symlink(target, dst) != 0)
            die("symlink %s: %s", dst, strerror(errno));
    } else if (type == '1') {
        if (link(path_in_root(target), dst) != 0)
            die("link %s: %s", dst, strerror(errno));
    } else if (type == '0' || type == 0) {
        int fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC, mode & 07777);
        if (fd < 0 || write(fd, data, size) != (ssize_t)size || close(fd) != 0)
            die("write %s: %s", dst, strerror(errno));
        chmod(dst, mode & 07777);
    } else {
        return;
    }
    if (strcmp(dir, a->lastdir) != 0) {
        snprintf(line, sizeof line, "F:%s", dir);
        record(a, line);
        snprintf(a->lastdir, sizeof a->lastdir, "%s", dir);
    }
    snprintf(line, sizeof line, "R:%s", slash ? slash + 1 : rel);
    record(a, line);
}

static void install_pkg(struct pkg *p, struct pkg *slot)
{
    char url[4400], file[4400];
    snprintf(url, sizeof url, "%s/" ARCH "/%s-%s.apk", repos[p->repo].url, p->name, p->version);
    snprintf(file, sizeof file, "%s/%s-%s.%08x.apk", cache_dir(), p->name, p->version, url_hash(repos[p->repo].url));
    if (access(file, R_OK) != 0 && http_get(url, file) != 0)
        die("%s-%s: could not download", p->name, p->version);
    size_t n;
    char *t = gunzip_file(file, &n);
    if (!t) {
        unlink(file);
        die("%s-%s: %s is not a gzip file (removed from the cache)", p->name, p->version, file);
    }
    struct unpack_arg a = {.pkg = p};
    tar_each(t, n, unpack_entry, &a);
    free(t);
    *slot = *p;
    slot->files = a.files;
}

/* files, then directories that are left empty, deepest first */
static void purge_pkg(struct pkg *p)
{
    if (!p->files)
        return;
    char *copy = strdup(p->files), *save, dir[4096] = "";
    char *dirs[4096];
    int ndirs = 0;
    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        if (l[0] == 'F') {
            snprintf(dir, sizeof dir, "%s", l + 2);
            if (ndirs < 4096)
                dirs[ndirs++] = l + 2;
        } else if (l[0] == 'R') {
            char rel[8200];
            snprintf(rel, sizeof rel, "%s%s%s", dir, *dir ? "/" : "", l + 2);
            unlink(path_in_root(rel));
        }
    }
    while (ndirs > 0)
        rmdir(path_in_root(dirs[--ndirs]));
    free(copy);
}

static void write_db(void)
{
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    for (int i = 0; i < ninst; i++) {
        struct pkg *p = &inst[i];
        if (!p->name)
            continue;
        size_t need = strlen(p->name) + strlen(p->version) + (p->deps ? strlen(p->deps) : 0)
                      + (p->provides ? strlen(p->provides) : 0) + (p->files ? strlen(p->files) : 0) + 64;
        while (n + need > cap)
            b = realloc(b, cap *= 2);
        n += sprintf(b + n, "P:%s\nV:%s\nA:" ARCH "\n", p->name, p->version);
        if (p->deps && *p->deps)
            n += sprintf(b + n, "D:%s\n", p->deps);
        if (p->provides && *p->provides)
            n += sprintf(b + n, "p:%s\n", p->provides);
        if (p->files)
            n += sprintf(b + n, "%s", p->files);
        b[n++] = '\n';
    }
    write_file_atomic(path_in_root("lib/apk/db/installed"), b, n);
}

int main(int argc, char **argv)
{
    int update = 0, initdb = 0, i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--root") == 0 || strcmp(argv[i], "-p") == 0) {
            if (++i == argc)
                die("--root needs a directory");
            root = argv[i];
        } else if (strcmp(argv[i], "--update-cache") == 0 || strcmp(argv[i], "-U") == 0) {
            update = 1;
        } else if (strcmp(argv[i], "--initdb") == 0) {
            initdb = 1;
        } else if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
            puts("apk-tools 2.14.0-standin, compiled for " ARCH " (vagga's test stand-in, not apk-tools)");
            return 0;
        } else if (strcmp(argv[i], "--no-progress") != 0 && strcmp(argv[i], "-q") != 0) {
            die("unsupported option %s (this is a test stand-in for apk)", argv[i]);
        }
    }
    if (i == argc)
        die("usage: apk [--root DIR] [--update-cache] [--initdb] add|del PKG...");
    const char *cmd = argv[i++];
    if (strcmp(cmd, "add") != 0 && strcmp(cmd, "del") != 0)
        die("unsupported command %s (this is a test stand-in for apk: add, del)", cmd);
    if (initdb) {
        mkdirs(path_in_root("lib/apk/db"), 0755);
        mkdirs(path_in_root("etc/apk"), 0755);
        int fd = open(path_in_root("lib/apk/db/installed"), O_WRONLY | O_CREAT, 0644);
        if (fd >= 0)
            close(fd);
        fd = open(path_in_root("etc/apk/world"), O_WRONLY | O_CREAT, 0644);
        if (fd >= 0)
            close(fd);
    }
    size_t len;
    char *db = read_file(path_in_root("lib/apk/db/installed"), &len);
    if (!db)
        die("cannot read %s: %s (is this an Alpine root? --initdb makes one)", path_in_root("lib/apk/db/installed"),
            strerror(errno));
    parse_records(db, len, -1, inst, &ninst);

    /* the world: what was asked for, one name a line */
    char *world[MAX_PKGS];
    int nworld = 0;
    char *w = read_file(path_in_root("etc/apk/world"), NULL);
    for (char *t = w ? strtok(w, " \n") : NULL; t; t = strtok(NULL, " \n"))
        world[nworld++] = t;
    for (; i < argc; i++) {
        int at = -1;
        for (int k = 0; k < nworld; k++)
            if (strcmp(world[k], argv[i]) == 0)
                at = k;
        if (cmd[0] == 'a' && at < 0)
            world[nworld++] = argv[i];
        else if (cmd[0] == 'd' && at >= 0)
            world[at] = world[--nworld];
    }

    load_repositories(update);
    for (int k = 0; k < nworld; k++) {
        char by[600];
        snprintf(by, sizeof by, "world[%s]", world[k]);
        select_pkg(world[k], by);
    }
    if (nerrors)
        return 1;

    /* purge what the world no longer needs, then install what it lacks (dependencies first) */
    int step = 0, total = 0;
    for (int k = 0; k < ninst; k++) {
        int needed = 0;
        for (int j = 0; j < norder; j++)
            needed |= strcmp(order[j]->name, inst[k].name) == 0 && strcmp(order[j]->version, inst[k].version) == 0;
        inst[k].want = needed;
        total += !needed;
    }
    for (int j = 0; j < norder; j++) {
        int have = 0;
        for (int k = 0; k < ninst; k++)
            have |= inst[k].want && strcmp(order[j]->name, inst[k].name) == 0;
        order[j]->want = have ? 2 : 1;
        total += !have;
    }
    for (int k = 0; k < ninst; k++) {
        if (!inst[k].want) {
            printf("(%d/%d) Purging %s (%s)\n", ++step, total, inst[k].name, inst[k].version);
            purge_pkg(&inst[k]);
            inst[k].name = NULL;
        }
    }
    for (int j = 0; j < norder; j++) {
        if (order[j]->want == 2)
            continue;
        printf("(%d/%d) Installing %s (%s)\n", ++step, total, order[j]->name, order[j]->version);
        fflush(stdout);
        if (ninst == MAX_PKGS)
            die("too many packages");
        install_pkg(order[j], &inst[ninst++]);
        write_db(); /* after each package, as apk: a kill leaves a db that says what is there */
    }
    write_db();
    size_t wl = 0;
    char wbuf[65536];
    for (int k = 0; k < nworld; k++)
        wl += snprintf(wbuf + wl, sizeof wbuf - wl, "%s\n", world[k]);
    write_file_atomic(path_in_root("etc/apk/world"), wbuf, wl);
    int count = 0;
    for (int k = 0; k < ninst; k++)
        count += inst[k].name != NULL;
    printf("OK: %d packages installed (vagga's apk stand-in)\n", count);
    return 0;
}
