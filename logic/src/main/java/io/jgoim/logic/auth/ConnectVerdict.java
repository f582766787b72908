package io.jgoim.logic.auth;

/**
 * A connect proxy's allow: the session's identity, and the tenant the backend named ("" for none). The tenant is
 * validated ({@link ConnectProxy#TENANT}) and carried here for the tenants feature to read; nothing uses it yet.
 * Immutable.
 */
public record ConnectVerdict(Identity identity, String tenant) {
    public ConnectVerdict {
        tenant = tenant == null ? "" : tenant;
    }
}
