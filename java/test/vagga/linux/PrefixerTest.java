// The prefixer with real pipes and ptys: whole lines, no mixing, partial lines, stderr apart, nothing lost.
package vagga.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PrefixerTest {
    private int[] out, err;
    private Thread outReader, errReader;
    private final ByteArrayOutputStream outSeen = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errSeen = new ByteArrayOutputStream();

    @BeforeEach
    void pipes() throws LinuxException {
        out = Syscalls.pipe();
        err = Syscalls.pipe();
        outReader = reader(out[0], outSeen);
        errReader = reader(err[0], errSeen);
    }

    @AfterEach
    void closeAll() {
        Syscalls.closeQuietly(out[1]);
        Syscalls.closeQuietly(err[1]);
    }

    private static Thread reader(int fd, ByteArrayOutputStream into) {
        Thread t = new Thread(() -> {
            byte[] b = new byte[4096];
            try {
                int n;
                while ((n = Syscalls.read(fd, b, 0, b.length)) > 0) {
                    synchronized (into) {
                        into.write(b, 0, n);
                    }
                }
            } catch (LinuxException e) {
                throw new IllegalStateException(e);
            } finally {
                Syscalls.closeQuietly(fd);
            }
        });
        t.start();
        return t;
    }

    private static void write(int fd, String s) throws LinuxException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int off = 0;
        while (off < b.length) {
            off += Syscalls.write(fd, b, off, b.length - off);
        }
    }

    private String finish(Prefixer p, ByteArrayOutputStream seen) throws Exception {
        p.close();
        Syscalls.closeQuietly(out[1]);
        Syscalls.closeQuietly(err[1]);
        outReader.join(5000);
        errReader.join(5000);
        return seen.toString(StandardCharsets.UTF_8);
    }

    private static byte[] prefix(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void linesOfTwoChildrenNeverMixEvenWhenWrittenInPieces() throws Exception {
        Prefixer p = new Prefixer(out[1], err[1], false, -1);
        Prefixer.Attached a = p.attach(prefix("a | "), 4);
        Prefixer.Attached b = p.attach(prefix("b | "), 4);
        write(a.stdout(), "one ");
        write(b.stdout(), "uno ");
        write(a.stdout(), "two\nthree\n");
        write(b.stdout(), "dos\n");
        write(a.stderr(), "oops\n");
        a.closeChildEnds();
        b.closeChildEnds();
        assertTrue(a.awaitEnd(5000) && b.awaitEnd(5000));
        String text = finish(p, outSeen);
        List<String> lines = List.of(text.split("\n"));
        assertEquals(3, lines.size(), text);
        assertTrue(lines.contains("a | one two"), text);
        assertTrue(lines.contains("a | three"), text);
        assertTrue(lines.contains("b | uno dos"), text);
        assertEquals("a | oops\n", errSeen.toString(StandardCharsets.UTF_8));
    }

    @Test
    void onPipesAPartialLineWaitsForItsNewline() throws Exception {
        Prefixer p = new Prefixer(out[1], out[1], false, -1);
        Prefixer.Attached a = p.attach(prefix("a | "), 4);
        Prefixer.Attached b = p.attach(prefix("b | "), 4);
        write(a.stdout(), "part one, ");
        Thread.sleep(Prefixer.PARTIAL_LINE_MILLIS * 2L); // a quiet child: still not split
        write(b.stdout(), "hello\n");
        write(a.stdout(), "part two\n");
        a.closeChildEnds();
        b.closeChildEnds();
        a.awaitEnd(5000);
        b.awaitEnd(5000);
        assertEquals("b | hello\na | part one, part two\n", finish(p, outSeen));
    }

    @Test
    void onAPtyAQuietPartialLineIsWrittenAndItsRestGetsANewPrefixAfterAnotherChild() throws Exception {
        Prefixer p = new Prefixer(out[1], out[1], true, -1);
        Prefixer.Attached a = p.attach(prefix("a | "), 4);
        Prefixer.Attached b = p.attach(prefix("b | "), 4);
        write(a.stdout(), "Password: ");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!seen().contains("Password: ") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals("a | Password: ", seen());
        write(b.stdout(), "hello\n");
        while (!seen().contains("hello") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        write(a.stdout(), "secret\n");
        a.closeChildEnds();
        b.closeChildEnds();
        a.awaitEnd(5000);
        b.awaitEnd(5000);
        assertEquals("a | Password: \nb | hello\na | secret\n", finish(p, outSeen));
    }

    private String seen() {
        synchronized (outSeen) {
            return outSeen.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void megabytesFromSeveralChildrenArriveWholeAndComplete() throws Exception {
        Prefixer p = new Prefixer(out[1], out[1], false, -1);
        List<Thread> writers = new ArrayList<>();
        List<Prefixer.Attached> attached = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            Prefixer.Attached a = p.attach(prefix("c" + c + " | "), 5);
            attached.add(a);
            String name = "c" + c;
            writers.add(new Thread(() -> {
                try {
                    StringBuilder chunk = new StringBuilder();
                    for (int i = 0; i < 20000; i++) {
                        chunk.append(name).append(" line ").append(i).append(" ").append("x".repeat(i % 50)).append('\n');
                        if (chunk.length() > 3000) {
                            write(a.stdout(), chunk.toString());
                            chunk.setLength(0);
                        }
                    }
                    write(a.stdout(), chunk.toString());
                } catch (LinuxException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        writers.forEach(Thread::start);
        for (Thread t : writers) {
            t.join();
        }
        attached.forEach(Prefixer.Attached::closeChildEnds);
        for (Prefixer.Attached a : attached) {
            assertTrue(a.awaitEnd(10000));
        }
        String text = finish(p, outSeen);
        int[] next = new int[3];
        for (String line : text.split("\n")) {
            int c = line.charAt(1) - '0';
            String expected = "c" + c + " | c" + c + " line " + next[c] + " " + "x".repeat(next[c] % 50);
            assertEquals(expected, line);
            next[c]++;
        }
        assertEquals(List.of(20000, 20000, 20000), List.of(next[0], next[1], next[2]));
    }

    @Test
    void aPtyCarriesStdoutAndStderrAsOneTerminal() throws Exception {
        Prefixer p = new Prefixer(out[1], err[1], true, -1);
        Prefixer.Attached a = p.attach(prefix("web | "), 6);
        assertEquals(a.stdout(), a.stderr());
        assertTrue(Syscalls.isatty(a.stdout()));
        write(a.stdout(), "coloured\n\033[31mred\033[0m\n");
        a.closeChildEnds();
        assertTrue(a.awaitEnd(5000));
        assertEquals("web | coloured\nweb | \033[31mred\033[0m\n", finish(p, outSeen));
        assertEquals("", errSeen.toString(StandardCharsets.UTF_8));
    }
}
