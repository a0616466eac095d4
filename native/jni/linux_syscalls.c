/* Natives of vagga.linux.Syscalls (fds, pipes, epoll, pidfds, terminal) and the library's JNI_OnLoad. */
#include "vaggajni.h"
#include "../shim/beneath.h"

#include <errno.h>
#include <stdint.h>
#include <sys/resource.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

#define EPOLL_BATCH 64

jint vagga_register(JNIEnv *env, const char *class_name, const JNINativeMethod *methods, int count)
{
    jclass cls = (*env)->FindClass(env, class_name);
    if (cls == NULL) {
        fprintf(stderr, "vaggajni: FindClass(%s) failed\n", class_name);
        return JNI_ERR;
    }
    if ((*env)->RegisterNatives(env, cls, methods, count) != 0) {
        fprintf(stderr, "vaggajni: RegisterNatives(%s) failed\n", class_name);
        return JNI_ERR;
    }
    (*env)->DeleteLocalRef(env, cls);
    return JNI_OK;
}

static jint close0(JNIEnv *env, jclass cls, jint fd)
{
    (void)env; (void)cls;
    /* Linux always releases the fd, even on EINTR: never retry close. */
    return close(fd) < 0 ? -errno : 0;
}

static jint read0(JNIEnv *env, jclass cls, jint fd, jbyteArray buf, jint off, jint len)
{
    (void)cls;
    jbyte tmp[4096];
    if (len > (jint)sizeof tmp)
        len = sizeof tmp;
    ssize_t n;
    do {
        n = read(fd, tmp, len);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    (*env)->SetByteArrayRegion(env, buf, off, (jsize)n, tmp);
    return (jint)n;
}

static jint write0(JNIEnv *env, jclass cls, jint fd, jbyteArray buf, jint off, jint len)
{
    (void)cls;
    jbyte tmp[4096];
    if (len > (jint)sizeof tmp)
        len = sizeof tmp;
    (*env)->GetByteArrayRegion(env, buf, off, len, tmp);
    ssize_t n;
    do {
        n = write(fd, tmp, len);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : (jint)n;
}

static jint pipe0(JNIEnv *env, jclass cls, jintArray out)
{
    (void)cls;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return -errno;
    jint j[2] = { fds[0], fds[1] };
    (*env)->SetIntArrayRegion(env, out, 0, 2, j);
    return 0;
}

static jint setNonBlocking0(JNIEnv *env, jclass cls, jint fd)
{
    (void)env; (void)cls;
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return -errno;
    return 0;
}

static jint eventfd0(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    return fd < 0 ? -errno : fd;
}

static jint epollCreate0(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    int fd = epoll_create1(EPOLL_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

static jint epollCtl0(JNIEnv *env, jclass cls, jint epfd, jint op, jint fd, jint events, jlong data)
{
    (void)env; (void)cls;
    struct epoll_event ev = { .events = (uint32_t)events, .data.u64 = (uint64_t)data };
    return epoll_ctl(epfd, op, fd, &ev) < 0 ? -errno : 0;
}

/* Fills data[i]/events[i]; returns the count or -errno (EINTR included: the caller loops). */
static jint epollWait0(JNIEnv *env, jclass cls, jint epfd, jlongArray data, jintArray events,
                       jint timeout_ms)
{
    (void)cls;
    struct epoll_event evs[EPOLL_BATCH];
    jint max = (*env)->GetArrayLength(env, data);
    if (max > EPOLL_BATCH)
        max = EPOLL_BATCH;
    int n = epoll_wait(epfd, evs, max, timeout_ms);
    if (n < 0)
        return -errno;
    jlong d[EPOLL_BATCH];
    jint e[EPOLL_BATCH];
    for (int i = 0; i < n; i++) {
        d[i] = (jlong)evs[i].data.u64;
        e[i] = (jint)evs[i].events;
    }
    (*env)->SetLongArrayRegion(env, data, 0, n, d);
    (*env)->SetIntArrayRegion(env, events, 0, n, e);
    return n;
}

static jint kill0(JNIEnv *env, jclass cls, jint pid, jint sig)
{
    (void)env; (void)cls;
    return kill(pid, sig) < 0 ? -errno : 0;
}

static jint pidfdSendSignal0(JNIEnv *env, jclass cls, jint pidfd, jint sig)
{
    (void)env; (void)cls;
    return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 ? -errno : 0;
}

/* waitid(P_PIDFD): out = {si_code, si_status}; returns 0, or -errno. Only ever this one child:
 * waitpid(-1) would steal the JDK's own children. */
static jint waitPidfd0(JNIEnv *env, jclass cls, jint pidfd, jint options, jintArray out)
{
    (void)cls;
    siginfo_t si;
    memset(&si, 0, sizeof si);
    int r;
    do {
        r = waitid((idtype_t)P_PIDFD, (id_t)pidfd, &si, options);
    } while (r < 0 && errno == EINTR);
    if (r < 0)
        return -errno;
    jint j[2] = { si.si_code, si.si_status };
    (*env)->SetIntArrayRegion(env, out, 0, 2, j);
    return 0;
}

static jint geteuid0(JNIEnv *env, jclass cls) { (void)env; (void)cls; return (jint)geteuid(); }
static jint getuid0(JNIEnv *env, jclass cls) { (void)env; (void)cls; return (jint)getuid(); }
static jint getgid0(JNIEnv *env, jclass cls) { (void)env; (void)cls; return (jint)getgid(); }
static jint getpid0(JNIEnv *env, jclass cls) { (void)env; (void)cls; return (jint)getpid(); }
static jint getpgrp0(JNIEnv *env, jclass cls) { (void)env; (void)cls; return (jint)getpgrp(); }

static jint isatty0(JNIEnv *env, jclass cls, jint fd)
{
    (void)env; (void)cls;
    return isatty(fd) ? 1 : 0;
}

static jint tcgetpgrp0(JNIEnv *env, jclass cls, jint fd)
{
    (void)env; (void)cls;
    pid_t p = tcgetpgrp(fd);
    return p < 0 ? -errno : (jint)p;
}

/* A background process calling tcsetpgrp gets SIGTTOU (which would stop the whole JVM): block it
 * for this thread around the call. */
static jint tcsetpgrp0(JNIEnv *env, jclass cls, jint fd, jint pgrp)
{
    (void)env; (void)cls;
    sigset_t ttou, old;
    sigemptyset(&ttou);
    sigaddset(&ttou, SIGTTOU);
    int err = pthread_sigmask(SIG_BLOCK, &ttou, &old);
    if (err != 0)
        return -err;
    int r = tcsetpgrp(fd, pgrp) < 0 ? -errno : 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return r;
}

static jstring strerror0(JNIEnv *env, jclass cls, jint errnum)
{
    (void)cls;
    char buf[256];
    const char *s = strerror_r(errnum, buf, sizeof buf);
    return (*env)->NewStringUTF(env, s);
}

/* mkdir -p of REL beneath the directory BASE without following symlinks (beneath.h); returns 1 when
 * the last directory was created (with owner UID/GID when >= 0), 0 when it existed, or -errno with
 * out[0] = the length of the prefix of REL that failed. */
static jint makeDirsBeneath0(JNIEnv *env, jclass cls, jstring jbase, jstring jrel, jint mode, jboolean exact,
                             jint uid, jint gid, jintArray out)
{
    (void)cls;
    const char *base = (*env)->GetStringUTFChars(env, jbase, NULL);
    const char *rel = base ? (*env)->GetStringUTFChars(env, jrel, NULL) : NULL;
    size_t failed = 0;
    jint r;
    int fd;
    if (rel == NULL) {
        if (base)
            (*env)->ReleaseStringUTFChars(env, jbase, base);
        return -ENOMEM; /* OutOfMemoryError pending */
    }
    fd = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        r = -errno;
    } else {
        r = beneath_mkdirs(fd, rel, (mode_t)mode, exact, uid, gid, &failed);
        if (r < 0)
            r = -errno;
        close(fd);
    }
    (*env)->ReleaseStringUTFChars(env, jrel, rel);
    (*env)->ReleaseStringUTFChars(env, jbase, base);
    jint j[1] = { (jint)failed };
    (*env)->SetIntArrayRegion(env, out, 0, 1, j);
    return r;
}

/* A root's lease (image/RootLease): DIR/in-use opened, or created, without following a link, and
 * share-locked with fcntl as FileChannel.lock(0, Long.MAX_VALUE, true) locks it (so a removal's
 * exclusive tryLock sees it), waiting while a removal holds it; then DIR/last_use truncated, or
 * created, which sets its mtime (vagga touches it at every use; a failure there only warns in
 * vagga, so it is ignored). Returns the locked descriptor, to be kept open, or -errno. */
static jint leaseRoot0(JNIEnv *env, jclass cls, jstring jdir)
{
    (void)cls;
    const char *dir = (*env)->GetStringUTFChars(env, jdir, NULL);
    int dfd, fd, use, e;
    struct flock lock = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = INT64_MAX };
    if (dir == NULL)
        return -ENOMEM; /* OutOfMemoryError pending */
    dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    e = errno;
    (*env)->ReleaseStringUTFChars(env, jdir, dir);
    if (dfd < 0)
        return -e;
    fd = openat(dfd, "in-use", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) {
        e = errno;
        close(dfd);
        return -e;
    }
    while (fcntl(fd, F_SETLKW, &lock) < 0) {
        if (errno != EINTR) {
            e = errno;
            close(fd);
            close(dfd);
            return -e;
        }
    }
    use = openat(dfd, "last_use", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (use >= 0)
        close(use);
    close(dfd);
    return fd;
}

/* out[0] the soft limit, out[1] the hard one (RLIM_INFINITY as Long.MAX_VALUE). */
static jint openFilesLimit0(JNIEnv *env, jclass cls, jlongArray out)
{
    (void)cls;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return -errno;
    jlong v[2] = {
        rl.rlim_cur == RLIM_INFINITY ? INT64_MAX : (jlong)rl.rlim_cur,
        rl.rlim_max == RLIM_INFINITY ? INT64_MAX : (jlong)rl.rlim_max,
    };
    (*env)->SetLongArrayRegion(env, out, 0, 2, v);
    return 0;
}

static jint setOpenFilesLimit0(JNIEnv *env, jclass cls, jlong soft, jlong hard)
{
    (void)env; (void)cls;
    struct rlimit rl = { (rlim_t)soft, (rlim_t)hard };
    return setrlimit(RLIMIT_NOFILE, &rl) < 0 ? -errno : 0;
}

static const JNINativeMethod methods[] = {
    { "makeDirsBeneath0", "(Ljava/lang/String;Ljava/lang/String;IZII[I)I", (void *)makeDirsBeneath0 },
    { "close0", "(I)I", (void *)close0 },
    { "read0", "(I[BII)I", (void *)read0 },
    { "write0", "(I[BII)I", (void *)write0 },
    { "pipe0", "([I)I", (void *)pipe0 },
    { "setNonBlocking0", "(I)I", (void *)setNonBlocking0 },
    { "eventfd0", "()I", (void *)eventfd0 },
    { "epollCreate0", "()I", (void *)epollCreate0 },
    { "epollCtl0", "(IIIIJ)I", (void *)epollCtl0 },
    { "epollWait0", "(I[J[II)I", (void *)epollWait0 },
    { "kill0", "(II)I", (void *)kill0 },
    { "pidfdSendSignal0", "(II)I", (void *)pidfdSendSignal0 },
    { "waitPidfd0", "(II[I)I", (void *)waitPidfd0 },
    { "geteuid0", "()I", (void *)geteuid0 },
    { "getuid0", "()I", (void *)getuid0 },
    { "getgid0", "()I", (void *)getgid0 },
    { "getpid0", "()I", (void *)getpid0 },
    { "getpgrp0", "()I", (void *)getpgrp0 },
    { "isatty0", "(I)I", (void *)isatty0 },
    { "tcgetpgrp0", "(I)I", (void *)tcgetpgrp0 },
    { "tcsetpgrp0", "(II)I", (void *)tcsetpgrp0 },
    { "strerror0", "(I)Ljava/lang/String;", (void *)strerror0 },
    { "openFilesLimit0", "([J)I", (void *)openFilesLimit0 },
    { "setOpenFilesLimit0", "(JJ)I", (void *)setOpenFilesLimit0 },
    { "leaseRoot0", "(Ljava/lang/String;)I", (void *)leaseRoot0 },
};

jint vagga_register_syscalls(JNIEnv *env)
{
    return vagga_register(env, "vagga/linux/Syscalls", methods, sizeof methods / sizeof methods[0]);
}

/* Natives are registered here (not found by name) so the symbols stay static and the Java
 * classes can be renamed in one place. */
JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)
{
    (void)reserved;
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK)
        return JNI_ERR;
    if (vagga_register_syscalls(env) != JNI_OK || vagga_register_spawner(env) != JNI_OK
        || vagga_register_signal_pipe(env) != JNI_OK || vagga_register_tcp_listener(env) != JNI_OK
        || vagga_register_network_namespace(env) != JNI_OK || vagga_register_stage(env) != JNI_OK
        || vagga_register_prefixer(env) != JNI_OK || vagga_register_tree_walk(env) != JNI_OK
        || vagga_register_unix_socket(env) != JNI_OK || vagga_register_layers(env) != JNI_OK
        || vagga_register_user_namespace(env) != JNI_OK || vagga_register_sha256(env) != JNI_OK)
        return JNI_ERR;
    return JNI_VERSION_1_8;
}
