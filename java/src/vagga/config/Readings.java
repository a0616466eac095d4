// How the keys whose values are more than one of Schema's types are read; each key's declaration names its reading.
package vagga.config;

import java.util.List;

/**
 * One constant per way of reading, not per key: a key's declaration (in the records' {@code Keys}
 * classes) names its reading and its default. Enum constants rather than lambdas for the reason
 * {@link Schema} gives.
 */
enum Readings implements Schema.Reader {
    /** A container's {@code setup:} steps. */
    STEPS,
    /** {@code volumes:}, mount path to volume. */
    VOLUMES,
    /** A command's {@code run:}, a string or a list. */
    RUN,
    /** {@code work-dir:} relative to the project; null: the caller's directory. */
    WORK_DIR,
    /** A list of group ids. */
    IDS,
    /** uids/gids ranges ("0-65535"); dflt (a list, or null for none) when absent or empty, as in vagga. */
    ID_RANGES,
    /** A list of strings; dflt when absent or empty, as vagga's default-shell. */
    NONEMPTY_STRINGS,
    /** A supervise child's network (ip, ports, hostname). */
    NETWORK,
    /** A supervise child's readiness. */
    READY,
    /** A !Supervise's children. */
    CHILDREN,
    /** accepts-arguments; absent: whether `run:` is a string (a script takes "$@"). */
    ACCEPTS_ARGUMENTS,
    /** resolv-conf-path / hosts-file-path; dflt the usual path, an explicit null {@link Container#NO_HOST_FILE}. */
    HOST_FILE_PATH,
    /** A list of absolute paths inside the container (data-dirs). */
    ABSOLUTE_PATHS,
    /** An absolute path inside the container; dflt when absent, or required when dflt is null. */
    ABSOLUTE_PATH,
    /** A !Tmpfs volume's subdirs. */
    TMPFS_SUBDIRS,
    /** A !Tmpfs volume's files. */
    TMPFS_FILES;

    @Override
    @SuppressWarnings("unchecked")
    public Object read(Fields f, String k, Object dflt) {
        switch (this) {
            case STEPS:
                return StepReader.read(f, k);
            case VOLUMES:
                return VolumeReader.read(f, k);
            case RUN:
                return ConfigReader.run(f, k);
            case WORK_DIR:
                return ConfigReader.workDir(f, k);
            case IDS:
                return ConfigReader.ids(f, k);
            case ID_RANGES:
                return orElse(ConfigReader.idRanges(f, k), (List<String>) dflt);
            case NONEMPTY_STRINGS:
                return orElse(f.strings(k), (List<String>) dflt);
            case NETWORK:
                return ConfigReader.network(f, k);
            case READY:
                return ConfigReader.ready(f, k);
            case CHILDREN:
                return ConfigReader.children(f, k);
            case ACCEPTS_ARGUMENTS:
                return f.bool(k, ConfigReader.acceptsArguments(f.get("run")));
            case HOST_FILE_PATH:
                // vagga's validator: an absolute path (V::Directory absolute)
                return f.isExplicitNull(k) ? Container.NO_HOST_FILE : StepReader.absolute(f, k, f.string(k, (String) dflt));
            case ABSOLUTE_PATHS:
                return absolutePaths(f, k);
            case ABSOLUTE_PATH:
                return StepReader.absolute(f, k, dflt == null ? f.requiredString(k) : f.string(k, (String) dflt));
            case TMPFS_SUBDIRS:
                return new VolumeReader(f.problems()).subdirs(f.get(k));
            case TMPFS_FILES:
                return new VolumeReader(f.problems()).files(f.get(k));
            default:
                throw new IllegalStateException(name());
        }
    }

    /** An empty list is the default too, as in vagga (null: none). */
    private static List<String> orElse(List<String> list, List<String> dflt) {
        return list.isEmpty() && dflt != null ? dflt : list;
    }

    /** data-dirs: paths inside the container, so absolute (vagga validates them so). */
    private static List<String> absolutePaths(Fields f, String key) {
        List<String> paths = f.strings(key);
        for (String p : paths) {
            if (!p.startsWith("/")) {
                f.problems().add(f.get(key).position(), key + " \"" + p + "\" must be absolute");
            }
        }
        return paths;
    }
}
