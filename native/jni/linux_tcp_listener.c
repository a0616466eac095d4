/* Natives of vagga.linux.TcpListener: a listening TCP socket for pass-tcp-socket. */
#include "vaggajni.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ip: numeric IPv4 or IPv6 text ("0.0.0.0", "::1"); returns the fd or -errno. The socket is
 * CLOEXEC: the spawner dups it to the shim's fd explicitly. */
static jint listen0(JNIEnv *env, jclass cls, jstring jip, jint port, jint backlog)
{
    (void)cls;
    const char *ip = (*env)->GetStringUTFChars(env, jip, NULL);
    if (ip == NULL)
        return -ENOMEM;
    struct sockaddr_storage addr;
    socklen_t len;
    memset(&addr, 0, sizeof addr);
    struct sockaddr_in *v4 = (struct sockaddr_in *)&addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&addr;
    int family;
    if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
        family = v4->sin_family = AF_INET;
        v4->sin_port = htons((unsigned short)port);
        len = sizeof *v4;
    } else if (inet_pton(AF_INET6, ip, &v6->sin6_addr) == 1) {
        family = v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((unsigned short)port);
        len = sizeof *v6;
    } else {
        (*env)->ReleaseStringUTFChars(env, jip, ip);
        return -EINVAL;
    }
    (*env)->ReleaseStringUTFChars(env, jip, ip);
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0
        || bind(fd, (struct sockaddr *)&addr, len) < 0 || listen(fd, backlog) < 0) {
        int err = errno;
        close(fd);
        return -err;
    }
    return fd;
}

static const JNINativeMethod methods[] = {
    { "listen0", "(Ljava/lang/String;II)I", (void *)listen0 },
};

jint vagga_register_tcp_listener(JNIEnv *env)
{
    return vagga_register(env, "vagga/linux/TcpListener", methods, sizeof methods / sizeof methods[0]);
}
