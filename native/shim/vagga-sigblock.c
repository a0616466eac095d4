/* vagga-sigblock: blocks the signals vagga acts on, then execs the JVM (native/launcher.sh). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/*
 * The JVM takes a few hundred milliseconds before vagga's handlers are in place. A signal that
 * arrives meanwhile would be lost when the caller left it ignored (`vagga cmd &` in a script
 * ignores SIGINT and SIGQUIT), or kill the JVM half-started. Blocked, it stays pending: the kernel
 * never discards a blocked signal, whatever its disposition. vagga.linux.EarlySignals unblocks the
 * same list once the handlers are installed, or before work that runs under the default
 * dispositions; -Xrs keeps HotSpot from unblocking them in its own threads.
 */
static const int blocked[] = {
    SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU, SIGCONT,
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: vagga-sigblock PROGRAM [ARG...]\n");
        return 2;
    }
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < sizeof blocked / sizeof blocked[0]; i++)
        sigaddset(&set, blocked[i]);
    /* Not fatal: vagga without it only has the old window. */
    if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
        fprintf(stderr, "vagga: warning: sigprocmask: %s\n", strerror(errno));
    execvp(argv[1], argv + 1);
    fprintf(stderr, "vagga: cannot run %s: %s\n", argv[1], strerror(errno));
    return errno == ENOENT ? 127 : 126;
}
