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

    /** source relative to /work (or absolute inside the container being built); path in the container. */
    record Copy(Position position, String source, String path, Integer ownerUid, Integer ownerGid,
                List<String> ignoreRegex) implements BuildStep {
        public String tag() { return "Copy"; }
    }

    record EnsureDir(Position position, String path) implements BuildStep {
        public String tag() { return "EnsureDir"; }
    }

    record Remove(Position position, String path) implements BuildStep {
        public String tag() { return "Remove"; }
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

    /** Any other vagga step, parsed for its shape but not buildable yet. value is the plain Java
     *  value (String, List, Map or null). */
    record Unsupported(Position position, String tag, Object value) implements BuildStep {}
}
