/* Natives of vagga.linux.UnixSocket: the supervisor's control socket, without java.nio's Unix
 * channels (whose first use costs ~20 ms of class loading and SecureRandom seeding at every start). */
#include "vaggajni.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* Fills addr from the path; -ENAMETOOLONG when it does not fit sun_path. */
static int socket_address(JNIEnv *env, jstring jpath, struct sockaddr_un *addr)
{
    const char *path = (*env)->GetStringUTFChars(env, jpath, NULL);
    if (path == NULL)
        return -ENOMEM;
    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    size_t len = strlen(path);
    int r = 0;
    if (len >= sizeof addr->sun_path)
        r = -ENAMETOOLONG;
    else
        memcpy(addr->sun_path, path, len + 1);
    (*env)->ReleaseStringUTFChars(env, jpath, path);
    return r;
}

/* A new Unix stream socket (CLOEXEC) and the address of path; the fd or -errno. */
static int unix_socket(JNIEnv *env, jstring jpath, struct sockaddr_un *addr)
{
    int r = socket_address(env, jpath, addr);
    if (r < 0)
        return r;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    return fd < 0 ? -errno : fd;
}

/* A listening socket at path, its file chmod 0600; the fd (CLOEXEC) or -errno. */
static jint listen0(JNIEnv *env, jclass cls, jstring jpath, jint backlog)
{
    (void)cls;
    struct sockaddr_un addr;
    int fd = unix_socket(env, jpath, &addr);
    if (fd < 0)
        return fd;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || chmod(addr.sun_path, 0600) < 0
        || listen(fd, backlog) < 0) {
        int err = errno;
        close(fd);
        return -err;
    }
    return fd;
}

/* The next connection (CLOEXEC), or -errno (EINVAL once shutdown0 stopped the listener). */
static jint accept0(JNIEnv *env, jclass cls, jint fd)
{
    (void)env; (void)cls;
    int c;
    do {
        c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
    } while (c < 0 && errno == EINTR);
    return c < 0 ? -errno : c;
}

/* 0 when something listens at path, else -errno (ECONNREFUSED: a socket file nobody listens on). */
static jint probe0(JNIEnv *env, jclass cls, jstring jpath)
{
    (void)cls;
    struct sockaddr_un addr;
    int fd = unix_socket(env, jpath, &addr);
    if (fd < 0)
        return fd;
    int r;
    do {
        r = connect(fd, (struct sockaddr *)&addr, sizeof addr);
    } while (r < 0 && errno == EINTR);
    r = r < 0 ? -errno : 0;
    close(fd);
    return r;
}

/* Wakes a thread blocked in accept0 on this listener (it returns -EINVAL). */
static jint shutdown0(JNIEnv *env, jclass cls, jint fd)
{
    (void)env; (void)cls;
    return shutdown(fd, SHUT_RDWR) < 0 ? -errno : 0;
}

static const JNINativeMethod methods[] = {
    { "listen0", "(Ljava/lang/String;I)I", (void *)listen0 },
    { "accept0", "(I)I", (void *)accept0 },
    { "probe0", "(Ljava/lang/String;)I", (void *)probe0 },
    { "shutdown0", "(I)I", (void *)shutdown0 },
};

jint vagga_register_unix_socket(JNIEnv *env)
{
    return vagga_register(env, "vagga/linux/UnixSocket", methods, sizeof methods / sizeof methods[0]);
}
