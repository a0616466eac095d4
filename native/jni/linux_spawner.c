/* Natives of vagga.linux.Spawner: a vfork-style clone() of the init shim into new namespaces. */
#include "vaggajni.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

#define CHILD_STACK_SIZE (256 * 1024)
#define MAX_FDS 16

/* Which step of the child failed; Spawner.java maps these to call names (keep in sync). */
enum spawn_step {
    STEP_NONE = 0,
    STEP_CLONE = 1,
    STEP_SIGNALS = 2,
    STEP_PDEATHSIG = 3,
    STEP_SETGROUPS = 4,
    STEP_UID_MAP = 5,
    STEP_GID_MAP = 6,
    STEP_FDS = 7,
    STEP_EXEC = 8,
    STEP_JOIN_USERNS = 9,
};

/* Everything the child needs, built before clone(): after it, the child may only make
 * async-signal-safe calls (it shares the JVM's memory and runs on a stack of our own).
 * CLONE_VM also lets the child report a failure by writing step/err here (as glibc's
 * posix_spawn does); CLONE_VFORK guarantees the parent reads them after the child is gone
 * or has exec'd. */
struct spawn_request {
    char *path;
    char **argv;
    char **envp;
    int fds[MAX_FDS];
    int nfds;
    int stdio[3];
    int userns;
    int self_map;
    int no_namespaces;
    int join_userns;
    void *inner_stack;
    volatile int inner_pid;
    int inner_pidfd;
    char uid_map[64];
    char gid_map[64];
    volatile int step;
    volatile int err;
};

/* The kernel's struct sigaction; all zero means SIG_DFL, no flags, empty mask. Raw syscalls,
 * because glibc's wrappers refuse its internal signals 32 and 33. */
struct kernel_sigaction {
    void *handler;
    unsigned long flags;
    void *restorer;
    unsigned long mask;
};

static _Noreturn void child_fail(struct spawn_request *r, int step)
{
    r->err = errno;
    r->step = step;
    _exit(127);
}

static int write_proc_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t len = strlen(text);
    ssize_t n = write(fd, text, len);
    int saved = errno;
    close(fd);
    if (n != (ssize_t)len) {
        errno = n < 0 ? saved : EIO;
        return -1;
    }
    return 0;
}

static int child_main(void *arg)
{
    struct spawn_request *r = arg;

    /* Handlers are the JVM's (copied, not shared: no CLONE_SIGHAND); a JVM handler running on this
     * stack in this half-process would be fatal, so reset all before unblocking. */
    struct kernel_sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    for (int sig = 1; sig < 65; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP)
            continue;
        syscall(SYS_rt_sigaction, sig, &dfl, NULL, 8);
    }
    unsigned long none = 0;
    if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, 8) < 0)
        child_fail(r, STEP_SIGNALS);

    /* Set before anything else so a supervisor dying from here on takes us along; the shim
     * re-checks the lifeline pipe for a death before this line. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
        child_fail(r, STEP_PDEATHSIG);

    if (r->userns && r->self_map) {
        /* An unprivileged process may map only its own ids, and gid_map needs setgroups denied.
         * Without self_map the supervisor writes the maps with newuidmap (--wait-userns). */
        if (write_proc_file("/proc/self/setgroups", "deny") < 0)
            child_fail(r, STEP_SETGROUPS);
        if (write_proc_file("/proc/self/uid_map", r->uid_map) < 0)
            child_fail(r, STEP_UID_MAP);
        if (write_proc_file("/proc/self/gid_map", r->gid_map) < 0)
            child_fail(r, STEP_GID_MAP);
    }

    /* fds[i] becomes fd 3+i. Move every source above the targets first so that a source that
     * happens to sit on another target is not clobbered; then close all the rest. */
    int base = 3 + r->nfds;
    int moved[MAX_FDS];
    int moved_stdio[3];
    /* stdio[i] >= 0 becomes fd i (the prefixer's pty or pipes); -1 leaves fd i inherited. */
    for (int i = 0; i < 3; i++) {
        moved_stdio[i] = r->stdio[i] < 0 ? -1 : fcntl(r->stdio[i], F_DUPFD_CLOEXEC, base);
        if (r->stdio[i] >= 0 && moved_stdio[i] < 0)
            child_fail(r, STEP_FDS);
    }
    for (int i = 0; i < r->nfds; i++) {
        moved[i] = fcntl(r->fds[i], F_DUPFD_CLOEXEC, base);
        if (moved[i] < 0)
            child_fail(r, STEP_FDS);
    }
    for (int i = 0; i < 3; i++) {
        if (moved_stdio[i] >= 0 && dup2(moved_stdio[i], i) < 0)
            child_fail(r, STEP_FDS);
    }
    for (int i = 0; i < r->nfds; i++) {
        if (dup2(moved[i], 3 + i) < 0)
            child_fail(r, STEP_FDS);
    }
    if (syscall(SYS_close_range, base, ~0U, 0) < 0)
        child_fail(r, STEP_FDS);

    execve(r->path, r->argv, r->envp);
    child_fail(r, STEP_EXEC);
    return 127;
}

