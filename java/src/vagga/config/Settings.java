// The user's vagga settings that matter here: `external-volumes` (what /volumes/NAME binds to).
package vagga.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * As vagga: settings come from {@code ~/.config/vagga/settings.yaml}, {@code ~/.vagga/settings.yaml},
 * {@code ~/.vagga.yaml} and the {@code VAGGA_SETTINGS} variable (YAML text), later ones winning per
 * key. Only {@code external-volumes: {NAME: /host/path}} is used; other keys are left to vagga.
 */
public record Settings(Map<String, Path> externalVolumes) {
    /** Reads the settings; a file that is not YAML is an error naming it. */
    public static Settings load(Map<String, String> env, Path home) throws ConfigException {
        Map<String, Path> volumes = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        if (home != null) {
            for (Path file : List.of(home.resolve(".config/vagga/settings.yaml"),
                    home.resolve(".vagga/settings.yaml"), home.resolve(".vagga.yaml"))) {
                if (Files.isRegularFile(file)) {
                    try {
                        merge(Files.readString(file), file.toString(), volumes, problems);
                    } catch (IOException e) {
                        problems.add(file + ": cannot read: " + e.getMessage());
                    }
                }
            }
        }
        String inline = env.get("VAGGA_SETTINGS");
        if (inline != null && !inline.isBlank()) {
            merge(inline, "VAGGA_SETTINGS", volumes, problems);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new Settings(Map.copyOf(volumes));
    }

    private static void merge(String text, String where, Map<String, Path> volumes, List<String> problems) {
        Object doc;
        try {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (RuntimeException e) {
            problems.add(where + ": invalid YAML: " + e.getMessage().lines().findFirst().orElse(""));
            return;
        }
        if (doc == null) {
            return;
        }
        if (!(doc instanceof Map<?, ?> map)) {
            problems.add(where + ": settings must be a mapping");
            return;
        }
        Object ext = map.containsKey("external-volumes") ? map.get("external-volumes") : map.get("external_volumes");
        if (ext == null) {
            return;
        }
        if (!(ext instanceof Map<?, ?> entries)) {
            problems.add(where + ": external-volumes must be a mapping of names to paths");
            return;
        }
        for (Map.Entry<?, ?> e : entries.entrySet()) {
            String path = String.valueOf(e.getValue());
            if (!path.startsWith("/")) {
                problems.add(where + ": external volume \"" + e.getKey() + "\": path " + path + " is not absolute");
                continue;
            }
            volumes.put(String.valueOf(e.getKey()), Path.of(path));
        }
    }
}
