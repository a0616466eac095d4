// The gem family: !GemConfig, !GemInstall, !GemBundle.
package vagga.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import vagga.config.BuildStep;

/**
 * As vagga: ruby (install-ruby) and bundler come from the distribution; unless gem-exe is set or
 * update-gem is false, {@code gem update --system} runs first (Debian refuses it without
 * REALLY_GEM_UPDATE_SYSTEM); gems' downloads are vagga's cache {@code gems-cache} (at {@code gem
 * env gemdir}/cache); {@code gem install --bindir /usr/local/bin --no-document} and {@code bundle
 * install --system --binstubs /usr/local/bin}; with a distribution, build-essential and ruby-dev are
 * build dependencies (removed at the end), as vagga; without one they are not installed.
 */
final class GemSteps extends LanguageSteps {
    private static final String BIN_DIR = "/usr/local/bin";
    private static final List<String> TRUST_POLICIES = List.of("LowSecurity", "MediumSecurity", "HighSecurity");
    /** vagga's test of a Gemfile that needs git. */
    /** Compiled when a Gemfile is read, not when the class loads (every build makes this family). */
    private static final class NeedsGit {
        static final Pattern PATTERN = Pattern.compile("(git .*? do)|(:(git|github|gist|bitbucket) =>)|(git_source\\(.*?\\))");
    }

    private boolean configured;

    GemSteps() {
        super("GemConfig", "GemInstall", "GemBundle");
    }

    @Override
    void configChanged() {
        configured = false;
    }

    @Override
    void runStep(BuildStep.Declared step, BuildContext ctx) throws StepFailure, IOException, InterruptedException {
        switch (step.tag()) {
            case "GemInstall" -> {
                prepare(ctx, List.of());
                if (!step.list().isEmpty()) {
                    List<String> argv = new ArrayList<>(List.of(gemExe(), "install", "--bindir", BIN_DIR,
                            "--no-document"));
                    argv.addAll(step.list());
                    ctx.run(StepCommand.of(argv, "/work"));
                }
            }
            case "GemBundle" -> bundle(step, ctx);
            default -> throw new IllegalArgumentException(step.tag());
        }
    }

    private void bundle(BuildStep.Declared step, BuildContext ctx) throws StepFailure, IOException, InterruptedException {
        String gemfile = step.string("gemfile");
        String text = Files.readString(ProjectPaths.inProject(ctx.project(), gemfile), StandardCharsets.UTF_8);
        prepare(ctx, NeedsGit.PATTERN.matcher(text).find() ? List.of("bundler", "git") : List.of("bundler"));
        List<String> argv = new ArrayList<>(List.of("bundle", "install", "--system", "--binstubs", BIN_DIR,
                "--gemfile", gemfile));
        if (!step.strings("without").isEmpty()) {
            argv.add("--without");
            argv.addAll(step.strings("without"));
        }
        String policy = step.string("trust-policy");
        if (policy != null) {
            if (!TRUST_POLICIES.contains(policy)) {
                throw new StepFailure("Value of 'GemBundle.trust_policy' must be 'LowSecurity', 'MediumSecurity' or "
                        + "'HighSecurity', '" + policy + "' given");
            }
            argv.add("--trust-policy");
            argv.add(policy);
        }
        ctx.run(StepCommand.of(argv, "/work"));
    }

    private String gemExe() {
        return config.string("gem-exe") != null ? config.string("gem-exe") : "/usr/bin/gem";
    }

    /** The distribution's packages, then (once per !GemConfig) the gem update and the cache. */
    private void prepare(BuildContext ctx, List<String> more) throws StepFailure, IOException, InterruptedException {
        List<String> features = new ArrayList<>(List.of("build-essential"));
        if (config.flag("install-ruby")) {
            features.add("ruby");
            features.add("ruby-dev");
        }
        features.add("https");
        features.addAll(more);
        ctx.ensurePackages(features);
        if (configured) {
            return;
        }
        if (config.string("gem-exe") == null && config.flag("update-gem")) {
            if (refusesSystemUpdate(ctx.root())) {
                ctx.note(SKIPPED_UPDATE);
            } else {
                ctx.run(StepCommand.of(List.of(gemExe(), "update", "--system", "--no-document"), "/work")
                        .withEnv(Map.of("REALLY_GEM_UPDATE_SYSTEM", "1")));
            }
        }
        String gemDir = ctx.capture(List.of(gemExe(), "env", "gemdir")).strip();
        if (gemDir.startsWith("/")) {
            ctx.cacheMount(gemDir + "/cache", "gems-cache");
        }
        configured = true;
    }

    static final String SKIPPED_UPDATE = "gem update --system skipped: this distribution's RubyGems refuses it "
            + "(Debian 12 and later); set update-gem: false to say so";

    /**
     * Debian's RubyGems (bookworm and later) sets Gem.disable_system_update_message, and then
     * {@code gem update --system} always fails, whatever REALLY_GEM_UPDATE_SYSTEM says; vagga's
     * default (update-gem: true) would make every gem step fail there.
     */
    private static boolean refusesSystemUpdate(Path root) throws IOException {
        // the image's files, followed inside the root: never a host file a link in the image names
        String defaults = "/rubygems/defaults/operating_system.rb";
        List<Path> candidates = new ArrayList<>(List.of(RootPath.resolve(root, "/usr/lib/ruby/vendor_ruby" + defaults, true)));
        Path lib = RootPath.resolve(root, "/usr/lib/ruby", true);
        if (Files.isDirectory(lib, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (var versions = Files.list(lib)) {
                for (Path v : versions.toList()) {
                    candidates.add(RootPath.resolve(root, "/" + root.relativize(v) + defaults, true));
                }
            }
        }
        for (Path file : candidates) {
            if (Files.isRegularFile(file)
                    && Files.readString(file, StandardCharsets.UTF_8).contains("disable_system_update_message =")) {
                return true;
            }
        }
        return false;
    }

    /** What !GemBundle reads: the Gemfile's lines without comments, and Gemfile.lock beside it (vagga's hash). */
    static List<String> hashInput(Path project, BuildStep.Declared step) throws IOException {
        Path gemfile = ProjectPaths.inProject(project, step.string("gemfile"));
        List<String> out = new ArrayList<>();
        Path lock = gemfile.resolveSibling("Gemfile.lock");
        out.add(Files.exists(lock) ? Files.readString(lock, StandardCharsets.UTF_8) : "no lock");
        for (String line : Files.readAllLines(gemfile, StandardCharsets.UTF_8)) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                out.add(l);
            }
        }
        return out;
    }
}
