package io.jgoim.common.http.access;

import io.jgoim.protocol.ErrorCode;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.concurrent.TimeUnit;

/**
 * The one API-key decision of every jgoim HTTP surface (logic's push API, comet's and job's admin ports): a missing
 * key is API_KEY_MISSING (401, challenge {@code Bearer}), an unknown one API_KEY_INVALID (401, challenge with
 * {@code invalid_token}), a key without the route's scope FORBIDDEN (403), a key over its rate RATE_LIMITED (429,
 * with the seconds to wait). Counts the outcome on the key. Stateless; thread-safe as the keyring.
 */
public final class ApiKeyCheck {
    private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    private ApiKeyCheck() {
    }

    /**
     * One check's outcome: the key (a stand-in when none matched), the result, and for a refusal its code, message,
     * {@code WWW-Authenticate} challenge (null unless 401) and {@code Retry-After} seconds (0 unless 429).
     */
    public record Outcome(ApiKeyring.Key key, AccessResult result, ErrorCode code, String message, String challenge,
                          long retryAfterSeconds) {
        public boolean ok() {
            return result == AccessResult.OK;
        }
    }

    /**
     * Checks the key {@code headers} present for {@code scopeOrNull} (null: any configured key will do, e.g. a path
     * that is no route, which then gets its 404) and takes a token of its rate.
     */
    public static Outcome check(ApiKeyring keyring, HttpHeaders headers, ApiScope scopeOrNull) {
        return check(keyring, keyring.match(headers), scopeOrNull);
    }

    /** As {@link #check(ApiKeyring, HttpHeaders, ApiScope)} for a key already {@link ApiKeyring#match matched}. */
    public static Outcome check(ApiKeyring keyring, ApiKeyring.Key key, ApiScope scopeOrNull) {
        if (key == keyring.missing()) {
            key.count(AccessResult.MISSING);
            return new Outcome(key, AccessResult.MISSING, ErrorCode.API_KEY_MISSING,
                    "no API key: send Authorization: Bearer <key> (or X-Api-Key: <key>)", "Bearer", 0);
        }
        if (key == keyring.unknown()) {
            key.count(AccessResult.INVALID);
            return new Outcome(key, AccessResult.INVALID, ErrorCode.API_KEY_INVALID, "API key not accepted",
                    "Bearer error=\"invalid_token\"", 0);
        }
        if (scopeOrNull != null && !key.allows(scopeOrNull)) {
            key.count(AccessResult.FORBIDDEN);
            return new Outcome(key, AccessResult.FORBIDDEN, ErrorCode.FORBIDDEN,
                    "API key " + key.id() + " lacks scope " + scopeOrNull.configName(), null, 0);
        }
        long waitNanos = key.tryAcquire();
        if (waitNanos > 0) {
            key.count(AccessResult.LIMITED);
            long seconds = Math.max(1, (waitNanos + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND);
            return new Outcome(key, AccessResult.LIMITED, ErrorCode.RATE_LIMITED,
                    "API key " + key.id() + " over its rate; retry after " + seconds + "s", null, seconds);
        }
        key.count(AccessResult.OK);
        return new Outcome(key, AccessResult.OK, ErrorCode.OK, "", null, 0);
    }
}
