/* proctree: finds, counts, samples and kill -9s the processes of one benchmark run, by an environment marker. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* One row of /proc/<pid>/stat, the fields we need. */
struct proc {
    int pid;
    int ppid;
    char state;
    unsigned long long start; /* starttime in clock ticks: tells a reused pid apart */
    char comm[32];
};

#define MAX_PROCS 65536

static struct proc procs[MAX_PROCS];
static int nprocs;

static void usage(void)
{
    fprintf(stderr,
            "usage: proctree count MARK [ARGV...]\n"
            "       proctree wait PID MARK COUNT TIMEOUT_MS [ARGV...]\n"
            "       proctree kill9 PID MARK TIMEOUT_MS\n"
            "       proctree rss PID\n"
            "       proctree killall MARK\n"
            "       proctree watchdog PID MARK SECONDS\n"
            "MARK is a whole environment entry, NAME=VALUE. ARGV, when given, must equal the\n"
            "process's command line. Zombies never count: they hold no memory and no environment.\n");
    exit(2);
}

static long long now_us(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        fprintf(stderr, "proctree: clock_gettime: %s\n", strerror(errno));
        exit(1);
    }
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

/* Reads a whole small /proc file; returns its length or -1 (the process may be gone: not an error). */
static ssize_t read_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t len = 0;
    while (len < size) {
        ssize_t n = read(fd, buf + len, size - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    return (ssize_t)len;
}

static int read_stat(int pid, struct proc *p)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    ssize_t n = read_file(path, buf, sizeof buf - 1);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    /* comm may hold spaces and parentheses: the fields after it start at the last ')' */
    char *open_paren = strchr(buf, '(');
    char *close_paren = strrchr(buf, ')');
    if (!open_paren || !close_paren || close_paren < open_paren)
        return -1;
    size_t clen = (size_t)(close_paren - open_paren - 1);
    if (clen >= sizeof p->comm)
        clen = sizeof p->comm - 1;
    memcpy(p->comm, open_paren + 1, clen);
    p->comm[clen] = '\0';
    p->pid = pid;
    /* after ") ": state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt
       utime stime cutime cstime priority nice num_threads itrealvalue starttime */
    unsigned long long start = 0;
    int ppid = 0;
    char state = '?';
    if (sscanf(close_paren + 2,
               "%c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
               &state, &ppid, &start) != 3)
        return -1;
    p->state = state;
    p->ppid = ppid;
    p->start = start;
    return 0;
}

static int is_dead(char state)
{
    return state == 'Z' || state == 'X' || state == 'x';
}

static void scan(void)
{
    DIR *d = opendir("/proc");
    if (!d) {
        fprintf(stderr, "proctree: opendir /proc: %s\n", strerror(errno));
        exit(1);
    }
    nprocs = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && nprocs < MAX_PROCS) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end != '\0' || pid <= 0)
            continue;
        if (read_stat((int)pid, &procs[nprocs]) == 0)
            nprocs++;
    }
    closedir(d);
}

/* Does a NUL-separated list (environ, cmdline) hold `entry`, or equal argv exactly? */
static int environ_has(int pid, const char *entry)
{
    static char buf[1 << 17];
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/environ", pid);
    ssize_t n = read_file(path, buf, sizeof buf - 1);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    size_t elen = strlen(entry);
    for (char *s = buf; s < buf + n; s += strlen(s) + 1)
        if (strlen(s) == elen && memcmp(s, entry, elen) == 0)
            return 1;
    return 0;
}

static int cmdline_is(int pid, char **argv, int argc)
{
    if (argc == 0)
        return 1;
    char buf[4096], path[64];
    snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
    ssize_t n = read_file(path, buf, sizeof buf - 1);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    char *s = buf;
    for (int i = 0; i < argc; i++) {
        if (s >= buf + n || strcmp(s, argv[i]) != 0)
            return 0;
        s += strlen(s) + 1;
    }
    return s >= buf + n;
}

static int count_marked(const char *mark, char **argv, int argc)
{
    scan();
    int count = 0;
    for (int i = 0; i < nprocs; i++)
        if (!is_dead(procs[i].state) && environ_has(procs[i].pid, mark) &&
            cmdline_is(procs[i].pid, argv, argc))
            count++;
    return count;
}

/* Marks procs[] entries that descend from `root` (root included). */
static void descendants(int root, char *in_tree)
{
    memset(in_tree, 0, (size_t)nprocs);
    int changed = 1;
    for (int i = 0; i < nprocs; i++)
        if (procs[i].pid == root)
            in_tree[i] = 1;
    /* parents may appear after their children in /proc order: iterate to a fixed point */
    while (changed) {
        changed = 0;
        for (int i = 0; i < nprocs; i++) {
            if (in_tree[i])
                continue;
            for (int j = 0; j < nprocs; j++)
                if (in_tree[j] && procs[j].pid == procs[i].ppid) {
                    in_tree[i] = 1;
                    changed = 1;
                    break;
                }
        }
    }
}

static long status_kb(int pid, const char *field)
{
    char path[64], buf[8192];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    ssize_t n = read_file(path, buf, sizeof buf - 1);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    size_t flen = strlen(field);
    for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (strncmp(line, field, flen) == 0 && line[flen] == ':')
            return strtol(line + flen + 1, NULL, 10);
    return -1;
}

