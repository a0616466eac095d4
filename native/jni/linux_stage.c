/* Natives of vagga.linux.Stage: the reactor thread's private mount namespace with the !HostRoot
 * skeleton built once, from which every child is cloned (shim --stage, PROTOCOL.md). */
#include "vaggajni.h"
#include "../shim/skeleton.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

/*
 * Moves the calling thread (only it: unshare(CLONE_NEWNS) implies CLONE_FS, which a thread may
 * unshare alone) into a copy of the mount namespace with every mount private, so that nothing
 * mounted there reaches the host, and builds the skeleton on DIR. Returns NULL, or what failed.
 * A failure after unshare leaves the thread in the private copy, which is harmless.
 */
static jstring prepare0(JNIEnv *env, jclass cls, jstring jdir)
{
    (void)cls;
    char failed[PATH_MAX + 64], message[PATH_MAX + 192];
    const char *dir = (*env)->GetStringUTFChars(env, jdir, NULL);
    int rc, err = 0;
    if (dir == NULL)
        return NULL; /* OutOfMemoryError pending */
    if ((rc = unshare(CLONE_NEWNS)) < 0)
        snprintf(failed, sizeof failed, "unshare(CLONE_NEWNS)");
    else if ((rc = mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) < 0)
        snprintf(failed, sizeof failed, "make / private");
    else if ((rc = skeleton_build("", dir, failed, sizeof failed)) < 0) {
        err = errno;
        umount2(dir, MNT_DETACH); /* a half-built skeleton must not hide the stage directory */
        errno = err;
    }
    if (rc < 0) {
        err = errno;
        snprintf(message, sizeof message, "%s: %s", failed, strerror(err));
    }
    (*env)->ReleaseStringUTFChars(env, jdir, dir);
    return rc < 0 ? (*env)->NewStringUTF(env, message) : NULL;
}

static const JNINativeMethod methods[] = {
    { "prepare0", "(Ljava/lang/String;)Ljava/lang/String;", (void *)prepare0 },
};

jint vagga_register_stage(JNIEnv *env)
{
    return vagga_register(env, "vagga/linux/Stage", methods, sizeof methods / sizeof methods[0]);
}
