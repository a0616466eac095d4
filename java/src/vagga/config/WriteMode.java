// How the container root is seen: read-only, or through a throw-away hard-link copy.
package vagga.config;

public enum WriteMode { READ_ONLY, TRANSIENT_HARD_LINK_COPY }