/* With join_userns: this first child, sharing the JVM's fd table (CLONE_FILES), joins the existing
 * user namespace (setns needs a single-threaded caller: never a JVM thread) and clones the real
 * child from there, so that its new PID, mount and IPC namespaces are owned by that user
 * namespace. CLONE_PARENT makes the real child the JVM's own (its parent-death signal follows
 * the reactor thread, as for any shim); its pidfd lands in the shared fd table. Everything
 * stays blocked here: this process only makes system calls, then _exit()s. */
static int join_main(void *arg)
{
    struct spawn_request *r = arg;
    if (setns(r->join_userns, CLONE_NEWUSER) < 0)
        child_fail(r, STEP_JOIN_USERNS);
    int flags = CLONE_VM | CLONE_VFORK | CLONE_PIDFD | CLONE_PARENT | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC;
    int pidfd = -1;
    pid_t pid = clone(child_main, (char *)r->inner_stack + CHILD_STACK_SIZE, flags, r, &pidfd);
    if (pid < 0)
        child_fail(r, STEP_CLONE);
    r->inner_pidfd = pidfd;
    r->inner_pid = pid;
    _exit(0);
}

static void free_strings(char **v)
{
    if (v == NULL)
        return;
    for (char **p = v; *p != NULL; p++)
        free(*p);
    free(v);
}

static char *copy_bytes(JNIEnv *env, jbyteArray bytes)
{
    jsize len = (*env)->GetArrayLength(env, bytes);
    char *s = malloc((size_t)len + 1);
    if (s == NULL)
        return NULL;
    (*env)->GetByteArrayRegion(env, bytes, 0, len, (jbyte *)s);
    s[len] = '\0';
    return s;
}

/* byte[][] -> NULL-terminated char*[]; NULL on out-of-memory. */
static char **copy_string_array(JNIEnv *env, jobjectArray array)
{
    jsize n = (*env)->GetArrayLength(env, array);
    char **v = calloc((size_t)n + 1, sizeof *v);
    if (v == NULL)
        return NULL;
    for (jsize i = 0; i < n; i++) {
        jbyteArray b = (*env)->GetObjectArrayElement(env, array, i);
        v[i] = copy_bytes(env, b);
        (*env)->DeleteLocalRef(env, b);
        if (v[i] == NULL) {
            free_strings(v);
            return NULL;
        }
    }
    return v;
}

