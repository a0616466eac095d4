/* Natives of vagga.linux.SignalPipe: a sigaction handler that writes each signal number to a pipe. */
#include "vaggajni.h"

#include <errno.h>
#include <pthread.h>
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

/* On the calling thread only: the launcher blocked it in every thread (vagga-sigblock.c). */
static jint unblock0(JNIEnv *env, jclass cls, jint signo)
{
    (void)env; (void)cls;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    int r = pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    return r != 0 ? -r : 0;
}

/* 1 when the signal was ignored and is now SIG_DFL, 0 when it was not ignored. A pending (blocked)
 * signal survives the change: the kernel discards pending signals only when set to SIG_IGN. */
static jint defaultIfIgnored0(JNIEnv *env, jclass cls, jint signo)
{
    (void)env; (void)cls;
    struct sigaction old;
    if (sigaction(signo, NULL, &old) < 0)
        return -errno;
    if ((old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_IGN)
        return 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    return sigaction(signo, &sa, NULL) < 0 ? -errno : 1;
}

/* A signal the process sent itself (the kernel's SIGPIPE for a write to a closed pipe or socket
 * carries our own pid) is ignored, as HotSpot ignores SIGPIPE: the write fails with EPIPE instead.
 * One sent from outside kills the process, as an unhandled signal does. */
static void on_outside_signal(int signo, siginfo_t *si, void *context)
{
    (void)context;
    if (si->si_pid == 0 || si->si_pid == getpid())
        return;
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(signo, &dfl, NULL);
    /* Pending until this handler returns (sa_mask), then the default action: termination. */
    kill(getpid(), signo);
}

static jint fatalFromOutside0(JNIEnv *env, jclass cls, jint signo)
{
    (void)env; (void)cls;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_outside_signal;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigfillset(&sa.sa_mask);
    return sigaction(signo, &sa, NULL) < 0 ? -errno : 0;
}

static const JNINativeMethod methods[] = {
    { "init0", "(I)I", (void *)init0 },
    { "handle0", "(I)I", (void *)handle0 },
    { "reset0", "(I)I", (void *)reset0 },
    { "unblock0", "(I)I", (void *)unblock0 },
    { "defaultIfIgnored0", "(I)I", (void *)defaultIfIgnored0 },
    { "fatalFromOutside0", "(I)I", (void *)fatalFromOutside0 },
};

jint vagga_register_signal_pipe(JNIEnv *env)
{
    return vagga_register(env, "vagga/linux/SignalPipe", methods, sizeof methods / sizeof methods[0]);
}
