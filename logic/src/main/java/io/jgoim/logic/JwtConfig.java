package io.jgoim.logic;

import io.jgoim.common.config.Checks;

import java.time.Duration;
import java.util.List;

/** JWT checks and the verification keys by kid. */
public record JwtConfig(Duration leeway, String audience, String issuer, boolean requireExp, List<JwtKey> keys) {
    public JwtConfig {
        Checks.check(leeway != null && !leeway.isNegative(), "auth.jwt.leeway must be >= 0");
        audience = audience == null ? "" : audience;
        issuer = issuer == null ? "" : issuer;
        keys = keys == null ? List.of() : List.copyOf(keys);
        Checks.check(keys.stream().map(JwtKey::kid).distinct().count() == keys.size(),
                "auth.jwt.keys: kid values must be unique");
    }
}
