// What ends a supervise run (SPEC 3.2).
package vagga.config;

public enum SuperviseMode { STOP_ON_FAILURE, WAIT_ALL_SUCCESSFUL }
