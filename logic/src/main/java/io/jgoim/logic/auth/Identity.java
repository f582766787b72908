package io.jgoim.logic.auth;

import java.util.List;

/**
 * Who a token says the session is: member id, session key, the room it joins, its platform and the ops it watches,
 * plus what the deny list and the session's lifetime need: the token's expiry and its ids. Immutable.
 *
 * @param memberId    member id (goim's mid); 0 = anonymous
 * @param key         session key, never empty (a generated UUID when the token has none)
 * @param roomId      room id {@code type://id}, or "" for none
 * @param platform    client platform, or ""
 * @param accepts     business ops the session receives
 * @param expiresAtMs when the token expires (unix ms, its {@code exp}); 0 = never (goim tokens, a JWT without exp)
 * @param jti         the JWT's {@code jti}, or "" (goim tokens, a JWT without one)
 * @param kid         the key id that signed the JWT, or "" (goim tokens)
 * @param tenant      the tenant the token names (its tenant claim, {@code auth.tenantClaim}) as written, "" when it
 *                    names none (goim tokens: the default tenant); not yet checked against the declared tenants
 *                    ({@link io.jgoim.logic.tenant.Tenants#resolve} does that)
 */
public record Identity(long memberId, String key, String roomId, String platform, List<Integer> accepts,
                       long expiresAtMs, String jti, String kid, String tenant) {
    public Identity {
        tenant = tenant == null ? "" : tenant;
        roomId = roomId == null ? "" : roomId;
        platform = platform == null ? "" : platform;
        accepts = accepts == null ? List.of() : List.copyOf(accepts);
        jti = jti == null ? "" : jti;
        kid = kid == null ? "" : kid;
    }

    /** An identity of the default tenant (tokens without a tenant claim). */
    public Identity(long memberId, String key, String roomId, String platform, List<Integer> accepts,
                    long expiresAtMs, String jti, String kid) {
        this(memberId, key, roomId, platform, accepts, expiresAtMs, jti, kid, "");
    }

    /** This identity with its key and room in {@code tenant}'s namespace ({@link io.jgoim.protocol.Tenancy}). */
    public Identity inNamespace(String tenant) {
        return tenant.isEmpty() ? this : new Identity(memberId, io.jgoim.protocol.Tenancy.namespaced(tenant, key),
                roomId.isEmpty() ? "" : io.jgoim.protocol.Tenancy.namespaced(tenant, roomId), platform, accepts,
                expiresAtMs, jti, kid, tenant);
    }

    /** An identity from a token that never expires and has no ids (goim's JSON tokens). */
    public Identity(long memberId, String key, String roomId, String platform, List<Integer> accepts) {
        this(memberId, key, roomId, platform, accepts, 0, "", "");
    }
}
