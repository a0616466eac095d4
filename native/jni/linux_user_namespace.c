/* Natives of vagga.linux.UserNamespace: an existing user namespace, and network namespaces made in it. */
#include "vaggajni.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define STACK_SIZE (64 * 1024)

/* Opens a user namespace file (vagga's bind-mounted "userns", /proc/PID/ns/user). */
static jint open0(JNIEnv *env, jclass cls, jstring path)
{
    (void)cls;
    return vagga_open_namespace(env, path, CLONE_NEWUSER);
}

struct net_request {
    int userns;
    volatile int fd;
    volatile int err;
};

/* In a child sharing the JVM's memory and fd table (signals stay blocked; system calls only):
 * join the user namespace (a JVM thread cannot: setns needs a single-threaded process), make a
 * network namespace there, bring its lo up and open it; the fd lands in the shared table. */
static int net_main(void *arg)
{
    struct net_request *r = arg;
    if (setns(r->userns, CLONE_NEWUSER) < 0 || unshare(CLONE_NEWNET) < 0) {
        r->err = errno;
        _exit(1);
    }
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
        r->err = errno;
        _exit(1);
    }
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
        r->err = errno;
        _exit(1);
    }
    close(s);
    int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        r->err = errno;
        _exit(1);
    }
    r->fd = fd;
    _exit(0);
}

/* A new network namespace owned by the user namespace userns: its fd, or -errno. */
static jint createNetwork0(JNIEnv *env, jclass cls, jint userns)
{
    (void)env; (void)cls;
    struct net_request r = { .userns = userns, .fd = -1, .err = 0 };
    void *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED)
        return -errno;
    /* raw, so glibc's own signals 32/33 too: no JVM handler may run on the child's stack */
    unsigned long all = ~0UL, old = 0;
    if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &old, 8) < 0) {
        int err = errno;
        munmap(stack, STACK_SIZE);
        return -err;
    }
    pid_t pid = clone(net_main, (char *)stack + STACK_SIZE, CLONE_VM | CLONE_VFORK | CLONE_FILES | SIGCHLD, &r);
    int clone_errno = errno;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, 8);
    if (pid >= 0) {
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    munmap(stack, STACK_SIZE);
    if (pid < 0)
        return -clone_errno;
    return r.fd >= 0 ? r.fd : -(r.err != 0 ? r.err : ECHILD);
}

static const JNINativeMethod methods[] = {
    { "open0", "(Ljava/lang/String;)I", (void *)open0 },
    { "createNetwork0", "(I)I", (void *)createNetwork0 },
};

jint vagga_register_user_namespace(JNIEnv *env)
{
    return vagga_register(env, "vagga/linux/UserNamespace", methods, sizeof methods / sizeof methods[0]);
}