/* Returns the pid (out = {pidfd, 0}) or -errno (out = {-1, step}). */
static jint spawn0(JNIEnv *env, jclass cls, jbyteArray path, jobjectArray argv, jobjectArray envp,
                   jintArray fds, jintArray stdio, jboolean userns, jboolean no_namespaces, jint uid, jint gid,
                   jint join_userns, jintArray out)
{
    (void)cls;
    struct spawn_request *r = calloc(1, sizeof *r);
    if (r == NULL)
        return -ENOMEM;
    jint result = -ENOMEM;
    jint step = STEP_NONE;
    jint pidfd_out = -1;
    void *stack = MAP_FAILED;
    void *inner_stack = MAP_FAILED;

    r->nfds = (*env)->GetArrayLength(env, fds);
    if (r->nfds > MAX_FDS) {
        result = -EINVAL;
        goto done;
    }
    (*env)->GetIntArrayRegion(env, fds, 0, r->nfds, r->fds);
    if ((*env)->GetArrayLength(env, stdio) != 3) {
        result = -EINVAL;
        goto done;
    }
    (*env)->GetIntArrayRegion(env, stdio, 0, 3, r->stdio);
    r->path = copy_bytes(env, path);
    r->argv = copy_string_array(env, argv);
    r->envp = copy_string_array(env, envp);
    if (r->path == NULL || r->argv == NULL || r->envp == NULL)
        goto done;
    r->no_namespaces = no_namespaces ? 1 : 0;
    r->join_userns = no_namespaces ? -1 : join_userns;
    r->inner_pidfd = -1;
    r->userns = userns && !no_namespaces && r->join_userns < 0 ? 1 : 0;
    /* uid < 0: the maps are written from outside (newuidmap), not by the child. */
    r->self_map = uid >= 0;
    snprintf(r->uid_map, sizeof r->uid_map, "0 %d 1\n", (int)uid);
    snprintf(r->gid_map, sizeof r->gid_map, "0 %d 1\n", (int)gid);

    /* with join_userns, a second stack for the real child cloned by the first */
    stack = mmap(NULL, CHILD_STACK_SIZE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack != MAP_FAILED && r->join_userns >= 0)
        inner_stack = mmap(NULL, CHILD_STACK_SIZE, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED || (r->join_userns >= 0 && inner_stack == MAP_FAILED)) {
        result = -errno;
        step = STEP_CLONE;
        goto done;
    }
    r->inner_stack = inner_stack;

    /* no_namespaces: a shim that joins an existing container (--enter) must stay in the host's
     * namespaces: setns into a PID namespace needs it to be ours or a descendant. */
    int flags = CLONE_VM | CLONE_VFORK | CLONE_PIDFD;
    if (!r->no_namespaces)
        flags |= CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC;
    if (r->userns)
        flags |= CLONE_NEWUSER;

    /* Block everything (raw, so glibc's own 32/33 too) so no handler runs in the child before
     * it has reset them; the parent's mask comes back right after. */
    unsigned long all = ~0UL, old = 0;
    if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &old, 8) < 0) {
        result = -errno;
        step = STEP_CLONE;
        goto done;
    }
    int pidfd = -1;
    pid_t pid;
    int clone_errno;
    if (r->join_userns >= 0) {
        pid_t first = clone(join_main, (char *)stack + CHILD_STACK_SIZE,
                            CLONE_VM | CLONE_VFORK | CLONE_FILES | SIGCHLD, r);
        clone_errno = errno;
        if (first >= 0) {
            /* it has _exit()ed (CLONE_VFORK): reap exactly it; a failure of either is in r->step */
            while (waitpid(first, NULL, 0) < 0 && errno == EINTR)
                ;
            pid = r->step != STEP_NONE ? 0 : r->inner_pid;
            pidfd = r->inner_pidfd;
        } else {
            pid = -1;
        }
    } else {
        pid = clone(child_main, (char *)stack + CHILD_STACK_SIZE, flags | SIGCHLD, r, &pidfd);
        clone_errno = errno;
    }
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, 8);

    if (pid < 0) {
        result = -clone_errno;
        step = STEP_CLONE;
    } else if (r->step != STEP_NONE) {
        /* The child _exit()ed: reap exactly it, through its pidfd (none: it was never cloned). */
        siginfo_t si;
        while (pidfd >= 0 && waitid((idtype_t)P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0 && errno == EINTR)
            ;
        if (pidfd >= 0)
            close(pidfd);
        result = -r->err;
        step = r->step;
    } else {
        result = pid;
        pidfd_out = pidfd;
    }

done:
    if (stack != MAP_FAILED)
        munmap(stack, CHILD_STACK_SIZE);
    if (inner_stack != MAP_FAILED)
        munmap(inner_stack, CHILD_STACK_SIZE);
    free(r->path);
    free_strings(r->argv);
    free_strings(r->envp);
    free(r);
    jint o[2] = { pidfd_out, step };
    (*env)->SetIntArrayRegion(env, out, 0, 2, o);
    return result;
}

static const JNINativeMethod methods[] = {
    { "spawn0", "([B[[B[[B[I[IZZIII[I)I", (void *)spawn0 },
};

jint vagga_register_spawner(JNIEnv *env)
{
    return vagga_register(env, "vagga/linux/Spawner", methods, sizeof methods / sizeof methods[0]);
}
