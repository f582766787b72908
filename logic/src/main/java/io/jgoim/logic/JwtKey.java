package io.jgoim.logic;

import io.jgoim.common.config.Checks;
import io.jgoim.logic.auth.HmacSecret;

/** One verification key; {@code alg} is the only algorithm accepted for tokens naming this {@code kid}. */
public record JwtKey(String kid, String alg, String secret, String publicKey) {
    public JwtKey {
        Checks.notBlank(kid, "auth.jwt.keys[].kid");
        Checks.check("HS256".equals(alg) || "RS256".equals(alg) || "ES256".equals(alg),
                "auth.jwt.keys[" + kid + "].alg must be HS256, RS256 or ES256, was " + alg);
        if ("HS256".equals(alg)) {
            // file: and env: secrets are read (and their length checked) by load() and by the authenticator.
            Checks.check(secret != null && (secret.startsWith(HmacSecret.FILE)
                            || secret.startsWith(HmacSecret.ENV) || secret.length() >= HmacSecret.MIN_BYTES),
                    "auth.jwt.keys[" + kid + "].secret must be at least 32 characters for HS256");
        } else {
            Checks.notBlank(publicKey, "auth.jwt.keys[" + kid + "].publicKey");
        }
    }

    @Override
    public String toString() {
        return "JwtKey[kid=" + kid + ", alg=" + alg + "]"; // never log secrets
    }
}
