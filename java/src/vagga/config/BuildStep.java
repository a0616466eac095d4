// The steps of a container's `setup:` (SPEC 1.5). Steps we cannot build yet are Unsupported.
package vagga.config;

import java.util.List;
import java.util.Map;

public sealed interface BuildStep {
    Position position();

    /** The tag as written in vagga.yaml, without "!" (e.g. "Tar"). */
    String tag();

    /** Ours: the host's system directories, read-only (must be the only step). */
    record HostRoot(Position position) implements BuildStep {
        public String tag() { return "HostRoot"; }
    }

    /** url: a local path (starting with "." or "/") or http(s) URL; path default "/"; subdir default "". */
    record Tar(Position position, String url, String path, String subdir, String sha256) implements BuildStep {
        public String tag() { return "Tar"; }
    }

    record ContainerStep(Position position, String name) implements BuildStep {
        public String tag() { return "Container"; }
    }

    record Sh(Position position, String script) implements BuildStep {
        public String tag() { return "Sh"; }
    }

    record Cmd(Position position, List<String> argv) implements BuildStep {
        public String tag() { return "Cmd"; }
    }

    record Env(Position position, Map<String, String> vars) implements BuildStep {
        public String tag() { return "Env"; }
    }

    /** path inside the container -> file content. */
    record Text(Position position, Map<String, String> files) implements BuildStep {
        public String tag() { return "Text"; }
    }

    /**
     * source relative to /work (or absolute inside the container being built); path in the container.
     * ignoreRegex/includeRegex/noDefaultRules null when not given (vagga's defaults then apply).
     */
    record Copy(Position position, String source, String path, Integer ownerUid, Integer ownerGid,
                String ignoreRegex, String includeRegex, List<String> rules, Boolean noDefaultRules,
                int umask, boolean preservePermissions, boolean preserveTimes) implements BuildStep {
        /** vagga's defaults for everything but the owners. */
        public Copy(Position position, String source, String path, Integer ownerUid, Integer ownerGid) {
            this(position, source, path, ownerUid, ownerGid, null, null, List.of(), null, 0002, false, false);
        }

        public String tag() { return "Copy"; }
    }

    record EnsureDir(Position position, String path) implements BuildStep {
        public String tag() { return "EnsureDir"; }
    }

    record Remove(Position position, String path) implements BuildStep {
        public String tag() { return "Remove"; }
    }

    /** vagga's !EmptyDir: the directory's contents removed, the directory kept (nothing when it is missing). */
    record EmptyDir(Position position, String path) implements BuildStep {
        public String tag() { return "EmptyDir"; }
    }

    /** ignoreRegex/includeRegex/noDefaultRules null when not given (vagga's defaults then apply). */
    record Depends(Position position, String path, List<String> rules, String ignoreRegex, String includeRegex,
                   Boolean noDefaultRules) implements BuildStep {
        public Depends(Position position, String path, List<String> rules) {
            this(position, path, rules, null, null, null);
        }

        public String tag() { return "Depends"; }
    }

    /** mode default 0o644. */
    record Download(Position position, String url, String path, int mode, String sha256) implements BuildStep {
        public String tag() { return "Download"; }
    }

    /**
     * A step read from its declaration in {@code StepKeys} (TarInstall, Git, pip, npm, ...): value
     * is a map holding every declared key (defaults filled in; booleans and numbers as their text),
     * a list of strings, or a string, by the step's shape.
     */
    record Declared(Position position, String tag, Object value) implements BuildStep {
        /** The step with every key at its default (a !PipConfig or !NpmConfig nobody wrote). */
        public static Declared defaults(String tag) {
            return new Declared(Position.UNKNOWN, tag, StepKeys.defaults(tag));
        }

        /** A key of a mapping step (null when it has no value and no default). */
        public String string(String key) {
            return (String) options().get(key);
        }

        public boolean flag(String key) {
            return "true".equals(options().get(key));
        }

        @SuppressWarnings("unchecked")
        public List<String> strings(String key) {
            return (List<String>) options().get(key);
        }

        @SuppressWarnings("unchecked")
        public Map<String, Object> options() {
            return (Map<String, Object>) value;
        }

        /** The value of a list step (!Py3Install, !NpmInstall). */
        @SuppressWarnings("unchecked")
        public List<String> list() {
            return (List<String>) value;
        }

        /** The value of a path-map step (!CacheDirs). */
        @SuppressWarnings("unchecked")
        public Map<String, String> pathMap() {
            return (Map<String, String>) value;
        }
    }

    // ---- distributions (vagga's Ubuntu and Alpine builders, our !Debian) ----

    /** Ours: a Debian root from the distribution's bootstrap tool (mmdebstrap). */
    record Debian(Position position, String suite) implements BuildStep {
        public String tag() { return "Debian"; }
    }

    /** {@code !Ubuntu codename} and {@code !UbuntuRelease {codename | version | url, arch, ...}};
     *  tag tells which was written. */
    record Ubuntu(Position position, String tag, String codename, String version, String url, String arch,
                  boolean keepChfnCommand, boolean eatmydata) implements BuildStep {}

    record UbuntuUniverse(Position position) implements BuildStep {
        public String tag() { return "UbuntuUniverse"; }
    }

    /** url and suite default to the distribution's mirror and codename. */
    record UbuntuRepo(Position position, String url, String suite, List<String> components, boolean trusted)
            implements BuildStep {
        public String tag() { return "UbuntuRepo"; }
    }

    record UbuntuPPA(Position position, String name) implements BuildStep {
        public String tag() { return "UbuntuPPA"; }
    }

    /** Keys fetched from a keyserver (server default keyserver.ubuntu.com) and/or a key file at url. */
    record AptTrust(Position position, String server, List<String> keys, String url) implements BuildStep {
        public String tag() { return "AptTrust"; }
    }

    /** {@code component} or {@code suite/component} (apt), {@code repo} or {@code branch/repo} (apk). */
    record Repo(Position position, String name) implements BuildStep {
        public String tag() { return "Repo"; }
    }

    record Install(Position position, List<String> packages) implements BuildStep {
        public String tag() { return "Install"; }
    }

    /** Installed now, removed at the end of the build unless !Install also names them. */
    record BuildDeps(Position position, List<String> packages) implements BuildStep {
        public String tag() { return "BuildDeps"; }
    }

    record Alpine(Position position, String version) implements BuildStep {
        public String tag() { return "Alpine"; }
    }

    /** url default alpine-mirror, branch default the !Alpine version, repoTag the "@tag" prefix. */
    record AlpineRepo(Position position, String url, String branch, String repo, String repoTag)
            implements BuildStep {
        public String tag() { return "AlpineRepo"; }
    }

    /** Any other vagga step, parsed for its shape but not buildable yet. value is the plain Java
     *  value (String, List, Map or null). */
    record Unsupported(Position position, String tag, Object value) implements BuildStep {}
}
