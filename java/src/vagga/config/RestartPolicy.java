// Ours (SPEC 7): child key `restart: never | on-failure | always`.
package vagga.config;

/** never (vagga's behaviour): its end may end the run; otherwise it is started again after a backoff. */
public enum RestartPolicy {
    NEVER, ON_FAILURE, ALWAYS
}
