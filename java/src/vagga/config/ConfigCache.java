// A binary copy of a loaded Config, reused while none of the files it was read from changed.
package vagga.config;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;

/**
 * In a fresh JVM, YAML is parsed by cold code: a 600-line vagga.yaml costs ~50 ms that way, against
 * a few ms to decode this format. The cache lives in {@code $XDG_CACHE_HOME/vagga/configs} (or
 * {@code ~/.cache/vagga/configs}), one file per config path. An entry is used only when every file
 * the config was read from (the file, its includes and mixins, also mixins that were missing) has
 * the same content (length and CRC-32) as when it was read, and the entry was written by this very
 * build of vagga (jar size and time). Anything unexpected means "no entry": the config is
 * parsed as usual, so the cache can only cost time, never change a result.
 */
final class ConfigCache {
    private static final int MAGIC = 0x76676333; // "vgc3"; the model's shape is in the entry (ModelCodec)

    private final Path entry;
    private final String build;

    /** entry: the cache file; build: identifies the code (an entry of another build is ignored). */
    ConfigCache(Path entry, String build) {
        this.entry = entry;
        this.build = build;
    }

    /** An entry is its user's alone (its environ: may hold secrets), as createTempFile's were. */
    private static final FileAttribute<?> PRIVATE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    /** The cache for one config file, or null when there is no usable cache directory. */
    static ConfigCache forFile(Path configFile) {
        Path base = cacheBase();
        if (base == null) {
            return null;
        }
        CRC32 crc = new CRC32();
        crc.update(configFile.toString().getBytes(StandardCharsets.UTF_8));
        String name = Long.toHexString(crc.getValue()) + "-" + configFile.getFileName();
        return new ConfigCache(base.resolve("configs").resolve(name), buildIdentity());
    }

    /** {@code $XDG_CACHE_HOME/vagga} or {@code ~/.cache/vagga}; null without one, or under VAGGA_NO_CONFIG_CACHE. */
    static Path cacheBase() {
        String base = System.getenv("XDG_CACHE_HOME");
        if (base == null || base.isEmpty()) {
            String home = System.getProperty("user.home");
            if (home == null || home.isEmpty() || home.equals("?")) {
                return null;
            }
            base = home + "/.cache";
        }
        if (System.getenv("VAGGA_NO_CONFIG_CACHE") != null) {
            return null;
        }
        return Path.of(base, "vagga");
    }

