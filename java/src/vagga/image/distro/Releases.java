// The releases each distribution step accepts, and the error that names them for an unknown one.
package vagga.image.distro;

import vagga.image.StepFailure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

final class Releases {
    private Releases() {}

    /** Ubuntu codenames by version, oldest first (vagga's `version:` list, plus the LTS releases since). */
    static final Map<String, String> UBUNTU;
    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("12.04", "precise");
        m.put("14.04", "trusty");
        m.put("14.10", "utopic");
        m.put("15.04", "vivid");
        m.put("15.10", "wily");
        m.put("16.04", "xenial");
        m.put("18.04", "bionic");
        m.put("20.04", "focal");
        m.put("22.04", "jammy");
        m.put("24.04", "noble");
        UBUNTU = java.util.Collections.unmodifiableMap(m);
    }

    /** Debian suites mmdebstrap bootstraps (codenames and their aliases). */
    static final List<String> DEBIAN = List.of("buster", "bullseye", "bookworm", "trixie", "forky", "sid",
            "oldoldstable", "oldstable", "stable", "testing", "unstable");

    /** vagga's check: v3.18, never 3.18 or latest. */
    private static final Pattern ALPINE = Pattern.compile("^v\\d+\\.\\d+$");

    static String ubuntuCodename(String codename) throws StepFailure {
        if (!UBUNTU.containsValue(codename)) {
            throw new StepFailure("unknown Ubuntu release \"" + codename + "\" (known: "
                    + String.join(", ", UBUNTU.values()) + ")");
        }
        return codename;
    }

    /** "16.04" and "16.04.5" give xenial. */
    static String ubuntuVersion(String version) throws StepFailure {
        String v = version.length() > 5 && version.charAt(5) == '.' ? version.substring(0, 5) : version;
        String codename = UBUNTU.get(v);
        if (codename == null) {
            throw new StepFailure("unknown Ubuntu version \"" + version + "\" (known: "
                    + String.join(", ", UBUNTU.keySet()) + "; or give codename:)");
        }
        return codename;
    }

    static String debianSuite(String suite) throws StepFailure {
        if (!DEBIAN.contains(suite)) {
            throw new StepFailure("unknown Debian suite \"" + suite + "\" (known: " + String.join(", ", DEBIAN) + ")");
        }
        return suite;
    }

    static String alpineVersion(String version) throws StepFailure {
        if (!ALPINE.matcher(version).matches()) {
            throw new StepFailure("unknown Alpine version \"" + version
                    + "\" (expected vMAJOR.MINOR, like v3.18 or v3.20)");
        }
        return version;
    }
}
