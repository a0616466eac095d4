// Ours: vagga _export compose|k8s CMD [-o FILE] [--host-root-image IMAGE] [--only ...] [--exclude ...].
package vagga.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import vagga.config.CommandDef;
import vagga.config.Config;
import vagga.config.SuperviseSpec;
import vagga.export.ComposeFile;
import vagga.export.ExportException;
import vagga.export.ExportModel;
import vagga.export.KubeManifest;
import vagga.launch.Environment;
import vagga.plan.ExitCodes;
import vagga.plan.RunPlan;

/**
 * Writes the supervise's children as a compose file or a Kubernetes manifest (to stdout without -o),
 * and prints on stderr how to load the images and run it. The supervise's own arguments
 * (--only/--exclude, or its options:) select the children as for a run. Exit codes: 0 written;
 * 122 bad arguments; 121 unknown command, not a !Supervise, something that cannot be expressed (each
 * named with its file:line), or the file cannot be written.
 */
final class ExportCommand {
    private ExportCommand() {}

    static final String USAGE = "Usage: vagga _export compose|k8s COMMAND [-o FILE] [--host-root-image IMAGE] "
            + "[--only NAME...] [--exclude NAME...]";

    private static final String HELP = USAGE + "\n\n"
            + "Writes the !Supervise COMMAND as a compose file (compose) or a Kubernetes Pod / Job (k8s).\n\n"
            + "  -o,--output FILE           write to FILE (relative to the current directory), not stdout\n"
            + "  --host-root-image IMAGE    run the children of !HostRoot containers in IMAGE\n"
            + "  --only, --exclude, options: as for running COMMAND\n";

    static int run(Invocation inv, Config config, List<String> args) {
        if (args.isEmpty() || args.get(0).equals("-h") || args.get(0).equals("--help")) {
            if (args.isEmpty()) {
                return usage(inv, "say what to export: compose or k8s, and the command");
            }
            inv.out().print(HELP);
            return ExitCodes.OK;
        }
        String format = args.get(0);
        if (!format.equals("compose") && !format.equals("k8s")) {
            return usage(inv, "unknown format \"" + format + "\" (expected compose or k8s)");
        }
        if (args.size() < 2 || args.get(1).startsWith("-")) {
            return usage(inv, "the !Supervise command to export is required");
        }
        String name = args.get(1);
        String output = null;
        String hostRootImage = null;
        List<String> rest = new ArrayList<>();
        for (int i = 2; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-o") || a.equals("--output") || a.equals("--host-root-image")) {
                if (i + 1 >= args.size()) {
                    return usage(inv, "option " + a + " needs a value");
                }
                if (a.equals("--host-root-image")) {
                    hostRootImage = args.get(++i);
                } else {
                    output = args.get(++i);
                }
            } else if (a.startsWith("--output=")) {
                output = a.substring("--output=".length());
            } else if (a.startsWith("--host-root-image=")) {
                hostRootImage = a.substring("--host-root-image=".length());
            } else {
                rest.add(a);
            }
        }
        if (hostRootImage != null && hostRootImage.isBlank()) {
            return usage(inv, "--host-root-image needs an image name");
        }
        CommandDef def = Commands.find(config, name);
        if (def == null) {
            inv.err().println(Commands.notFound(config, name));
            return ExitCodes.RUNTIME_ERROR;
        }
        if (!(def instanceof SuperviseSpec supervise)) {
            inv.err().println("vagga _export: \"" + name + "\" is not a !Supervise: only a supervise's children are exported");
            return ExitCodes.RUNTIME_ERROR;
        }
        String canonical = Commands.canonicalName(config, def, name);
        Runs.PlanOrExit planned = Runs.plan(inv, canonical, supervise, rest);
        if (planned.plan() == null) {
            return planned.exitCode();
        }
        RunPlan plan = planned.plan();
        Environment.Caller caller;
        try {
            caller = exportCaller(Runs.caller(inv, config));
        } catch (IllegalArgumentException e) {
            inv.err().println("vagga: -E/--environ: " + e.getMessage());
            return ExitCodes.BAD_ARGUMENTS;
        }
        Path target = output == null ? null : inv.cwd().resolve(output);
        Path fileDir = target == null ? inv.cwd() : target.toAbsolutePath().getParent();
        String projectFromFile = fileDir.relativize(config.projectRoot()).toString();
        String fileName = output != null ? output : format.equals("compose") ? "docker-compose.yml" : "vagga-k8s.yaml";
        String exportCommand = "vagga _export " + String.join(" ", args);
        try {
            ExportModel model = ExportModel.of(config, plan, caller, Dispatch.relativeWorkDir(inv, config),
                    hostRootImage, format.equals("compose") ? "compose" : "Kubernetes");
            String text;
            List<String> howTo;
            if (format.equals("compose")) {
                text = ComposeFile.render(model, projectFromFile, fileName, exportCommand);
            } else {
                text = KubeManifest.render(model, config.projectRoot(), fileName, exportCommand);
            }
            howTo = text.lines().takeWhile(l -> l.startsWith("#")).map(l -> l.replaceFirst("^# ?", "")).toList();
            if (target == null) {
                inv.out().print(text);
                inv.out().flush();
            } else {
                try {
                    Files.writeString(target, text, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    inv.err().println("vagga _export: cannot write " + output + ": " + e.getMessage());
                    return ExitCodes.RUNTIME_ERROR;
                }
            }
            howTo.stream().skip(2).forEach(l -> inv.err().println(l));
            return ExitCodes.OK;
        } catch (ExportException e) {
            e.lines().forEach(inv.err()::println);
            return ExitCodes.RUNTIME_ERROR;
        }
    }

    /** Only what the caller asked to pass (-e, -E, VAGGAENV_*): not the TERM or proxies of whoever exports. */
    private static Environment.Caller exportCaller(Environment.Caller full) {
        Map<String, String> passed = new LinkedHashMap<>();
        full.callerEnv().forEach((k, v) -> {
            if (k.startsWith(Environment.ENV_PREFIX) || full.useEnv().contains(k)) {
                passed.put(k, v);
            }
        });
        return new Environment.Caller(passed, full.useEnv(), full.setEnv(), null, full.settings());
    }

    private static int usage(Invocation inv, String message) {
        inv.err().println(USAGE);
        inv.err().println("vagga _export: " + message);
        return ExitCodes.BAD_ARGUMENTS;
    }
}
