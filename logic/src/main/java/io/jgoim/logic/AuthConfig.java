package io.jgoim.logic;

import io.jgoim.common.config.Checks;
import io.jgoim.logic.auth.ConnectProxyConfig;

import java.time.Duration;

/**
 * Which authenticator checks tokens, and how long a revocation without an explicit end lasts ({@code revokeFor}:
 * at least the longest lifetime of the tokens issued, so a revoked token cannot outlive its revocation);
 * {@code connectProxy}, when enabled, asks a backend instead of checking tokens.
 */
public record AuthConfig(String mode, JwtConfig jwt, Duration revokeFor, ConnectProxyConfig connectProxy) {
    public static final String GOIM = "goim";
    public static final String JWT = "jwt";

    public AuthConfig {
        Checks.check(GOIM.equals(mode) || JWT.equals(mode), "auth.mode must be goim or jwt, was " + mode);
        Checks.notNull(jwt, "auth.jwt");
        Checks.check(!JWT.equals(mode) || !jwt.keys().isEmpty(), "auth.jwt.keys is required when auth.mode is jwt");
        Checks.positive(revokeFor, "auth.revokeFor");
        Checks.notNull(connectProxy, "auth.connectProxy");
    }
}
