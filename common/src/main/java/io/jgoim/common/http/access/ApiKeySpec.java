package io.jgoim.common.http.access;

import io.jgoim.common.config.Checks;

import java.util.List;

/**
 * One configured API key as {@link ApiKeyring} reads it: an id (safe to log), the hex SHA-256 of the key (the key
 * itself is never stored), the scopes it may call, and its rate. Logic's {@code http.apiKeys} and the admin ports'
 * {@code admin.apiKeys} (comet) / {@code metrics.apiKeys} (job) entries are both this shape, validated by
 * {@link #validate} so the rules and their messages are written once.
 */
public interface ApiKeySpec {
    String id();

    String sha256();

    List<String> scopes();

    double ratePerSecond();

    int burst();

    /** The name of the default tenant (un-prefixed keys and rooms), as logic's {@code tenants} config spells it. */
    String DEFAULT_TENANT = "default";

    /**
     * The tenants this key may push for, the first being its tenant when a request names none (logic's
     * {@code http.apiKeys[].tenants}); the admin ports' keys have the default tenant only.
     */
    default List<String> tenants() {
        return List.of(DEFAULT_TENANT);
    }

    /**
     * Checks one entry at config load; {@code where} names the list in messages ({@code http.apiKeys}).
     *
     * @throws IllegalArgumentException naming the key and the bad field
     */
    static void validate(String where, String id, String sha256, List<String> scopes, double ratePerSecond,
                         int burst) {
        Checks.notBlank(id, where + "[].id");
        Checks.check(sha256 != null && sha256.matches("[0-9a-fA-F]{64}"), where + "[" + id
                + "].sha256 must be the 64 hex digits of the key's SHA-256 (printf %s KEY | sha256sum)");
        Checks.check(scopes != null && !scopes.isEmpty(), where + "[" + id + "].scopes is required");
        for (String scope : scopes) {
            Checks.check(ApiScope.isName(scope),
                    where + "[" + id + "].scopes entries must be push, read or admin, was '" + scope + "'");
        }
        Checks.check(ratePerSecond >= 0 && ratePerSecond <= 1_000_000,
                where + "[" + id + "].ratePerSecond must be within 0..1000000, was " + ratePerSecond);
        Checks.check(ratePerSecond == 0 || burst >= 1,
                where + "[" + id + "].burst must be >= 1 when ratePerSecond is set, was " + burst);
    }

    /** Checks a whole list: each entry, then unique ids and unique keys. */
    static void validateAll(String where, List<? extends ApiKeySpec> keys) {
        Checks.check(keys.stream().map(ApiKeySpec::id).distinct().count() == keys.size(),
                where + ": id values must be unique");
        Checks.check(keys.stream().map(k -> k.sha256().toLowerCase(java.util.Locale.ROOT)).distinct().count()
                == keys.size(), where + ": two entries hold the same key (equal sha256)");
    }
}
