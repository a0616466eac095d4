// The version of this build, from the jar manifest (set by Maven).
package vagga.cli;

final class Version {
    private Version() {}

    static String get() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-dev";
    }
}
