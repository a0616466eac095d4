/* Shared declarations of the JNI library: each C file registers the natives of its Java class. */
#ifndef VAGGAJNI_H
#define VAGGAJNI_H

#include <jni.h>

/* Each returns JNI_OK or a JNI error; called from JNI_OnLoad (linux_syscalls.c). */
jint vagga_register_syscalls(JNIEnv *env);
jint vagga_register_spawner(JNIEnv *env);
jint vagga_register_signal_pipe(JNIEnv *env);
jint vagga_register_tcp_listener(JNIEnv *env);
jint vagga_register_network_namespace(JNIEnv *env);
jint vagga_register_stage(JNIEnv *env);
jint vagga_register_prefixer(JNIEnv *env);
jint vagga_register_tree_walk(JNIEnv *env);
jint vagga_register_unix_socket(JNIEnv *env);
jint vagga_register_layers(JNIEnv *env);
jint vagga_register_user_namespace(JNIEnv *env);
jint vagga_register_sha256(JNIEnv *env);
jint vagga_open_namespace(JNIEnv *env, jstring path, int type);

/* RegisterNatives for one class, reporting a missing class or method on stderr. */
jint vagga_register(JNIEnv *env, const char *class_name, const JNINativeMethod *methods, int count);

#endif
