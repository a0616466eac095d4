// The registry of builder families: the one list a new family is added to.
package vagga.image;

import java.util.List;

final class StepFamilies {
    private StepFamilies() {}

    /** Fresh instances for one container build, in the order they are asked (see BuilderFamily). */
    static List<BuilderFamily> forOneBuild() {
        return List.of(new LocalSteps(), new vagga.image.distro.DistroSteps(), new SourceSteps(), new ContainerSteps(),
                new PipSteps(), new NpmSteps(), new ComposerSteps(), new GemSteps(), new DockerSteps());
    }
}
