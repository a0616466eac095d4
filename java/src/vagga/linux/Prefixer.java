// Ours (vagga --prefix): reads every child's output and writes it line by line, each line prefixed; natives in linux_prefixer.c.
package vagga.linux;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One platform thread of its own ("vagga-prefixer") waits (epoll) on the read ends of every attached
 * child and is the only writer of prefixed lines, so a line is written whole (one buffer, one thread)
 * and never mixed with another child's. A line is held until its newline (or its child's end); only
 * a line longer than {@link #MAX_LINE} is split, and, on a pty, a partial line whose child has been
 * quiet for {@link #PARTIAL_LINE_MILLIS} (a prompt waiting for the user) is written as it is; if
 * another child writes in between, the partial line is ended there and its rest gets a new prefix.
 * Children block on a full pipe or pty while vagga's output is slow: nothing is dropped.
 *
 * <p>With {@code pty}, each child gets a pseudo-terminal (its stdout and stderr, so its colours and
 * line buffering stay) whose window is vagga's, less the prefix's columns; its stdin is left alone
 * (a child reading the terminal reads vagga's own). Without, two pipes: stdout lines go to vagga's
 * stdout, stderr lines to vagga's stderr.
 */
public final class Prefixer implements AutoCloseable {
    static {
        LibraryLoader.load();
    }

    private static native int openPty0(int[] out);
    private static native int growPipe0(int fd, int size);
    private static native int copyWindowSize0(int from, int to, int narrow);
    private static native int readLines0(int fd, byte[] buf, int len, int[] newlines);
    private static native int writeAll0(int fd, byte[] buf, int off, int len);

    static final int PARTIAL_LINE_MILLIS = 200;
    static final int MAX_LINE = 64 * 1024;
    private static final int TAIL = 4096;
    private static final int EIO = 5;
    private static final int KEY_WAKE = 0;
    private static final byte[] NEWLINE = {'\n'};

    /** What one child writes to. Close {@link #closeChildEnds} once the child has been spawned. */
    public static final class Attached {
        private final int stdout, stderr;
        private final CountDownLatch ended;

        Attached(int stdout, int stderr, int streams) {
            this.stdout = stdout;
            this.stderr = stderr;
            this.ended = new CountDownLatch(streams);
        }

        /** The fd the child gets as its stdout. */
        public int stdout() {
            return stdout;
        }

        /** The fd the child gets as its stderr (the same as stdout with a pty). */
        public int stderr() {
            return stderr;
        }

        /** What to spawn the child with. */
        public ChildOutput output() {
            return new ChildOutput(stdout, stderr);
        }

        /** Our copies of the child's ends: without closing them, the child's end is never seen. */
        public void closeChildEnds() {
            Syscalls.closeQuietly(stdout);
            if (stderr != stdout) {
                Syscalls.closeQuietly(stderr);
            }
        }

        private final byte[] tail = new byte[TAIL];
        private int tailLen;

        /** The end of what it wrote, kept for {@link #lastLines} (one copy per read, no per-line cost). */
        synchronized void keepTail(byte[] buf, int len) {
            if (len >= TAIL) {
                System.arraycopy(buf, len - TAIL, tail, 0, TAIL);
                tailLen = TAIL;
                return;
            }
            int keep = Math.min(tailLen, TAIL - len);
            System.arraycopy(tail, tailLen - keep, tail, 0, keep);
            System.arraycopy(buf, 0, tail, keep, len);
            tailLen = keep + len;
        }

        /** Its last {@code n} lines (stdout and stderr together), colour codes removed, for the post-mortem. */
        public synchronized java.util.List<String> lastLines(int n) {
            String text = new String(tail, 0, tailLen, java.nio.charset.StandardCharsets.UTF_8)
                    .replaceAll("\033\\[[0-9;?]*[A-Za-z]", "").replace("\r", "");
            java.util.List<String> lines = new java.util.ArrayList<>(java.util.List.of(text.split("\n")));
            if (tailLen == TAIL && !lines.isEmpty()) {
                lines.remove(0); // cut: not a whole line
            }
            for (java.util.Iterator<String> it = lines.iterator(); it.hasNext();) {
                if (it.next().isBlank()) {
                    it.remove();
                }
            }
            return java.util.List.copyOf(lines.subList(Math.max(0, lines.size() - n), lines.size()));
        }

        /** Waits until everything the child wrote has been written out (its ends closed everywhere). */
        public boolean awaitEnd(long millis) {
            try {
                return ended.await(millis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** Where prefixed lines go: a buffer of whole lines, and whose partial line was written last. */
    private static final class Output {
        final int fd;
        final byte[] buf = new byte[1024 * 1024];
        int len;
        Stream midLine;

        Output(int fd) {
            this.fd = fd;
        }
    }

    private static final class Stream {
        final int fd;
        final byte[] prefix;
        final Output out;
        final Attached attached;
        byte[] pending = new byte[256];
        int pendingLen;
        long lastReadNanos;

        Stream(int fd, byte[] prefix, Output out, Attached attached) {
            this.fd = fd;
            this.prefix = prefix;
            this.out = out;
            this.attached = attached;
        }
    }

    private final boolean pty;
    private final int windowFrom;
    private final Output stdout, stderr;
    private final int epfd, wakeFd;
    private final Map<Long, Stream> streams = new ConcurrentHashMap<>();
    private final AtomicLong nextKey = new AtomicLong(KEY_WAKE + 1);
    private static final int PIPE_SIZE = 1024 * 1024;
    private final byte[] readBuf = new byte[256 * 1024];
    private final int[] newlines = new int[readBuf.length + 1];
    private final Thread thread;
    private volatile boolean closing;

    /**
     * @param outFd      where lines of the children's stdout (and, with a pty, stderr) go
     * @param errFd      where lines of the children's stderr go without a pty
     * @param pty        a pseudo-terminal per child instead of pipes
     * @param windowFrom a terminal whose window size the ptys get (less the prefix), or -1
     */
    public Prefixer(int outFd, int errFd, boolean pty, int windowFrom) throws LinuxException {
        LibraryLoader.loadChecked();
        this.pty = pty;
        this.windowFrom = windowFrom;
        this.stdout = new Output(outFd);
        this.stderr = errFd == outFd ? stdout : new Output(errFd);
        // When vagga's output is a pipe, a bigger one too (EINVAL for a file or terminal: nothing to do).
        growPipe0(outFd, PIPE_SIZE);
        this.epfd = Syscalls.epollCreate();
        int wake = -1;
        try {
            wake = Syscalls.eventfd();
            Syscalls.epollAdd(epfd, wake, Syscalls.EPOLLIN, KEY_WAKE);
        } catch (LinuxException e) {
            Syscalls.closeQuietly(wake);
            Syscalls.closeQuietly(epfd);
            throw e;
        }
        this.wakeFd = wake;
        // an anonymous class, not a method reference: a start that links no lambda is ~10 ms of CPU cheaper
        thread = new Thread(new Runnable() {
            @Override
            public void run() {
                Prefixer.this.run();
            }
        }, "vagga-prefixer");
        thread.setDaemon(true);
        thread.start();
    }

    /** A pty or two pipes for one child, whose lines get {@code prefix} ({@code narrow} its columns). */
    public Attached attach(byte[] prefix, int narrow) throws LinuxException {
        if (pty) {
            int[] fds = new int[2];
            check("openpty", openPty0(fds));
            if (windowFrom >= 0) {
                copyWindowSize0(windowFrom, fds[0], narrow); // not a terminal any more: keep the default
            }
            Attached a = new Attached(fds[1], fds[1], 1);
            watch(fds[0], prefix, stdout, a);
            return a;
        }
        int[] out = Syscalls.pipe();
        int[] err;
        try {
            err = Syscalls.pipe();
        } catch (LinuxException e) {
            Syscalls.closeQuietly(out[0]);
            Syscalls.closeQuietly(out[1]);
            throw e;
        }
        Attached a = new Attached(out[1], err[1], 2);
        watch(out[0], prefix, stdout, a);
        watch(err[0], prefix, stderr, a);
        return a;
    }

    private void watch(int fd, byte[] prefix, Output out, Attached attached) throws LinuxException {
        Syscalls.setNonBlocking(fd);
        if (!pty) {
            growPipe0(fd, PIPE_SIZE); // EPERM above the user's pipe quota: the default size works too
        }
        long key = nextKey.getAndIncrement();
        streams.put(key, new Stream(fd, prefix, out, attached));
        Syscalls.epollAdd(epfd, fd, Syscalls.EPOLLIN, key);
    }

    /** Writes out what the children still send (bounded: {@code millis}), then ends the thread. */
    @Override
    public void close() {
        closing = true;
        wake();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            return; // a child's output is still open (a daemon thread: it ends with the JVM)
        }
        Syscalls.closeQuietly(wakeFd);
        Syscalls.closeQuietly(epfd);
    }

    private void wake() {
        byte[] one = {1, 0, 0, 0, 0, 0, 0, 0};
        try {
            Syscalls.write(wakeFd, one, 0, 8);
        } catch (LinuxException e) {
            // EAGAIN only when the counter is near overflow: it is readable either way.
        }
    }

    private void run() {
        long[] keys = new long[64];
        int[] events = new int[64];
        try {
            while (!(closing && streams.isEmpty())) {
                int timeout = closing ? 100 : pty && hasPartial() ? PARTIAL_LINE_MILLIS : -1;
                int n = Syscalls.epollWait(epfd, keys, events, timeout);
                for (int i = 0; i < n; i++) {
                    if (keys[i] == KEY_WAKE) {
                        byte[] eight = new byte[8];
                        Syscalls.read(wakeFd, eight, 0, 8);
                        continue;
                    }
                    Stream s = streams.get(keys[i]);
                    if (s != null) {
                        drain(keys[i], s);
                    }
                }
                if (pty) {
                    writePartials(n == 0);
                }
                flush(stdout);
                flush(stderr);
                if (closing && n == 0) {
                    break; // nothing came for 100 ms after close(): what is still open stays open
                }
            }
        } catch (LinuxException | RuntimeException e) {
            ThreadFailures.prefixerStopped(e.getMessage());
        }
    }

    private boolean hasPartial() {
        for (Stream s : streams.values()) {
            if (s.pendingLen > 0) {
                return true;
            }
        }
        return false;
    }

    /** Reads what is there (a few chunks at most, so one busy child does not starve the others). */
    private void drain(long key, Stream s) throws LinuxException {
        for (int round = 0; round < 4; round++) {
            int r = readLines0(s.fd, readBuf, readBuf.length, newlines);
            if (r == -Syscalls.EAGAIN) {
                return;
            }
            if (r == 0 || r == -EIO) {
                end(key, s);
                return;
            }
            if (r < 0) { // the stream is unusable: treat it as ended
                end(key, s);
                return;
            }
            s.lastReadNanos = System.nanoTime();
            s.attached.keepTail(readBuf, r);
            lines(s, readBuf, r);
        }
    }

    private void end(long key, Stream s) throws LinuxException {
        if (s.pendingLen > 0) {
            emit(s, s.pending, 0, s.pendingLen, true);
            s.pendingLen = 0;
        } else if (s.out.midLine == s) {
            append(s.out, NEWLINE, 0, 1);
            s.out.midLine = null;
        }
        streams.remove(key);
        Syscalls.epollDelete(epfd, s.fd);
        Syscalls.closeQuietly(s.fd);
        flush(s.out);
        s.attached.ended.countDown();
    }

    private void lines(Stream s, byte[] buf, int len) throws LinuxException {
        int start = 0;
        for (int k = 1; k <= newlines[0]; k++) {
            int i = newlines[k];
            if (s.pendingLen > 0) {
                keep(s, buf, start, i);
                emit(s, s.pending, 0, s.pendingLen, true);
                s.pendingLen = 0;
            } else {
                emit(s, buf, start, i, true);
            }
            start = i + 1;
        }
        if (start < len) {
            keep(s, buf, start, len);
            if (s.pendingLen >= MAX_LINE) {
                emit(s, s.pending, 0, s.pendingLen, false);
                s.pendingLen = 0;
            }
        }
    }

    private static void keep(Stream s, byte[] buf, int from, int to) {
        int need = s.pendingLen + (to - from);
        if (need > s.pending.length) {
            s.pending = java.util.Arrays.copyOf(s.pending, Math.max(need, s.pending.length * 2));
        }
        System.arraycopy(buf, from, s.pending, s.pendingLen, to - from);
        s.pendingLen = need;
    }

    /** A partial line waiting longer than PARTIAL_LINE_MILLIS (a prompt) is written as it is. */
    private void writePartials(boolean timedOut) throws LinuxException {
        long now = System.nanoTime();
        for (Stream s : streams.values()) {
            if (s.pendingLen > 0 && (timedOut
                    || now - s.lastReadNanos >= TimeUnit.MILLISECONDS.toNanos(PARTIAL_LINE_MILLIS))) {
                emit(s, s.pending, 0, s.pendingLen, false);
                s.pendingLen = 0;
            }
        }
    }

    /** One line (or the start of one, {@code complete} false) of {@code s}, with its prefix. */
    private void emit(Stream s, byte[] buf, int from, int to, boolean complete) throws LinuxException {
        Output out = s.out;
        if (out.midLine != null && out.midLine != s) {
            append(out, NEWLINE, 0, 1); // another child's partial line ends here
            out.midLine = null;
        }
        if (out.midLine != s) {
            append(out, s.prefix, 0, s.prefix.length);
        }
        append(out, buf, from, to - from);
        if (complete) {
            append(out, NEWLINE, 0, 1);
            out.midLine = null;
        } else {
            out.midLine = s;
        }
    }

    private void append(Output out, byte[] b, int off, int len) throws LinuxException {
        if (out.len + len > out.buf.length) {
            flush(out);
            if (len > out.buf.length) {
                check("write", writeAll0(out.fd, b, off, len));
                return;
            }
        }
        System.arraycopy(b, off, out.buf, out.len, len);
        out.len += len;
    }

    private static void flush(Output out) throws LinuxException {
        if (out.len > 0) {
            int r = writeAll0(out.fd, out.buf, 0, out.len);
            out.len = 0;
            check("write", r);
        }
    }

    private static void check(String call, int r) throws LinuxException {
        if (r < 0) {
            throw Syscalls.error(call, r);
        }
    }
}
