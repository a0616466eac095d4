// A binary copy of a loaded Config, reused while none of the files it was read from changed.
package vagga.config;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
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
    private static final int MAGIC = 0x76676331; // "vgc1"

    private final Path entry;
    private final String build;

    /** entry: the cache file; build: identifies the code (an entry of another build is ignored). */
    ConfigCache(Path entry, String build) {
        this.entry = entry;
        this.build = build;
    }

    /** The cache for one config file, or null when there is no usable cache directory. */
    static ConfigCache forFile(Path configFile) {
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
        CRC32 crc = new CRC32();
        crc.update(configFile.toString().getBytes(StandardCharsets.UTF_8));
        String name = Long.toHexString(crc.getValue()) + "-" + configFile.getFileName();
        return new ConfigCache(Path.of(base, "vagga", "configs", name), buildIdentity());
    }

    /** Identifies the code that wrote an entry: the jar (or classes directory) and its time. */
    private static String buildIdentity() {
        try {
            Path code = Path.of(ConfigCache.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            BasicFileAttributes a = Files.readAttributes(code, BasicFileAttributes.class);
            return code + ":" + a.size() + ":" + a.lastModifiedTime().toMillis();
        } catch (Exception e) {
            return "unknown";
        }
    }

    /** The config read from the entry, or null (missing, stale, unreadable, written by another build). */
    Config read(Path file, Path projectRoot, List<String> lookupWarnings) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(entry);
        } catch (IOException e) {
            return null;
        }
        try {
            In in = new In(new DataInputStream(new ByteArrayInputStream(bytes)));
            if (in.d.readInt() != MAGIC || !build.equals(in.string())) {
                return null;
            }
            int deps = in.d.readInt();
            for (int i = 0; i < deps; i++) {
                Path dep = Path.of(in.string());
                if (!in.string().equals(stamp(dep))) {
                    return null;
                }
            }
            if (!file.toString().equals(in.string()) || !projectRoot.toString().equals(in.string())) {
                return null;
            }
            List<String> warnings = new ArrayList<>(lookupWarnings);
            warnings.addAll(in.strings());
            Map<String, Container> containers = new LinkedHashMap<>();
            int n = in.d.readInt();
            for (int i = 0; i < n; i++) {
                String name = in.string();
                containers.put(name, in.container());
            }
            Map<String, CommandDef> commands = new LinkedHashMap<>();
            n = in.d.readInt();
            for (int i = 0; i < n; i++) {
                String name = in.string();
                commands.put(name, in.command());
            }
            return new Config(file, projectRoot, containers, commands, warnings);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Writes the entry (atomically); any failure leaves no entry. */
    void write(Config config, Map<Path, String> dependencies, List<String> loadWarnings) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(16384);
            Out out = new Out(new DataOutputStream(bytes));
            out.d.writeInt(MAGIC);
            out.string(build);
            out.d.writeInt(dependencies.size());
            for (Map.Entry<Path, String> dep : dependencies.entrySet()) {
                out.string(dep.getKey().toString());
                out.string(dep.getValue());
            }
            out.string(config.file().toString());
            out.string(config.projectRoot().toString());
            out.strings(loadWarnings);
            out.d.writeInt(config.containers().size());
            for (Map.Entry<String, Container> e : config.containers().entrySet()) {
                out.string(e.getKey());
                out.container(e.getValue());
            }
            out.d.writeInt(config.commands().size());
            for (Map.Entry<String, CommandDef> e : config.commands().entrySet()) {
                out.string(e.getKey());
                out.command(e.getValue());
            }
            Files.createDirectories(entry.getParent());
            prune(entry.getParent());
            Path tmp = Files.createTempFile(entry.getParent(), ".tmp.", ".cache");
            try {
                Files.write(tmp, bytes.toByteArray());
                Files.move(tmp, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | RuntimeException e) {
            // No cache then: the next start parses the YAML again.
        }
    }

    /** Keeps the cache directory small: past 256 entries, the oldest half goes. */
    private static void prune(Path dir) throws IOException {
        List<Path> entries;
        try (var list = Files.list(dir)) {
            entries = new ArrayList<>(list.toList());
        }
        if (entries.size() <= 256) {
            return;
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
            return stamp(Files.readAllBytes(file));
        } catch (IOException e) {
            return "absent";
        }
    }

    static String stamp(byte[] content) {
        CRC32 crc = new CRC32();
        crc.update(content);
        return content.length + ":" + Long.toHexString(crc.getValue());
    }

    private static final class Out {
        final DataOutputStream d;

        Out(DataOutputStream d) {
            this.d = d;
        }

        void string(String s) throws IOException {
            if (s == null) {
                d.writeInt(-1);
                return;
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            d.writeInt(b.length);
            d.write(b);
        }

        void strings(List<String> list) throws IOException {
            d.writeInt(list == null ? -1 : list.size());
            if (list != null) {
                for (String s : list) {
                    string(s);
                }
            }
        }

        void ints(List<Integer> list) throws IOException {
            d.writeInt(list == null ? -1 : list.size());
            if (list != null) {
                for (Integer i : list) {
                    d.writeInt(i);
                }
            }
        }

        void stringMap(Map<String, String> map) throws IOException {
            d.writeInt(map == null ? -1 : map.size());
            if (map != null) {
                for (Map.Entry<String, String> e : map.entrySet()) {
                    string(e.getKey());
                    string(e.getValue());
                }
            }
        }

        void optInt(Integer i) throws IOException {
            d.writeBoolean(i != null);
            if (i != null) {
                d.writeInt(i);
            }
        }

        void position(Position p) throws IOException {
            string(p.file());
            d.writeInt(p.line());
            d.writeInt(p.column());
        }

        void plain(Object v) throws IOException {
            if (v == null) {
                d.writeByte(0);
            } else if (v instanceof String s) {
                d.writeByte(1);
                string(s);
            } else if (v instanceof List<?> list) {
                d.writeByte(2);
                d.writeInt(list.size());
                for (Object o : list) {
                    plain(o);
                }
            } else if (v instanceof Map<?, ?> map) {
                d.writeByte(3);
                d.writeInt(map.size());
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    string((String) e.getKey());
                    plain(e.getValue());
                }
            } else {
                throw new IllegalArgumentException("cannot cache a " + v.getClass());
            }
        }

        void container(Container c) throws IOException {
            string(c.name());
            position(c.position());
            d.writeInt(c.setup().size());
            for (BuildStep s : c.setup()) {
                step(s);
            }
            stringMap(c.environ());
            volumes(c.volumes());
            strings(c.defaultShell());
            strings(c.uids());
            strings(c.gids());
            string(c.resolvConfPath());
            string(c.hostsFilePath());
        }

        void step(BuildStep s) throws IOException {
            position(s.position());
            if (s instanceof BuildStep.HostRoot) {
                d.writeByte(0);
            } else if (s instanceof BuildStep.Tar t) {
                d.writeByte(1);
                string(t.url());
                string(t.path());
                string(t.subdir());
                string(t.sha256());
            } else if (s instanceof BuildStep.ContainerStep t) {
                d.writeByte(2);
                string(t.name());
            } else if (s instanceof BuildStep.Sh t) {
                d.writeByte(3);
                string(t.script());
            } else if (s instanceof BuildStep.Cmd t) {
                d.writeByte(4);
                strings(t.argv());
            } else if (s instanceof BuildStep.Env t) {
                d.writeByte(5);
                stringMap(t.vars());
            } else if (s instanceof BuildStep.Text t) {
                d.writeByte(6);
                stringMap(t.files());
            } else if (s instanceof BuildStep.Copy t) {
                d.writeByte(7);
                string(t.source());
                string(t.path());
                optInt(t.ownerUid());
                optInt(t.ownerGid());
                strings(t.ignoreRegex());
            } else if (s instanceof BuildStep.EnsureDir t) {
                d.writeByte(8);
                string(t.path());
            } else if (s instanceof BuildStep.Remove t) {
                d.writeByte(9);
                string(t.path());
            } else if (s instanceof BuildStep.Depends t) {
                d.writeByte(10);
                string(t.path());
                strings(t.rules());
            } else if (s instanceof BuildStep.Download t) {
                d.writeByte(11);
                string(t.url());
                string(t.path());
                d.writeInt(t.mode());
                string(t.sha256());
            } else if (s instanceof BuildStep.Unsupported t) {
                d.writeByte(12);
                string(t.tag());
                plain(t.value());
            } else {
                throw new IllegalArgumentException("cannot cache step " + s);
            }
        }

        void volumes(Map<String, Volume> volumes) throws IOException {
            d.writeInt(volumes.size());
            for (Map.Entry<String, Volume> e : volumes.entrySet()) {
                string(e.getKey());
                volume(e.getValue());
            }
        }

        void volume(Volume v) throws IOException {
            position(v.position());
            if (v instanceof Volume.Tmpfs t) {
                d.writeByte(0);
                d.writeLong(t.size());
                d.writeInt(t.mode());
                d.writeInt(t.subdirs().size());
                for (Map.Entry<String, Volume.TmpfsDir> e : t.subdirs().entrySet()) {
                    string(e.getKey());
                    d.writeInt(e.getValue().mode());
                }
                stringMap(t.files());
            } else if (v instanceof Volume.BindRW b) {
                d.writeByte(1);
                string(b.path());
            } else if (v instanceof Volume.BindRO b) {
                d.writeByte(2);
                string(b.path());
            } else if (v instanceof Volume.Empty) {
                d.writeByte(3);
            } else if (v instanceof Volume.VaggaBin) {
                d.writeByte(4);
            } else if (v instanceof Volume.Snapshot s) {
                d.writeByte(5);
                d.writeLong(s.size());
                optInt(s.ownerUid());
                optInt(s.ownerGid());
                string(s.container());
            } else if (v instanceof Volume.ContainerVolume c) {
                d.writeByte(6);
                string(c.name());
            } else if (v instanceof Volume.Persistent p) {
                d.writeByte(7);
                string(p.name());
                d.writeBoolean(p.initCommand());
                optInt(p.ownerUid());
                optInt(p.ownerGid());
            } else if (v instanceof Volume.CacheDir c) {
                d.writeByte(8);
                string(c.name());
            } else {
                throw new IllegalArgumentException("cannot cache volume " + v);
            }
        }

        void command(CommandDef c) throws IOException {
            if (c instanceof CommandSpec s) {
                d.writeByte(0);
                spec(s);
            } else if (c instanceof SuperviseSpec s) {
                d.writeByte(1);
                position(s.position());
                d.writeByte(s.mode().ordinal());
                d.writeInt(s.children().size());
                for (Map.Entry<String, CommandSpec> e : s.children().entrySet()) {
                    string(e.getKey());
                    spec(e.getValue());
                }
                d.writeInt(s.killUnresponsiveAfter());
                string(s.description());
                string(s.options());
                strings(s.prerequisites());
                d.writeBoolean(s.isolateNetwork());
                string(s.epilog());
                strings(s.aliases());
                string(s.group());
            } else if (c instanceof CapsuleCommandSpec s) {
                d.writeByte(2);
                position(s.position());
                strings(s.run());
                string(s.description());
                plain(s.raw());
            } else {
                throw new IllegalArgumentException("cannot cache command " + c);
            }
        }

        void spec(CommandSpec s) throws IOException {
            position(s.position());
            string(s.container());
            string(s.run().script());
            strings(s.run().argv());
            stringMap(s.environ());
            string(s.workDir());
            volumes(s.volumes());
            d.writeInt(s.userId());
            d.writeInt(s.groupId());
            ints(s.supplementaryGids());
            optInt(s.externalUserId());
            d.writeByte(s.writeMode().ordinal());
            strings(s.tags());
            string(s.passTcpSocket());
            string(s.description());
            strings(s.prerequisites());
            string(s.options());
            d.writeBoolean(s.acceptsArguments());
            strings(s.aliases());
            string(s.group());
            string(s.network());
            string(s.epilog());
        }
    }

    private static final class In {
        final DataInputStream d;

        In(DataInputStream d) {
            this.d = d;
        }

        String string() throws IOException {
            int n = d.readInt();
            if (n < 0) {
                return null;
            }
            byte[] b = new byte[n];
            d.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }

        List<String> strings() throws IOException {
            int n = d.readInt();
            if (n < 0) {
                return null;
            }
            List<String> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(string());
            }
            return List.copyOf(list);
        }

        List<Integer> ints() throws IOException {
            int n = d.readInt();
            if (n < 0) {
                return null;
            }
            List<Integer> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(d.readInt());
            }
            return List.copyOf(list);
        }

        Map<String, String> stringMap() throws IOException {
            int n = d.readInt();
            if (n < 0) {
                return null;
            }
            Map<String, String> map = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                map.put(string(), string());
            }
            return java.util.Collections.unmodifiableMap(map);
        }

        Integer optInt() throws IOException {
            return d.readBoolean() ? d.readInt() : null;
        }

        Position position() throws IOException {
            return new Position(string(), d.readInt(), d.readInt());
        }

        Object plain() throws IOException {
            switch (d.readByte()) {
                case 0:
                    return null;
                case 1:
                    return string();
                case 2: {
                    int n = d.readInt();
                    List<Object> list = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        list.add(plain());
                    }
                    return java.util.Collections.unmodifiableList(list);
                }
                case 3: {
                    int n = d.readInt();
                    Map<String, Object> map = new LinkedHashMap<>();
                    for (int i = 0; i < n; i++) {
                        map.put(string(), plain());
                    }
                    return java.util.Collections.unmodifiableMap(map);
                }
                default:
                    throw new IOException("bad plain value");
            }
        }

        Container container() throws IOException {
            String name = string();
            Position position = position();
            int n = d.readInt();
            List<BuildStep> setup = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                setup.add(step());
            }
            return new Container(name, position, List.copyOf(setup), stringMap(), volumes(), strings(),
                    strings(), strings(), string(), string());
        }

        BuildStep step() throws IOException {
            Position p = position();
            switch (d.readByte()) {
                case 0: return new BuildStep.HostRoot(p);
                case 1: return new BuildStep.Tar(p, string(), string(), string(), string());
                case 2: return new BuildStep.ContainerStep(p, string());
                case 3: return new BuildStep.Sh(p, string());
                case 4: return new BuildStep.Cmd(p, strings());
                case 5: return new BuildStep.Env(p, stringMap());
                case 6: return new BuildStep.Text(p, stringMap());
                case 7: return new BuildStep.Copy(p, string(), string(), optInt(), optInt(), strings());
                case 8: return new BuildStep.EnsureDir(p, string());
                case 9: return new BuildStep.Remove(p, string());
                case 10: return new BuildStep.Depends(p, string(), strings());
                case 11: return new BuildStep.Download(p, string(), string(), d.readInt(), string());
                case 12: return new BuildStep.Unsupported(p, string(), plain());
                default: throw new IOException("bad step");
            }
        }

        Map<String, Volume> volumes() throws IOException {
            int n = d.readInt();
            Map<String, Volume> map = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                map.put(string(), volume());
            }
            return java.util.Collections.unmodifiableMap(map);
        }

        Volume volume() throws IOException {
            Position p = position();
            switch (d.readByte()) {
                case 0: {
                    long size = d.readLong();
                    int mode = d.readInt();
                    int n = d.readInt();
                    Map<String, Volume.TmpfsDir> subdirs = new LinkedHashMap<>();
                    for (int i = 0; i < n; i++) {
                        subdirs.put(string(), new Volume.TmpfsDir(d.readInt()));
                    }
                    return new Volume.Tmpfs(p, size, mode, java.util.Collections.unmodifiableMap(subdirs),
                            stringMap());
                }
                case 1: return new Volume.BindRW(p, string());
                case 2: return new Volume.BindRO(p, string());
                case 3: return new Volume.Empty(p);
                case 4: return new Volume.VaggaBin(p);
                case 5: return new Volume.Snapshot(p, d.readLong(), optInt(), optInt(), string());
                case 6: return new Volume.ContainerVolume(p, string());
                case 7: return new Volume.Persistent(p, string(), d.readBoolean(), optInt(), optInt());
                case 8: return new Volume.CacheDir(p, string());
                default: throw new IOException("bad volume");
            }
        }

        CommandDef command() throws IOException {
            switch (d.readByte()) {
                case 0:
                    return spec();
                case 1: {
                    Position p = position();
                    SuperviseMode mode = SuperviseMode.values()[d.readByte()];
                    int n = d.readInt();
                    SortedMap<String, CommandSpec> children = new TreeMap<>();
                    for (int i = 0; i < n; i++) {
                        children.put(string(), spec());
                    }
                    return new SuperviseSpec(p, mode, java.util.Collections.unmodifiableSortedMap(children),
                            d.readInt(), string(), string(), strings(), d.readBoolean(), string(), strings(),
                            string());
                }
                case 2:
                    return new CapsuleCommandSpec(position(), strings(), string(), plain());
                default:
                    throw new IOException("bad command");
            }
        }

        CommandSpec spec() throws IOException {
            Position p = position();
            String container = string();
            String script = string();
            List<String> argv = strings();
            Run run = script != null ? Run.shell(script) : Run.args(Objects.requireNonNull(argv));
            return new CommandSpec(p, container, run, stringMap(), string(), volumes(), d.readInt(), d.readInt(),
                    ints(), optInt(), WriteMode.values()[d.readByte()], strings(), string(), string(),
                    strings(), string(), d.readBoolean(), strings(), string(), string(), string());
        }
    }
}
