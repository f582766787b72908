package io.jgoim.loadtest;

import io.jgoim.client.GoimToken;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Objects;

/**
 * Who the load tool is on a live cluster: the tenant its sessions and pushes belong to, and the credentials that
 * say so. {@link #DEFAULT}: goim JSON tokens and no API key, as before (the default tenant). With a tenant, each
 * session's token is an HS256 JWT ({@code kid}, {@code mid}, {@code room_id}, the tenant claim) signed with the
 * cluster's secret, and each push carries {@code X-Jgoim-Tenant}; {@code apiKey} (may be empty) is sent as
 * {@code Authorization: Bearer}. The secret is only held, never printed. Immutable.
 *
 * @param tenant      the tenant name ("" = the default tenant)
 * @param claim       the JWT claim logic reads the tenant from ({@code tenants.claim})
 * @param kid         the key id of {@code secret} in logic's {@code auth.jwt.keys}
 * @param secret      the HS256 secret (empty: goim JSON tokens, for a logic in goim mode)
 * @param apiKey      the push API key, or ""
 */
public record RunAs(String tenant, String claim, String kid, byte[] secret, String apiKey) {
    public static final RunAs DEFAULT = new RunAs("", "tenant", "main", new byte[0], "");
    /** The push API's tenant header. */
    public static final String TENANT_HEADER = "X-Jgoim-Tenant";

    public RunAs {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(claim, "claim");
        Objects.requireNonNull(kid, "kid");
        secret = secret.clone();
        Objects.requireNonNull(apiKey, "apiKey");
    }

    /**
     * The token of session {@code mid} in {@code room} with session key {@code key} ("" = a generated one): an HS256
     * JWT when a secret is set, else goim's JSON (with the tenant field when there is a tenant: logic in goim mode
     * reads it, unsigned).
     */
    public byte[] token(long mid, String key, String room) {
        StringBuilder claims = new StringBuilder(128).append("{\"mid\":").append(mid)
                .append(",\"key\":\"").append(key)
                .append("\",\"room_id\":\"").append(room).append("\",\"platform\":\"loadtest\"");
        if (!tenant.isEmpty()) {
            claims.append(",\"").append(claim).append("\":\"").append(tenant).append('"');
        }
        if (secret.length == 0) {
            return claims.append(",\"accepts\":[]}").toString().getBytes(StandardCharsets.UTF_8);
        }
        claims.append('}');
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String head = b64.encodeToString(("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        String signingInput = head + "." + b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            String sig = b64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
            return (signingInput + "." + sig).getBytes(StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** {@link #token(long, String, String)} with a generated key. */
    public byte[] token(long mid, String room) {
        return secret.length == 0 && tenant.isEmpty() ? GoimToken.json(mid, "", room, "loadtest")
                : token(mid, "", room);
    }

    /** Adds this identity's push API headers (tenant, API key) to a request's headers. */
    public void addHeaders(io.netty.handler.codec.http.HttpHeaders headers) {
        if (!tenant.isEmpty()) {
            headers.set(TENANT_HEADER, tenant);
        }
        if (!apiKey.isEmpty()) {
            headers.set(io.netty.handler.codec.http.HttpHeaderNames.AUTHORIZATION, "Bearer " + apiKey);
        }
    }

    @Override
    public String toString() {
        return "RunAs[tenant=" + tenant + ", kid=" + kid + ", signed=" + (secret.length > 0) + ", apiKey="
                + (apiKey.isEmpty() ? "none" : "set") + "]";
    }
}
