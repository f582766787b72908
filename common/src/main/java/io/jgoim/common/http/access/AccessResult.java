package io.jgoim.common.http.access;

/**
 * The outcome of checking a request's API key, in the order the checks run; {@link #tag()} is the {@code result}
 * tag of {@code jgoim.logic.http.auth}. Immutable.
 */
public enum AccessResult {
    /** A configured key with the route's scope, within its rate. */
    OK("ok"),
    /** No key presented. */
    MISSING("missing"),
    /** A key that is not configured. */
    INVALID("invalid"),
    /** A configured key without the route's scope. */
    FORBIDDEN("forbidden"),
    /** A configured key over its rate. */
    LIMITED("limited");

    private final String tag;

    AccessResult(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
