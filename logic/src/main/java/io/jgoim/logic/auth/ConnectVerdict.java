package io.jgoim.logic.auth;

/**
 * A connect proxy's allow: the session's identity, and the tenant the backend named ("" for none). The tenant is
 * validated ({@link ConnectProxy#TENANT}) here and resolved against the declared tenants by
 * {@code LocalLogicService.connect}, as a token's claim is. Immutable.
 */
public record ConnectVerdict(Identity identity, String tenant) {
    public ConnectVerdict {
        tenant = tenant == null ? "" : tenant;
    }
}
