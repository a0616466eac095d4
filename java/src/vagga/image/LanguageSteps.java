// What the language families share: their !XConfig step (the last one wins) and the steps that use it.
package vagga.image;

import java.io.IOException;
import java.util.Set;
import vagga.config.BuildStep;

/**
 * A language's package-manager family (pip, npm, composer, gem), as vagga: its config step
 * ({@code !PipConfig}, ...) replaces the previous one (the defaults before the first) and runs
 * nothing; every other step of the family gets {@link #runStep} with the config then in force.
 */
abstract class LanguageSteps implements BuilderFamily {
    private final String configTag;
    private final Set<String> steps;
    /** The last config step of this build, or the config's defaults. */
    protected BuildStep.Declared config;

    LanguageSteps(String configTag, String... steps) {
        this.configTag = configTag;
        this.steps = Set.of(steps);
        this.config = BuildStep.Declared.defaults(configTag);
    }

    @Override
    public final boolean builds(BuildStep step) {
        return step instanceof BuildStep.Declared d && (d.tag().equals(configTag) || steps.contains(d.tag()));
    }

    @Override
    public final void run(BuildStep s, BuildContext ctx) throws StepFailure, IOException, InterruptedException {
        BuildStep.Declared step = (BuildStep.Declared) s;
        if (step.tag().equals(configTag)) {
            config = step;
            configChanged();
        } else {
            runStep(step, ctx);
        }
    }

    /** After a new config step: what was set up for the previous one is set up again. */
    void configChanged() {}

    /** One step of the family other than its config. */
    abstract void runStep(BuildStep.Declared step, BuildContext ctx) throws StepFailure, IOException, InterruptedException;
}