    /** Identifies the code that wrote an entry: the jar (or classes directory) and its time. */
    static String buildIdentity() {
        try {
            // the launcher's one jar (cheaper than the code source's URL); tests run from a class path
            String classPath = System.getProperty("java.class.path", "");
            if (classPath.endsWith(".jar") && classPath.indexOf(java.io.File.pathSeparatorChar) < 0) {
                Path jar = Path.of(classPath).toAbsolutePath();
                BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
                return jar + ":" + a.size() + ":" + a.lastModifiedTime().toMillis();
            }
            Path code = Path.of(ConfigCache.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            BasicFileAttributes a = Files.readAttributes(code, BasicFileAttributes.class);
            return code + ":" + a.size() + ":" + a.lastModifiedTime().toMillis();
        } catch (Exception e) {
            return "unknown";
        }
    }

    /**
     * The config read from the entry, or null (missing, stale, unreadable, written by another build).
     * An entry stale only by an edit of the main file inside a {@code !Sh |} script is brought up to
     * date without YAML (ConfigPatch), and written again with the file's new text.
     */
    Config read(Path file, Path projectRoot, List<String> lookupWarnings) {
        ModelCodec.Decoder in = openEntry(entry, MAGIC, build);
        if (in == null) {
            return null;
        }
        try {
            // the stamps first: a stale entry is refused before its model is decoded
            Map<?, ?> dependencies = (Map<?, ?>) in.read();
            String newText = null;
            Map<String, String> stamps = null;
            for (Map.Entry<?, ?> dep : dependencies.entrySet()) {
                Path path = Path.of((String) dep.getKey());
                if (!path.equals(file) || newText != null) {
                    if (!dep.getValue().equals(stamp(path))) {
                        return null;
                    }
                    continue;
                }
                byte[] bytes = readMain(file);
                if (bytes == null) {
                    if (!dep.getValue().equals(stamp(path))) { // absent, refused: as its stamp says
                        return null;
                    }
                    continue;
                }
                String now = stamp(bytes);
                if (!dep.getValue().equals(now)) {
                    newText = utf8(bytes);
                    if (newText == null) {
                        return null;
                    }
                    stamps = new LinkedHashMap<>();
                    for (Map.Entry<?, ?> d : dependencies.entrySet()) {
                        stamps.put((String) d.getKey(), d.getKey().equals(file.toString()) ? now : (String) d.getValue());
                    }
                }
            }
            if (!file.toString().equals(in.read()) || !projectRoot.toString().equals(in.read())) {
                return null;
            }
            List<String> loadWarnings = new ArrayList<>();
            for (Object warning : (List<?>) in.read()) {
                loadWarnings.add((String) warning);
            }
            List<ConfigPatch.Point> points = new ArrayList<>();
            for (Object p : (List<?>) in.read()) {
                List<?> ints = (List<?>) p;
                List<Integer> strings = new ArrayList<>();
                for (int i = 1; i < ints.size(); i++) {
                    strings.add((Integer) ints.get(i));
                }
                points.add(new ConfigPatch.Point((Integer) ints.get(0), strings));
            }
            int modelBytes = (Integer) in.read();
            if (newText != null) {
                // the file's old text is after the model: a fresh entry's reader never decodes it
                String text = points.isEmpty() ? null : (String) in.peekAfter(modelBytes);
                ConfigPatch.Edit edit = ConfigPatch.plan(text, newText, points);
                if (edit == null) {
                    return null;
                }
                in.edit(edit);
            }
            @SuppressWarnings("unchecked")
            Map<String, Container> containers = (Map<String, Container>) in.read();
            @SuppressWarnings("unchecked")
            Map<String, CommandDef> commands = (Map<String, CommandDef>) in.read();
            if (!in.editDone()) {
                return null;
            }
            List<String> warnings = new ArrayList<>(lookupWarnings);
            warnings.addAll(loadWarnings);
            Config config = new Config(file, projectRoot, containers, commands, warnings);
            if (newText != null) {
                Map<String, String> newStamps = stamps;
                String written = newText;
                CacheWrites.later(new Runnable() { // not a lambda: see ConfigLoader
                    @Override
                    public void run() {
                        write(config, newStamps, loadWarnings, written, null, points);
                    }
                });
            }
            return config;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The main file's bytes as YamlReader reads them, or null (refused, too large, unreadable). */
    private static byte[] readMain(Path file) {
        try {
            return YamlReader.refusedFile(file) != null ? null : YamlReader.readBounded(file);
        } catch (IOException e) {
            return null;
        }
    }

    /** The text of strict UTF-8 without a byte order mark (what a patch can start from), else null. */
    private static String utf8(byte[] bytes) {
        try {
            String text = YamlReader.strictUtf8(bytes);
            return text.startsWith("\uFEFF") ? null : text;
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    /** Writes the entry (atomically); any failure leaves no entry. */
    void write(Config config, Map<Path, String> dependencies, List<String> loadWarnings) {
        write(config, dependencies, loadWarnings, null);
    }

    /** As {@link #write(Config, Map, List)}, with what a later stale read may patch (null: nothing). */
    void write(Config config, Map<Path, String> dependencies, List<String> loadWarnings, ConfigPatch.Source source) {
        Map<String, String> stamps = new LinkedHashMap<>();
        for (Map.Entry<Path, String> d : dependencies.entrySet()) {
            stamps.put(d.getKey().toString(), d.getValue());
        }
        write(config, stamps, loadWarnings, source == null ? null : source.text(),
                source == null ? null : source.literals(), null);
    }

    /** A longer config is parsed after any edit: its text would make every entry that much larger to read. */
    static final int MAX_PATCHED_CHARS = 1 << 20;

    /**
     * The entry: stamps, file, project root, warnings, the patch points (each its header line, then
     * its string indexes), the model's length, the model, then the main file's text (read only by
     * a stale read). The points are found while the model is encoded ({@code literals}), or are
     * known ({@code points}: a patched entry's, whose model has the same shape), so the model is
     * encoded first.
     */
    private void write(Config config, Map<String, String> stamps, List<String> loadWarnings, String text,
                       Map<String, Integer> literals, List<ConfigPatch.Point> points) {
        try {
            ByteArrayOutputStream model = new ByteArrayOutputStream(16384);
            ModelCodec.Encoder m = new ModelCodec.Encoder(new DataOutputStream(model));
            if (literals != null) {
                m.watch(literals);
            }
            m.write(config.containers());
            m.write(config.commands());
            List<ConfigPatch.Point> found = text == null || text.length() > MAX_PATCHED_CHARS ? List.of()
                    : points != null ? points : m.points();
            List<List<Integer>> encoded = new ArrayList<>();
            for (ConfigPatch.Point p : found) {
                List<Integer> ints = new ArrayList<>();
                ints.add(p.header());
                ints.addAll(p.strings());
                encoded.add(ints);
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(model.size() + 4096);
            ModelCodec.Encoder out = newEntry(bytes, MAGIC, build);
            out.write(stamps);
            out.write(config.file().toString());
            out.write(config.projectRoot().toString());
            out.write(loadWarnings);
            out.write(encoded);
            out.write(model.size());
            model.writeTo(bytes);
            out.write(encoded.isEmpty() ? null : text);
            writePrivate(entry, bytes.toByteArray());
        } catch (IOException | RuntimeException e) {
            // No cache then: the next start parses the YAML again.
        }
    }

    /**
     * A cache entry's decoder, past its magic number and the identity of the build that wrote it;
     * null when the entry is missing or unreadable, or is another format's or another build's.
     */
    static ModelCodec.Decoder openEntry(Path entry, int magic, String build) {
        try {
            DataInputStream data = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(entry)));
            ModelCodec.Decoder in = new ModelCodec.Decoder(data);
            return data.readInt() == magic && build.equals(in.read()) ? in : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** An encoder into {@code bytes}, which start with the magic number and this build's identity (see {@link #openEntry}). */
    static ModelCodec.Encoder newEntry(ByteArrayOutputStream bytes, int magic, String build) throws IOException {
        DataOutputStream data = new DataOutputStream(bytes);
        data.writeInt(magic);
        ModelCodec.Encoder out = new ModelCodec.Encoder(data);
        out.write(build);
        return out;
    }

    /** Writes a cache entry atomically, readable by its user alone; the directory is kept small. */
    static void writePrivate(Path entry, byte[] content) throws IOException {
        Files.createDirectories(entry.getParent());
        prune(entry.getParent());
        // not Files.createTempFile: its SecureRandom starts the security providers (~25 ms CPU)
        Path tmp = entry.resolveSibling(".tmp." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".cache");
        try {
            try (var channel = Files.newByteChannel(tmp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), PRIVATE)) {
                channel.write(ByteBuffer.wrap(content));
            }
            Files.move(tmp, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Keeps the cache directory small: past 256 entries, the oldest half goes. */
    private static void prune(Path dir) throws IOException {
        String[] names = dir.toFile().list(); // a count first, without a stream pipeline: most writes prune nothing
        if (names == null || names.length <= 256) {
            return;
        }
        List<Path> entries;
        try (var list = Files.list(dir)) {
            entries = new ArrayList<>(list.toList());
        }
        entries.sort(java.util.Comparator.comparing(p -> p.toFile().lastModified()));
        for (Path p : entries.subList(0, entries.size() / 2)) {
            Files.deleteIfExists(p);
        }
    }

    /** "length:crc32" of a file's content, or "absent" (a missing mixin must invalidate once created).
     *  Content, not times: a same-size edit within one timestamp tick still counts. */
    static String stamp(Path file) {
        try {
            // a mixin naming /dev/zero, a fifo or a huge file is refused by the reader: never read it here
            if (YamlReader.refusedFile(file) != null) {
                return "refused";
            }
            try (java.io.InputStream in = new java.io.FileInputStream(file.toFile())) {
                return stamp(in.readNBytes((int) YamlReader.MAX_FILE_BYTES + 1));
            }
        } catch (IOException e) {
            return "absent";
        }
    }

    static String stamp(byte[] content) {
        CRC32 crc = new CRC32();
        crc.update(content);
        return content.length + ":" + Long.toHexString(crc.getValue());
    }
}
