/* Natives of vagga.linux.SignalPipe: a sigaction handler that writes each signal number to a pipe. */
#include "vaggajni.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* Written once (before any handler is installed), read only by the handler. */
static volatile int signal_pipe_fd = -1;

/* Async-signal-safe: one write, errno preserved. A full pipe drops the signal, which only
 * happens if the reactor is hundreds of signals behind. */
static void on_signal(int signo)
{
    int saved = errno;
    unsigned char b = (unsigned char)signo;
    ssize_t n = write(signal_pipe_fd, &b, 1);
    (void)n;
    errno = saved;
}

static jint init0(JNIEnv *env, jclass cls, jint write_fd)
{
    (void)env; (void)cls;
    signal_pipe_fd = write_fd;
    return 0;
}

/* Not signalfd: in the JVM it races the JVM's own handlers and thread masks (FACTS.md). */
static jint handle0(JNIEnv *env, jclass cls, jint signo)
{
    (void)env; (void)cls;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigfillset(&sa.sa_mask);
    return sigaction(signo, &sa, NULL) < 0 ? -errno : 0;
}

static jint reset0(JNIEnv *env, jclass cls, jint signo)
{
    (void)env; (void)cls;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    return sigaction(signo, &sa, NULL) < 0 ? -errno : 0;
}

static const JNINativeMethod methods[] = {
    { "init0", "(I)I", (void *)init0 },
    { "handle0", "(I)I", (void *)handle0 },
    { "reset0", "(I)I", (void *)reset0 },
};

jint vagga_register_signal_pipe(JNIEnv *env)
{
    return vagga_register(env, "vagga/linux/SignalPipe", methods, sizeof methods / sizeof methods[0]);
}
