// Container versions already computed: the bytes a version hash was fed, with the digest they gave.
package vagga.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import vagga.config.CacheWrites;

/**
 * A no-change start computes every container's version again: the same few hundred bytes per
 * container (its steps' values and its inputs' hashes, which {@link InputTrees} answers from
 * stored walks), digested by SHA-256 in code the JVM has not compiled yet (~0.3 ms a container).
 * {@link #digest()} gives a {@link MessageDigest} that only records what it is fed; its digest
 * is the one stored for exactly those bytes in {@code .vagga/.cache/versions}, else SHA-256 of
 * them, stored then. The key is the whole input, not a hash of it, so an entry can only give the
 * digest of its own bytes: a changed step or input is different bytes, and a miss.
 *
 * <p>The file holds at most {@link #MAX_ENTRIES} entries (the most recently added) and is
 * rewritten through a rename only when an entry is added: a start with nothing changed writes
 * nothing. Two processes adding at once may lose one's entry: a later miss, nothing worse.
 */
final class VersionCache {
    private static final byte[] MAGIC = "vagga-versions-1\n".getBytes(StandardCharsets.US_ASCII);
    static final int MAX_ENTRIES = 128;
    /** Longer inputs (a long !Sh script) are digested each time: the file stays small. */
    static final int MAX_FED = 8 * 1024;
    private static final int DIGEST = 32;

    private final Path file;
    private final Path project; // the store's directory is made beneath it without following symlinks
    /** Fed bytes (as ISO-8859-1 text, one char a byte) -> digest; insertion order = age. */
    private Map<String, byte[]> entries;
    private boolean writePending;

    private VersionCache(Path file, Path project) {
        this.file = file;
        this.project = project;
    }

    /** The project's cache. */
    static VersionCache of(Path project) {
        Path p = project.toAbsolutePath();
        return new VersionCache(ContainerBuilder.vaggaDir(p).resolve(".cache").resolve("versions"), p);
    }

    /** A digest that answers from this cache (it cannot be cloned: for hashes with prefixes use SHA-256 itself). */
    MessageDigest digest() {
        return new Recorder();
    }

    private byte[] lookUp(byte[] fed) {
        if (entries == null) {
            entries = read(file);
        }
        if (fed.length > MAX_FED) {
            return VersionHash.sha256().digest(fed);
        }
        String key = new String(fed, StandardCharsets.ISO_8859_1);
        byte[] known = entries.get(key);
        if (known != null) {
            return known.clone();
        }
        MessageDigest sha = VersionHash.sha256();
        byte[] digest = sha.digest(fed);
        entries.put(key, digest.clone());
        while (entries.size() > MAX_ENTRIES) {
            entries.remove(entries.keySet().iterator().next());
        }
        if (!writePending) { // one write for every miss until then (CacheWrites: when vagga next waits)
            writePending = true;
            CacheWrites.later(new Runnable() {
                @Override
                public void run() {
                    writePending = false;
                    write();
                }
            });
        }
        return digest;
    }

    private static Map<String, byte[]> read(Path file) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return out;
            }
            ByteBuffer b;
            try (SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                b = ByteBuffer.allocate((int) Math.min(ch.size(), MAX_ENTRIES * (MAX_FED + 4L + DIGEST) + MAGIC.length));
                while (b.hasRemaining() && ch.read(b) > 0) {
                    // until full or the end
                }
                b.flip();
            }
            byte[] magic = new byte[MAGIC.length];
            b.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                return out;
            }
            while (b.hasRemaining()) {
                byte[] fed = new byte[b.getInt()];
                b.get(fed);
                byte[] digest = new byte[DIGEST];
                b.get(digest);
                out.put(new String(fed, StandardCharsets.ISO_8859_1), digest);
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return new LinkedHashMap<>(); // a broken file is an empty cache (rewritten at the next miss)
        }
    }

    private void write() {
        try {
            // a child may have replaced .vagga or .vagga/.cache by a symlink: never follow it
            ProjectPaths.ensureDir(project, project.relativize(file.getParent()).toString());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(MAGIC);
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                byte[] fed = e.getKey().getBytes(StandardCharsets.ISO_8859_1);
                out.write(ByteBuffer.allocate(4).putInt(fed.length).array());
                out.write(fed);
                out.write(e.getValue());
            }
            Path tmp = file.resolveSibling(".tmp.versions." + Long.toHexString(ThreadLocalRandom.current().nextLong()));
            try {
                Files.write(tmp, out.toByteArray(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | RuntimeException e) {
            // only a cache: the next start digests again
        }
    }

    /** Records what it is fed; its digest comes from the cache. */
    private final class Recorder extends MessageDigest {
        private final ByteArrayOutputStream fed = new ByteArrayOutputStream(512);

        Recorder() {
            super("SHA-256");
        }

        @Override
        protected void engineUpdate(byte input) {
            fed.write(input);
        }

        @Override
        protected void engineUpdate(byte[] input, int offset, int len) {
            fed.write(input, offset, len);
        }

        @Override
        protected byte[] engineDigest() {
            byte[] digest = lookUp(fed.toByteArray());
            fed.reset();
            return digest;
        }

        @Override
        protected void engineReset() {
            fed.reset();
        }

        @Override
        protected int engineGetDigestLength() {
            return DIGEST;
        }
    }
}
