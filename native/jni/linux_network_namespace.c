/* Natives of vagga.linux.NetworkNamespace: a new network namespace holding only a loopback that is up. */
#include "vaggajni.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Moves the calling thread into a new network namespace (namespaces are per thread), brings "lo"
 * up and returns an fd of the namespace, or -errno. The caller runs this on a throw-away thread. */
static jint create0(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    if (unshare(CLONE_NEWNET) < 0)
        return -errno;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -errno;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
        int err = errno;
        close(s);
        return -err;
    }
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
        int err = errno;
        close(s);
        return -err;
    }
    close(s);
    int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

/* Moves the calling thread into the network namespace fd; 0 or -errno. */
static jint enter0(JNIEnv *env, jclass cls, jint fd)
{
    (void)env; (void)cls;
    return setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
}

/* Opens a namespace file (a bind mount of one, or /proc/PID/ns/...) and checks that it is one of
 * type (CLONE_NEWNET, CLONE_NEWUSER): a plain file left where a namespace was mounted is -EINVAL,
 * not a namespace to join. Shared with linux_user_namespace.c. */
jint vagga_open_namespace(JNIEnv *env, jstring path, int type)
{
    const char *p = (*env)->GetStringUTFChars(env, path, NULL);
    if (p == NULL)
        return -ENOMEM;
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    int err = errno;
    (*env)->ReleaseStringUTFChars(env, path, p);
    if (fd < 0)
        return -err;
    if (ioctl(fd, NS_GET_NSTYPE) != type) {
        close(fd);
        return -EINVAL;
    }
    return fd;
}

static jint open0(JNIEnv *env, jclass cls, jstring path)
{
    (void)cls;
    return vagga_open_namespace(env, path, CLONE_NEWNET);
}

static const JNINativeMethod methods[] = {
    { "open0", "(Ljava/lang/String;)I", (void *)open0 },
    { "create0", "()I", (void *)create0 },
    { "enter0", "(I)I", (void *)enter0 },
};

jint vagga_register_network_namespace(JNIEnv *env)
{
    return vagga_register(env, "vagga/linux/NetworkNamespace", methods, sizeof methods / sizeof methods[0]);
}
