// How a build step is named in progress lines and errors: `!Sh "make all"`, `step 3 (...)`.
package vagga.image;

import vagga.config.BuildStep;

final class StepLabel {
    private static final int MAX = 40;

    private StepLabel() {}

    /** `container "app": step 3 (!Sh "make")`, index 0-based. */
    static String prefix(String container, int index, BuildStep step) {
        return "container \"" + container + "\": step " + (index + 1) + " (" + of(step) + ")";
    }

    /** `!Tag "the main argument"`, shortened to one line. */
    static String of(BuildStep step) {
        String arg;
        if (step instanceof BuildStep.Tar t) {
            arg = quote(t.url());
        } else if (step instanceof BuildStep.ContainerStep s) {
            arg = quote(s.name());
        } else if (step instanceof BuildStep.Sh s) {
            arg = quote(s.script());
        } else if (step instanceof BuildStep.Cmd s) {
            arg = list(s.argv());
        } else if (step instanceof BuildStep.Env s) {
            arg = String.join(", ", s.vars().keySet());
        } else if (step instanceof BuildStep.Text s) {
            arg = String.join(", ", s.files().keySet());
        } else if (step instanceof BuildStep.Copy s) {
            arg = quote(s.source()) + " -> " + quote(s.path());
        } else if (step instanceof BuildStep.EnsureDir s) {
            arg = quote(s.path());
        } else if (step instanceof BuildStep.Remove s) {
            arg = quote(s.path());
        } else if (step instanceof BuildStep.EmptyDir s) {
            arg = quote(s.path());
        } else if (step instanceof BuildStep.Depends s) {
            arg = quote(s.path());
        } else if (step instanceof BuildStep.Download s) {
            arg = quote(s.url());
        } else if (step instanceof BuildStep.Declared s) {
            arg = declared(s);
        } else if (step instanceof BuildStep.Debian s) {
            arg = quote(s.suite());
        } else if (step instanceof BuildStep.Ubuntu s) {
            arg = quote(s.codename() != null ? s.codename() : s.version() != null ? s.version() : s.url());
        } else if (step instanceof BuildStep.Install s) {
            arg = list(s.packages());
        } else if (step instanceof BuildStep.BuildDeps s) {
            arg = list(s.packages());
        } else if (step instanceof BuildStep.UbuntuRepo s) {
            arg = quote((s.url() == null ? "" : s.url() + " ") + (s.suite() == null ? "" : s.suite() + " ")
                    + String.join(" ", s.components()));
        } else if (step instanceof BuildStep.UbuntuPPA s) {
            arg = quote(s.name());
        } else if (step instanceof BuildStep.AptTrust s) {
            arg = s.url() != null ? quote(s.url()) : list(s.keys());
        } else if (step instanceof BuildStep.Repo s) {
            arg = quote(s.name());
        } else if (step instanceof BuildStep.Alpine s) {
            arg = quote(s.version());
        } else if (step instanceof BuildStep.AlpineRepo s) {
            arg = quote(s.repo());
        } else {
            arg = "";
        }
        return arg.isEmpty() ? "!" + step.tag() : "!" + step.tag() + " " + arg;
    }

    private static String declared(BuildStep.Declared s) {
        if (s.value() instanceof String file) {
            return quote(file);
        }
        if (s.value() instanceof java.util.List<?>) {
            return list(s.list());
        }
        if (s.tag().equals("DockerImage")) {
            return quote(s.string("image") + ":" + s.string("tag"));
        }
        for (String key : java.util.List.of("url", "container", "file", "dir")) {
            if (s.options().get(key) instanceof String v) {
                return quote(v);
            }
        }
        return "";
    }

    private static String list(java.util.List<String> items) {
        // a loop, not a stream collector: every build prints its steps, and Collectors is ~20 classes
        StringBuilder sb = new StringBuilder("[");
        for (String item : items) {
            sb.append(sb.length() > 1 ? ", " : "").append(quote(item));
        }
        return sb.append(']').toString();
    }

    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        String line = s.strip();
        int nl = line.indexOf('\n');
        boolean cut = nl >= 0 || line.length() > MAX;
        if (nl >= 0) {
            line = line.substring(0, nl);
        }
        if (line.length() > MAX) {
            line = line.substring(0, MAX);
        }
        return "\"" + line + (cut ? "..." : "") + "\"";
    }
}
