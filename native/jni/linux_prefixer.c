/* Natives of vagga.linux.Prefixer: a pty per child (openpty without libutil), window sizes, big reads and full writes. */
#include "vaggajni.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#define IO_CHUNK (1024 * 1024)

/* out = {master, slave}, both O_CLOEXEC; the master non-blocking (the prefixer polls it). The slave
 * does not turn "\n" into "\r\n" (ONLCR off): vagga's own terminal does that once, on the way out. */
static jint openPty0(JNIEnv *env, jclass cls, jintArray out)
{
    (void)cls;
    char name[64];
    struct termios t;
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
    if (master < 0)
        return -errno;
    if (grantpt(master) < 0 || unlockpt(master) < 0 || ptsname_r(master, name, sizeof name) != 0) {
        int err = errno;
        close(master);
        return -err;
    }
    int slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0) {
        int err = errno;
        close(master);
        return -err;
    }
    if (tcgetattr(slave, &t) == 0) {
        t.c_oflag &= ~ONLCR;
        tcsetattr(slave, TCSANOW, &t);
    }
    jint fds[2] = { master, slave };
    (*env)->SetIntArrayRegion(env, out, 0, 2, fds);
    return 0;
}

/* A bigger pipe buffer (F_SETPIPE_SZ, at most /proc/sys/fs/pipe-max-size): each hop between a
 * child, the prefixer and vagga's reader costs a wake-up, and fewer, bigger hops are faster. */
static jint growPipe0(JNIEnv *env, jclass cls, jint fd, jint size)
{
    (void)env; (void)cls;
    return fcntl(fd, F_SETPIPE_SZ, size) < 0 ? -errno : 0;
}

/* The window size of the terminal FROM, NARROW columns fewer (the prefix takes them), set on pty TO. */
static jint copyWindowSize0(JNIEnv *env, jclass cls, jint from, jint to, jint narrow)
{
    (void)env; (void)cls;
    struct winsize ws;
    if (ioctl(from, TIOCGWINSZ, &ws) < 0)
        return -errno;
    ws.ws_col = ws.ws_col > narrow + 20 ? ws.ws_col - narrow : 20;
    return ioctl(to, TIOCSWINSZ, &ws) < 0 ? -errno : 0;
}

/* read(2) of up to LEN bytes straight into BUF; NEWLINES[0] = how many '\n' came, NEWLINES[1..] =
 * where (memchr, not a Java loop: the JVM runs with C1 only, whose byte loop was the prefixer's
 * bottleneck). EIO (a pty whose slaves are all closed) is returned as -EIO: the end. The fd is
 * non-blocking, so holding the arrays (critical) across the read never blocks the collector long. */
static jint readLines0(JNIEnv *env, jclass cls, jint fd, jbyteArray buf, jint len, jintArray newlines)
{
    (void)cls;
    if ((*env)->GetArrayLength(env, buf) < len || (*env)->GetArrayLength(env, newlines) < len + 1)
        return -EINVAL;
    jbyte *data = (*env)->GetPrimitiveArrayCritical(env, buf, NULL);
    if (data == NULL)
        return -ENOMEM;
    jint *where = (*env)->GetPrimitiveArrayCritical(env, newlines, NULL);
    if (where == NULL) {
        (*env)->ReleasePrimitiveArrayCritical(env, buf, data, JNI_ABORT);
        return -ENOMEM;
    }
    ssize_t n;
    do {
        n = read(fd, data, len);
    } while (n < 0 && errno == EINTR);
    int err = errno;
    jint count = 0;
    if (n > 0) {
        const char *p = (const char *)data, *end = p + n;
        while (p < end && (p = memchr(p, '\n', end - p)) != NULL) {
            where[++count] = (jint)(p - (const char *)data);
            p++;
        }
    }
    where[0] = count;
    (*env)->ReleasePrimitiveArrayCritical(env, newlines, where, 0);
    (*env)->ReleasePrimitiveArrayCritical(env, buf, data, 0);
    return n < 0 ? -err : (jint)n;
}

/* Writes all LEN bytes (waiting with poll when the fd is non-blocking and full); returns LEN or -errno.
 * Copies through a buffer of its own (a blocking write must not hold the Java array critical). */
static jint writeAll0(JNIEnv *env, jclass cls, jint fd, jbyteArray buf, jint off, jint len)
{
    (void)cls;
    static __thread jbyte *tmp;
    if (tmp == NULL && (tmp = malloc(IO_CHUNK)) == NULL)
        return -ENOMEM;
    jint done = 0;
    while (done < len) {
        jint chunk = len - done > IO_CHUNK ? IO_CHUNK : len - done;
        (*env)->GetByteArrayRegion(env, buf, off + done, chunk, tmp);
        jint sent = 0;
        while (sent < chunk) {
            ssize_t n = write(fd, tmp + sent, chunk - sent);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && errno == EAGAIN) {
                struct pollfd p = { .fd = fd, .events = POLLOUT };
                poll(&p, 1, -1);
                continue;
            }
            if (n < 0)
                return -errno;
            sent += (jint)n;
        }
        done += chunk;
    }
    return len;
}

static const JNINativeMethod methods[] = {
    { "openPty0", "([I)I", (void *)openPty0 },
    { "growPipe0", "(II)I", (void *)growPipe0 },
    { "copyWindowSize0", "(III)I", (void *)copyWindowSize0 },
    { "readLines0", "(I[BI[I)I", (void *)readLines0 },
    { "writeAll0", "(I[BII)I", (void *)writeAll0 },
};

jint vagga_register_prefixer(JNIEnv *env)
{
    return vagga_register(env, "vagga/linux/Prefixer", methods, sizeof methods / sizeof methods[0]);
}
