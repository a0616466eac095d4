// The settings as last read from the same texts, so a start with settings does not parse YAML.
package vagga.config;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Reading settings means YAML, and in a fresh JVM the first YAML document costs snakeyaml's cold
 * start (its scanner's tables, the resolver's patterns, the tag classes): measured ~60 ms of CPU
 * per start for a one-line {@code VAGGA_SETTINGS}, on every start, warm config cache or not. An
 * entry here ({@code $XDG_CACHE_HOME/vagga/settings/<crc of home and project>}) holds the very
 * texts the settings were read from (each source's name and whole content, in order) with the
 * values and warnings they gave; it is used only when the sources now are the same texts, the home
 * and project are the same, and this very build of vagga wrote it. Anything else, or anything
 * unexpected, is no entry: the settings are read as usual, so the cache can only cost time. Settings
 * that have a problem are never written (the error is reported on every start).
 */
final class SettingsCache {
    private static final int MAGIC = 0x76677331; // "vgs1"

    /** One text the settings are read from: a file's or VAGGA_SETTINGS', and whether it is global. */
    record Source(String where, String text, boolean global) {}

    private final Path entry;
    private final String build;
    private final String place;

    SettingsCache(Path entry, String build, Path home, Path project) {
        this.entry = entry;
        this.build = build;
        this.place = place(home, project);
    }

    private static String place(Path home, Path project) {
        return (home == null ? "" : home.toString()) + "\0" + (project == null ? "" : project.toString());
    }

    /** The cache for settings read with this home and project, or null when there is no cache directory. */
    static SettingsCache forPlace(Path home, Path project) {
        Path base = ConfigCache.cacheBase();
        if (base == null) {
            return null;
        }
        CRC32 crc = new CRC32();
        crc.update(place(home, project).getBytes(StandardCharsets.UTF_8));
        return new SettingsCache(base.resolve("settings").resolve(Long.toHexString(crc.getValue())),
                ConfigCache.buildIdentity(), home, project);
    }

    /** The values and warnings read from exactly these sources before, or null. */
    Map.Entry<Map<String, Object>, List<String>> read(List<Source> sources) {
        ModelCodec.Decoder in = ConfigCache.openEntry(entry, MAGIC, build);
        if (in == null) {
            return null;
        }
        try {
            if (!place.equals(in.read()) || !flatten(sources).equals(in.read())) {
                return null;
            }
            Map<?, ?> stored = (Map<?, ?>) in.read();
            Map<String, Object> values = new LinkedHashMap<>();
            for (Settings.Key key : Settings.KEYS) {
                if (!stored.containsKey(key.name())) {
                    return null;
                }
                values.put(key.name(), fromStored(key.kind(), stored.get(key.name())));
            }
            List<String> warnings = new ArrayList<>();
            for (Object w : (List<?>) in.read()) {
                warnings.add((String) w);
            }
            return Map.entry(values, warnings);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Writes the entry (atomically); any failure leaves none. */
    void write(List<Source> sources, Map<String, Object> values, List<String> warnings) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
            ModelCodec.Encoder out = ConfigCache.newEntry(bytes, MAGIC, build);
            out.write(place);
            out.write(flatten(sources));
            Map<String, Object> stored = new LinkedHashMap<>();
            for (Settings.Key key : Settings.KEYS) {
                stored.put(key.name(), toStored(values.get(key.name())));
            }
            out.write(stored);
            out.write(warnings);
            ConfigCache.writePrivate(entry, bytes.toByteArray());
        } catch (IOException | RuntimeException e) {
            // no entry: the next start reads the settings again
        }
    }

    private static List<String> flatten(List<Source> sources) {
        List<String> out = new ArrayList<>();
        for (Source s : sources) {
            out.add(s.where());
            out.add(s.global() ? "global" : "project");
            out.add(s.text());
        }
        return out;
    }

    /** Paths are kept as their text (the codec holds model types, strings and collections). Plain loops
     *  here, no lambdas: linking a lambda's call site costs more than this whole entry's decoding. */
    private static Object toStored(Object v) {
        if (v instanceof Path p) {
            return p.toString();
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(e.getKey(), toStored(e.getValue()));
            }
            return out;
        }
        return v;
    }

    private static Object fromStored(Settings.Kind kind, Object v) {
        if (v == null) {
            return null;
        }
        switch (kind) {
            case PATH:
                return Path.of((String) v);
            case VOLUMES: {
                Map<String, Path> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    out.put((String) e.getKey(), Path.of((String) e.getValue()));
                }
                return Collections.unmodifiableMap(out);
            }
            case MAP: {
                Map<String, String> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    out.put((String) e.getKey(), (String) e.getValue());
                }
                return Collections.unmodifiableMap(out);
            }
            case LIST: {
                List<String> out = new ArrayList<>();
                for (Object x : (List<?>) v) {
                    out.add((String) x);
                }
                return List.copyOf(out);
            }
            case FLAG:
                return (Boolean) v;
            default:
                return (String) v;
        }
    }
}
