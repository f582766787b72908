package io.jgoim.logic;

import io.jgoim.common.http.access.ApiKeySpec;

import java.util.List;

/**
 * One push API key, stored only as the hex SHA-256 of the key; {@code scopes} name the routes it may call (push,
 * read, admin); {@code ratePerSecond} (0 = unlimited) and {@code burst} size its token bucket.
 */
public record ApiKey(String id, String sha256, List<String> scopes, double ratePerSecond, int burst,
                     List<String> tenants) implements ApiKeySpec {
    public static final String PUSH = "push";
    public static final String READ = "read";
    /** The admin routes ({@code /goim/admin/*}): revoke tokens, keys and members; change log levels. */
    public static final String ADMIN = "admin";

    public ApiKey {
        scopes = scopes == null ? null : List.copyOf(scopes);
        ApiKeySpec.validate("http.apiKeys", id, sha256, scopes, ratePerSecond, burst);
        tenants = tenants == null || tenants.isEmpty() ? List.of(TenantsConfig.DEFAULT) : List.copyOf(tenants);
    }

    /** A key of the default tenant only. */
    public ApiKey(String id, String sha256, List<String> scopes, double ratePerSecond, int burst) {
        this(id, sha256, scopes, ratePerSecond, burst, null);
    }

    @Override
    public String toString() {
        return "ApiKey[id=" + id + ", scopes=" + scopes + ", ratePerSecond=" + ratePerSecond + ", burst=" + burst
                + "]"; // the hash stays out of logs too
    }
}
