package io.jgoim.logic.service;

import io.jgoim.logic.revoke.Revocation;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Tenancy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code jgoim.logic.auth.refused} counters, one per error code, shared by Connect and Refresh so that both count
 * a refused token the same way. Split out of {@link LocalLogicService} so the service reads as its calls, not its
 * bookkeeping. Thread-safe: counters are created once per code and incremented from any client thread.
 */
final class TokenRefusals {
    private final MeterRegistry registry;
    private final Map<ErrorCode, Counter> refusals = new ConcurrentHashMap<>();

    /**
     * Registers every refusal code a token can get at zero from the start (the 100-113 range but the API-key ones),
     * CONNECT_REFUSED only when a connect proxy can answer it.
     */
    TokenRefusals(MeterRegistry registry, boolean connectProxy) {
        this.registry = registry;
        for (ErrorCode c : ErrorCode.values()) {
            if (c == ErrorCode.UNAUTHORIZED || c == ErrorCode.UNKNOWN_TENANT || c.name().startsWith("TOKEN_")
                    || c == ErrorCode.CONNECT_REFUSED && connectProxy) {
                count(c, 0);
            }
        }
    }

    void count(ErrorCode code) {
        count(code, 1);
    }

    private void count(ErrorCode code, int n) {
        refusals.computeIfAbsent(code, c -> Counter.builder("jgoim.logic.auth.refused")
                .description("tokens refused, by error code").tag("code", c.name()).register(registry)).increment(n);
    }

    /** The message a TOKEN_REVOKED reply carries (the revocation's kind and its value without the tenant). */
    static String revokedMessage(Revocation r) {
        return "token revoked (" + r.kind().wire() + " " + Tenancy.local(r.value()) + ")";
    }
}
