package io.jgoim.common.http.access;

import java.util.List;

/**
 * One API key of a comet's or job's admin port ({@code admin.apiKeys} / {@code metrics.apiKeys}): the same shape as
 * logic's {@code http.apiKeys} entries, checked by the same {@link ApiKeyring}; the admin routes need scope
 * {@code admin}, so a key with only push or read is refused FORBIDDEN there. Immutable; never logs its hash.
 */
public record AdminKey(String id, String sha256, List<String> scopes, double ratePerSecond, int burst)
        implements ApiKeySpec {
    /** Where these keys sit in a config file, for messages (the node's own section name is prefixed by it). */
    public static final String WHERE = "apiKeys";

    public AdminKey {
        scopes = scopes == null ? null : List.copyOf(scopes);
        ApiKeySpec.validate(WHERE, id, sha256, scopes, ratePerSecond, burst);
    }

    @Override
    public String toString() {
        return "AdminKey[id=" + id + ", scopes=" + scopes + ", ratePerSecond=" + ratePerSecond + ", burst=" + burst
                + "]";
    }
}
