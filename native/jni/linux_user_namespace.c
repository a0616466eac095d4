/* Natives of vagga.linux.UserNamespace: an existing user namespace, network namespaces made in it, a connect in one. */
#include "vaggajni.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
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

/* What a child of ns_child does in the user namespace: make a network namespace, or open a TCP
 * socket in an existing one. */
enum ns_op { OP_NEW_NETWORK, OP_SOCKET_IN };

struct ns_request {
    enum ns_op op;
    int userns;
    int netns;
    volatile int fd;
    volatile int err;
};

static _Noreturn void ns_fail(struct ns_request *r)
{
    r->err = errno;
    _exit(1);
}

static void bring_lo_up(struct ns_request *r)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
        ns_fail(r);
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
        ns_fail(r);
    close(s);
}

/* In a child sharing the JVM's memory and fd table (signals stay blocked; system calls only):
 * join the user namespace (a JVM thread cannot: setns needs a single-threaded process), then do
 * r->op; the fd it opens lands in the shared table. */
static int ns_main(void *arg)
{
    struct ns_request *r = arg;
    if (setns(r->userns, CLONE_NEWUSER) < 0)
        ns_fail(r);
    int fd;
    if (r->op == OP_NEW_NETWORK) {
        if (unshare(CLONE_NEWNET) < 0)
            ns_fail(r);
        bring_lo_up(r);
        fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    } else {
        /* a socket belongs to the network namespace it was made in, whoever uses it then */
        if (setns(r->netns, CLONE_NEWNET) < 0)
            ns_fail(r);
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    }
    if (fd < 0)
        ns_fail(r);
    r->fd = fd;
    _exit(0);
}

/* Runs ns_main in a vfork-style child; the fd it made, or -errno. */
static int ns_child(struct ns_request *r)
{
    r->fd = -1;
    r->err = 0;
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
    pid_t pid = clone(ns_main, (char *)stack + STACK_SIZE, CLONE_VM | CLONE_VFORK | CLONE_FILES | SIGCHLD, r);
    int clone_errno = errno;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, 8);
    if (pid >= 0) {
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    munmap(stack, STACK_SIZE);
    if (pid < 0)
        return -clone_errno;
    return r->fd >= 0 ? r->fd : -(r->err != 0 ? r->err : ECHILD);
}

/* A new network namespace owned by the user namespace userns: its fd, or -errno. */
static jint createNetwork0(JNIEnv *env, jclass cls, jint userns)
{
    (void)env; (void)cls;
    struct ns_request r = { .op = OP_NEW_NETWORK, .userns = userns, .netns = -1 };
    return ns_child(&r);
}

/* A TCP connect to 127.0.0.1:port inside netns (owned by userns), at most millis: 0 or -errno. */
static jint connectLoopback0(JNIEnv *env, jclass cls, jint userns, jint netns, jint port, jint millis)
{
    (void)env; (void)cls;
    struct ns_request r = { .op = OP_SOCKET_IN, .userns = userns, .netns = netns };
    int fd = ns_child(&r);
    if (fd < 0)
        return fd;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int result = 0;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        if (errno != EINPROGRESS) {
            result = -errno;
        } else {
            struct pollfd p = { .fd = fd, .events = POLLOUT };
            int n;
            while ((n = poll(&p, 1, millis)) < 0 && errno == EINTR)
                ;
            int soerr = 0;
            socklen_t len = sizeof soerr;
            if (n < 0)
                result = -errno;
            else if (n == 0)
                result = -ETIMEDOUT;
            else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
                result = -errno;
            else
                result = -soerr;
        }
    }
    close(fd);
    return result;
}

static const JNINativeMethod methods[] = {
    { "open0", "(Ljava/lang/String;)I", (void *)open0 },
    { "createNetwork0", "(I)I", (void *)createNetwork0 },
    { "connectLoopback0", "(IIII)I", (void *)connectLoopback0 },
};

jint vagga_register_user_namespace(JNIEnv *env)
{
    return vagga_register(env, "vagga/linux/UserNamespace", methods, sizeof methods / sizeof methods[0]);
}