static int cmd_wait(int pid, const char *mark, int want, long timeout_ms, char **argv, int argc)
{
    long long deadline = now_us() + timeout_ms * 1000;
    int have;
    while ((have = count_marked(mark, argv, argc)) < want) {
        struct proc p;
        if (read_stat(pid, &p) != 0 || is_dead(p.state)) {
            fprintf(stderr, "proctree: %d exited while only %d of %d marked processes ran\n", pid, have, want);
            return 1;
        }
        if (now_us() > deadline) {
            fprintf(stderr, "proctree: only %d of %d marked processes appeared within %ld ms\n", have,
                    want, timeout_ms);
            return 1;
        }
        sleep_us(5000);
    }
    return 0;
}

struct tracked {
    int pid;
    unsigned long long start;
};

static int still_alive(const struct tracked *t)
{
    struct proc p;
    return read_stat(t->pid, &p) == 0 && p.start == t->start && !is_dead(p.state);
}

/* kill -9 the supervisor, then time until it, its descendants and every marked process are gone. */
static int cmd_kill9(int pid, const char *mark, long timeout_ms)
{
    static struct tracked set[MAX_PROCS];
    static char in_tree[MAX_PROCS];
    int nset = 0;
    scan();
    descendants(pid, in_tree);
    for (int i = 0; i < nprocs; i++)
        if (!is_dead(procs[i].state) && (in_tree[i] || environ_has(procs[i].pid, mark)))
            set[nset++] = (struct tracked){procs[i].pid, procs[i].start};
    long long t0 = now_us();
    if (kill(pid, SIGKILL) != 0) {
        fprintf(stderr, "proctree: kill(%d, SIGKILL): %s\n", pid, strerror(errno));
        return 1;
    }
    long long deadline = t0 + timeout_ms * 1000;
    int alive;
    long long elapsed;
    for (;;) {
        alive = 0;
        for (int i = 0; i < nset; i++)
            alive += still_alive(&set[i]);
        /* a process forked after the snapshot carries the marker too */
        if (alive == 0)
            alive = count_marked(mark, NULL, 0);
        elapsed = now_us() - t0;
        if (alive == 0 || now_us() > deadline)
            break;
        sleep_us(200);
    }
    printf("%lld %d %d\n", elapsed, alive, nset);
    if (alive > 0) {
        /* the tool left survivors: clean them up so the next run starts from a quiet machine */
        for (int i = 0; i < nset; i++)
            if (still_alive(&set[i]))
                kill(set[i].pid, SIGKILL);
        scan();
        for (int i = 0; i < nprocs; i++)
            if (!is_dead(procs[i].state) && environ_has(procs[i].pid, mark))
                kill(procs[i].pid, SIGKILL);
    }
    return 0;
}

static int cmd_killall(const char *mark)
{
    scan();
    for (int i = 0; i < nprocs; i++)
        if (!is_dead(procs[i].state) && environ_has(procs[i].pid, mark) && kill(procs[i].pid, SIGKILL) != 0)
            fprintf(stderr, "proctree: kill(%d, SIGKILL): %s\n", procs[i].pid, strerror(errno));
    return 0;
}

/* Lets the harness wait for a supervisor that may never stop: after SECONDS, kill it and its run. */
static int cmd_watchdog(int pid, const char *mark, int seconds)
{
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0) {
        fprintf(stderr, "proctree: pidfd_open(%d): %s\n", pid, strerror(errno));
        return 1;
    }
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int n;
    while ((n = poll(&p, 1, seconds * 1000)) < 0 && errno == EINTR)
        ;
    if (n != 0)
        return 0;
    fprintf(stderr, "proctree: %d still running after %d s: killing it and its processes\n", pid, seconds);
    static char in_tree[MAX_PROCS];
    scan();
    descendants(pid, in_tree);
    for (int i = 0; i < nprocs; i++)
        if (in_tree[i])
            kill(procs[i].pid, SIGKILL);
    cmd_killall(mark);
    return 3; /* tells the harness the run did not end by itself */
}

static int cmd_rss(int pid)
{
    static char in_tree[MAX_PROCS];
    printf("hwm %ld\n", status_kb(pid, "VmHWM"));
    scan();
    descendants(pid, in_tree);
    for (int i = 0; i < nprocs; i++)
        if (in_tree[i] && procs[i].pid != pid && !is_dead(procs[i].state))
            printf("%d %s %ld\n", procs[i].pid, procs[i].comm, status_kb(procs[i].pid, "VmRSS"));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        usage();
    if (strcmp(argv[1], "count") == 0) {
        printf("%d\n", count_marked(argv[2], argv + 3, argc - 3));
        return 0;
    }
    if (strcmp(argv[1], "wait") == 0 && argc >= 6)
        return cmd_wait(atoi(argv[2]), argv[3], atoi(argv[4]), atol(argv[5]), argv + 6, argc - 6);
    if (strcmp(argv[1], "kill9") == 0 && argc == 5)
        return cmd_kill9(atoi(argv[2]), argv[3], atol(argv[4]));
    if (strcmp(argv[1], "killall") == 0 && argc == 3)
        return cmd_killall(argv[2]);
    if (strcmp(argv[1], "watchdog") == 0 && argc == 5)
        return cmd_watchdog(atoi(argv[2]), argv[3], atoi(argv[4]));
    if (strcmp(argv[1], "rss") == 0 && argc == 3)
        return cmd_rss(atoi(argv[2]));
    usage();
    return 2;
}
