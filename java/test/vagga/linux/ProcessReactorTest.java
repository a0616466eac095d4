// Real spawns of the real shim through ProcessReactor: exit codes, signals, kill, failures, PDEATHSIG.
package vagga.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessReactorTest {
    private static final List<String> ENV = List.of("PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C");

    @TempDir
    Path project;

    private final BlockingQueue<ReactorEvent> events = new LinkedBlockingQueue<>();
    private final List<ReactorEvent> otherEvents = new ArrayList<>();
    private ProcessReactor reactor;

    @BeforeEach
    void start() throws LinuxException {
        reactor = new ProcessReactor(events::add);
    }

    @AfterEach
    void stop() {
        reactor.close();
    }

    private ShimInvocation sh(String script) {
        return command(List.of("/bin/sh", "-c", script));
    }

    private ShimInvocation command(List<String> argv) {
        return new ShimInvocation(null, false, project, "/work", argv, ENV, 0, 0, List.of(),
                List.of(), null, null, -1, -1);
    }

    /** The exit event of {@code child}; other events are kept aside. */
    private ExitStatus exitOf(SpawnedChild child) throws InterruptedException {
        for (ReactorEvent e : otherEvents) {
            if (e instanceof ReactorEvent.ChildExited exited && exited.child() == child) {
                otherEvents.remove(e);
                return exited.status();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            ReactorEvent e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e instanceof ReactorEvent.ChildExited exited && exited.child() == child) {
                return exited.status();
            }
            if (e != null) {
                otherEvents.add(e);
            }
        }
        throw new AssertionError("no exit event for " + child + " within 20 s");
    }

    private void awaitFile(String name) throws InterruptedException {
        Path p = project.resolve(name);
        for (int i = 0; i < 1000; i++) {
            if (Files.exists(p)) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError(p + " did not appear within 10 s");
    }

    /** Alive and not a zombie, as /proc tells. */
    static boolean running(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void exitCodesComeFromTheStatusLine() throws Exception {
        for (int code : new int[] {0, 1, 3, 42, 255}) {
            SpawnedChild child = reactor.spawn(sh("exit " + code));
            assertTrue(child.pid() > 1);
            assertEquals(new ExitStatus.Exited(code), exitOf(child));
        }
    }

    @Test
    void commandSeesTheContainer() throws Exception {
        SpawnedChild child = reactor.spawn(sh("echo $$ > /work/pid; pwd > /work/cwd"));
        assertEquals(new ExitStatus.Exited(0), exitOf(child));
        // The shim is PID 1 of the new namespace, the command PID 2.
        assertEquals("2", Files.readString(project.resolve("pid")).strip());
        assertEquals("/work", Files.readString(project.resolve("cwd")).strip());
    }

    @Test
    void asRootChildrenStartFromTheStage() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Syscalls.geteuid() == 0, "the stage is for root");
        SpawnedChild child = reactor.spawn(sh("tr '\\0' ' ' < /proc/1/cmdline"
                + " > /work/shim; touch /usr/x 2>/dev/null || echo ro > /work/ro"));
        assertEquals(new ExitStatus.Exited(0), exitOf(child));
        assertNull(reactor.stageProblem());
        Path stage = LibraryLoader.shim().resolveSibling("stage");
        assertTrue(Files.readString(project.resolve("shim")).contains(" --stage " + stage + " "));
        assertEquals("ro", Files.readString(project.resolve("ro")).strip());
        // the stage is mounted on in the reactor thread's namespace only
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + stage + " "));
        try (var entries = Files.list(stage)) {
            assertEquals(0, entries.count());
        }
    }

    @Test
    void withoutAStageDirectoryEachChildBuildsItsOwnRoot() throws Exception {
        Path lib = project.resolve("lib");
        Files.createDirectories(lib);
        Path shim = Files.copy(LibraryLoader.shim(), lib.resolve(LibraryLoader.SHIM));
        try (ProcessReactor own = new ProcessReactor(events::add, shim)) {
            SpawnedChild child = own.spawn(sh("tr '\\0' ' ' < /proc/1/cmdline > /work/shim; echo ok > /work/ran"));
            assertEquals(new ExitStatus.Exited(0), exitOf(child));
            assertFalse(Files.readString(project.resolve("shim")).contains("--stage"));
            assertEquals("ok", Files.readString(project.resolve("ran")).strip());
            String expected = Syscalls.geteuid() == 0 ? "no stage directory " + lib.resolve("stage")
                    : "unprivileged: a user namespace per child";
            assertEquals(expected, own.stageProblem());
        }
    }

    @Test
    void signalDeathIsReported() throws Exception {
        SpawnedChild child = reactor.spawn(sh("kill -TERM $$"));
        ExitStatus status = exitOf(child);
        assertEquals(new ExitStatus.Signalled(Signals.SIGTERM, false), status);
        assertEquals(143, status.code());
    }

    @Test
    void signalIsForwardedToTheCommand() throws Exception {
        SpawnedChild child = reactor.spawn(sh(
                "trap 'exit 7' USR1; touch /work/ready; while :; do sleep 0.05; done"));
        awaitFile("ready");
        reactor.signal(child, Signals.SIGUSR1, false);
        assertEquals(new ExitStatus.Exited(7), exitOf(child));
    }

    /** PROTOCOL, control pipe: an unknown message is warned about on stderr and ignored; the next one works. */
    @Test
    void unknownControlMessagesAreWarnedAboutAndIgnored() throws Exception {
        int[] err = Syscalls.pipe();
        SpawnedChild child;
        try {
            child = reactor.spawn(sh("trap 'exit 7' USR1; touch /work/ready; while :; do sleep 0.05; done"),
                    new ChildOutput(-1, err[1]));
        } finally {
            Syscalls.closeQuietly(err[1]);
        }
        try {
            awaitFile("ready");
            ShimChild c = (ShimChild) child;
            synchronized (c) {
                Syscalls.write(c.controlFd, new byte[] {'x', 1, '?', 0}, 0, 4);
            }
            reactor.signal(child, Signals.SIGUSR1, false);
            assertEquals(new ExitStatus.Exited(7), exitOf(child));
            StringBuilder stderr = new StringBuilder();
            byte[] buf = new byte[4096];
            int n;
            while ((n = Syscalls.read(err[0], buf, 0, buf.length)) > 0) {
                stderr.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8));
            }
            assertEquals("vagga-init: unknown control message 0x78 0x01, ignored\n"
                    + "vagga-init: unknown control message 0x3f 0x00, ignored\n", stderr.toString());
        } finally {
            Syscalls.closeQuietly(err[0]);
        }
    }

    @Test
    void spawnAllStartsTheRestWhenOneFails() throws Exception {
        ShimInvocation broken = new ShimInvocation(null, false, project, "/work", List.of("/bin/true"), ENV, 0, 0,
                List.of(), List.of(), null, null, 9999, -1); // fd 9999 is not open: the clone's dup fails
        List<ProcessReactor.SpawnResult> results = reactor.spawnAll(List.of(sh("exit 3"), broken, sh("exit 4")));
        assertEquals(3, results.size());
        assertTrue(results.get(1).child() == null && results.get(1).error() != null);
        assertEquals(new ExitStatus.Exited(3), exitOf(results.get(0).child()));
        assertEquals(new ExitStatus.Exited(4), exitOf(results.get(2).child()));
    }

    @Test
    void groupSignalReachesTheCommandsChildren() throws Exception {
        // Only the foreground sleep dying lets the shell reach "exit 5": the trap alone does not.
        SpawnedChild child = reactor.spawn(sh(
                "trap 'touch /work/usr1' USR1; "
                // ready only once the foreground sleep runs, or the signal could come before it
                + "(until grep -qsx sleep /proc/[0-9]*/comm; do :; done; touch /work/ready) & "
                + "sleep 1000; exit 5"));
        awaitFile("ready");
        reactor.signal(child, Signals.SIGUSR1, true);
        assertEquals(new ExitStatus.Exited(5), exitOf(child));
        assertTrue(Files.exists(project.resolve("usr1")));
    }

    @Test
    void killTakesTheShimAndItsNamespace() throws Exception {
        SpawnedChild child = reactor.spawn(sh("trap '' TERM; touch /work/ready; sleep 1000"));
        awaitFile("ready");
        reactor.kill(child);
        assertEquals(new ExitStatus.Signalled(Signals.SIGKILL, false), exitOf(child));
        assertFalse(running(child.pid()));
        // After the exit the fds are gone: signal and kill do nothing, quietly.
        reactor.signal(child, Signals.SIGTERM, false);
        reactor.kill(child);
    }

    @Test
    void missingCommandExits127AndSetupFailureExits124() throws Exception {
        SpawnedChild missing = reactor.spawn(command(List.of("no-such-command-here")));
        assertEquals(new ExitStatus.Exited(127), exitOf(missing));
        Path notADir = project.resolve("no-such-root");
        SpawnedChild setup = reactor.spawn(new ShimInvocation(notADir, false, project, "/work",
                List.of("true"), ENV, 0, 0, List.of(), List.of(), null, null, -1, -1));
        assertEquals(new ExitStatus.Exited(124), exitOf(setup));
    }

    @Test
    void spawnFailureIsAClearException() throws Exception {
        try (ProcessReactor broken = new ProcessReactor(e -> {}, Path.of("/nonexistent/vagga-init"))) {
            LinuxException e = assertThrows(LinuxException.class, () -> broken.spawn(sh("true")));
            assertEquals("execve", e.call());
            assertEquals(2, e.errno());
            assertEquals("cannot run the init shim /nonexistent/vagga-init: No such file or directory",
                    e.getMessage());
        }
    }

    @Test
    void fiftySpawnsInARow() throws Exception {
        long[] spawnNanos = new long[50];
        long begin = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            long t0 = System.nanoTime();
            SpawnedChild child = reactor.spawn(command(List.of("true")));
            spawnNanos[i] = System.nanoTime() - t0;
            assertEquals(new ExitStatus.Exited(0), exitOf(child));
        }
        long total = System.nanoTime() - begin;
        Arrays.sort(spawnNanos);
        System.out.printf("spawn() until the shim is exec'd: median %.3f ms, min %.3f ms; "
                        + "spawn to exit event of `true`: %.2f ms each%n",
                spawnNanos[25] / 1e6, spawnNanos[0] / 1e6, total / 50 / 1e6);
        assertTrue(otherEvents.isEmpty(), otherEvents.toString());
    }

    @Test
    void plainExecutablePathWithoutShim() throws Exception {
        // The bare clone+exec cost, and the fd layout the shim relies on (3 = status, 4 = control).
        long[] nanos = new long[20];
        for (int i = 0; i < nanos.length; i++) {
            long t0 = System.nanoTime();
            SpawnedChild child = reactor.spawnExecutable(Path.of("/bin/sh"),
                    List.of("sh", "-c", "echo exited 9 >&3; ls /proc/self/fd | sort -n | tr '\\n' ' ' > "
                            + project.resolve("fds") + "; exit 1"), ENV);
            nanos[i] = System.nanoTime() - t0;
            assertEquals(new ExitStatus.Exited(9), exitOf(child));
        }
        // 0-2, 3 and 4, and the fd ls itself has open for /proc/self/fd (whatever number it gets).
        String[] fds = Files.readString(project.resolve("fds")).strip().split(" ");
        assertEquals(List.of("0", "1", "2", "3", "4"), Arrays.asList(fds).subList(0, 5));
        assertTrue(fds.length <= 6, Arrays.toString(fds));
        Arrays.sort(nanos);
        System.out.printf("bare clone(CLONE_VM|CLONE_VFORK)+execve of /bin/sh: median %.3f ms%n",
                nanos[10] / 1e6);
    }

    @Test
    void childOutlivesTheThreadThatAskedForIt() throws Exception {
        AtomicReference<SpawnedChild> spawned = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicReference<Path> task = new AtomicReference<>();
        Thread shortLived = new Thread(() -> {
            try {
                task.set(Path.of("/proc/self/task").resolve(
                        Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName()));
                spawned.set(reactor.spawn(sh("trap 'exit 9' TERM; touch /work/ready; while :; do sleep 0.05; done")));
            } catch (LinuxException | IOException e) {
                failure.set(e);
            }
        });
        shortLived.start();
        shortLived.join();
        assertNull(failure.get());
        awaitFile("ready");
        // The kernel has sent every parent-death signal of the thread once its task is gone from
        // /proc (release comes after exit_notify): a shim whose parent was that thread has a
        // SIGKILL by now, and would never answer the TERM below with its own exit code.
        for (int i = 0; Files.exists(task.get()); i++) {
            if (i == 2000) {
                throw new AssertionError(task.get() + " still exists after 20 s");
            }
            Thread.sleep(10);
        }
        assertTrue(running(spawned.get().pid()));
        assertNull(events.poll());
        reactor.signal(spawned.get(), Signals.SIGTERM, false);
        assertEquals(new ExitStatus.Exited(9), exitOf(spawned.get()));
    }

    @Test
    void handledSignalsArriveAsEvents() throws Exception {
        reactor.handleSignals(Signals.SIGUSR1, Signals.SIGWINCH);
        Syscalls.kill(Syscalls.getpid(), Signals.SIGUSR1);
        assertEquals(new ReactorEvent.SignalReceived(Signals.SIGUSR1), events.poll(10, TimeUnit.SECONDS));
        Syscalls.kill(Syscalls.getpid(), Signals.SIGWINCH);
        assertEquals(new ReactorEvent.SignalReceived(Signals.SIGWINCH), events.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void closeKillsWhatIsStillRunning() throws Exception {
        SpawnedChild child = reactor.spawn(sh("touch /work/ready; sleep 1000"));
        awaitFile("ready");
        reactor.close();
        assertFalse(running(child.pid()));
        assertThrows(IllegalStateException.class, () -> reactor.spawn(sh("true")));
    }
}
