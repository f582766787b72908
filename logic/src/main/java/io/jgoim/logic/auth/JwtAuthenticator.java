package io.jgoim.logic.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.AlgorithmMismatchException;
import com.auth0.jwt.exceptions.IncorrectClaimException;
import com.auth0.jwt.exceptions.InvalidClaimException;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.MissingClaimException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.auth0.jwt.interfaces.Verification;
import io.jgoim.common.config.ConfigException;
import io.jgoim.logic.JwtConfig;
import io.jgoim.logic.JwtKey;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Verifies signed JWTs (HS256, RS256, ES256). The header's {@code kid} selects the key and the key's configured
 * algorithm is the only one accepted for it, so a token cannot choose a weaker algorithm (or {@code none}, always
 * refused). {@code exp}, {@code nbf}, {@code aud} and {@code iss} are checked with a leeway. Claims map to the
 * session as documented in {@code configs/logic.yaml}: {@code mid} (or a numeric {@code sub}), {@code key},
 * {@code room_id}, {@code platform}, {@code accepts}. Each refusal has its own {@link ErrorCode}. Immutable after
 * construction and thread-safe; keys are parsed once, at construction (a bad key fails the config load).
 */
public final class JwtAuthenticator implements Authenticator {
    private final Map<String, PinnedKey> keys = new HashMap<>();
    private final boolean requireExp;
    private final long leewayMs;
    /** The claim naming the session's tenant ({@code tenants.claim}); absent = the default tenant. */
    private final String tenantClaim;

    public JwtAuthenticator(JwtConfig config) {
        this(config, "tenant");
    }

    /** {@code tenantClaim}: the claim that names the session's tenant (checked later, by logic's Tenants). */
    public JwtAuthenticator(JwtConfig config, String tenantClaim) {
        this.tenantClaim = tenantClaim;
        this.requireExp = config.requireExp();
        this.leewayMs = config.leeway().toMillis();
        for (JwtKey k : config.keys()) {
            Algorithm alg = algorithm(k);
            Verification v = JWT.require(alg).acceptLeeway(config.leeway().toSeconds());
            if (!config.issuer().isEmpty()) {
                v = v.withIssuer(config.issuer());
            }
            if (!config.audience().isEmpty()) {
                v = v.withAnyOfAudience(config.audience());
            }
            keys.put(k.kid(), new PinnedKey(k.alg(), v.build()));
        }
    }

    @Override
    public Identity authenticate(byte[] token) {
        if (token == null || token.length == 0) {
            throw new JgoimException(ErrorCode.TOKEN_MALFORMED, "empty token");
        }
        DecodedJWT jwt;
        try {
            jwt = JWT.decode(new String(token, StandardCharsets.US_ASCII).trim());
        } catch (JWTDecodeException e) {
            throw new JgoimException(ErrorCode.TOKEN_MALFORMED, "token is not a JWT");
        }
        String alg = jwt.getAlgorithm();
        if (alg == null || "none".equalsIgnoreCase(alg)) {
            throw new JgoimException(ErrorCode.TOKEN_ALG_NOT_ALLOWED, "unsigned token (alg none) refused");
        }
        PinnedKey key = jwt.getKeyId() == null ? null : keys.get(jwt.getKeyId());
        if (key == null) {
            throw new JgoimException(ErrorCode.TOKEN_UNKNOWN_KEY, "unknown kid " + jwt.getKeyId());
        }
        if (!key.alg.equals(alg)) {
            throw new JgoimException(ErrorCode.TOKEN_ALG_NOT_ALLOWED,
                    "kid " + jwt.getKeyId() + " accepts " + key.alg + ", token uses " + alg);
        }
        try {
            key.verifier.verify(jwt);
        } catch (AlgorithmMismatchException e) {
            throw new JgoimException(ErrorCode.TOKEN_ALG_NOT_ALLOWED, e.getMessage());
        } catch (SignatureVerificationException e) {
            throw new JgoimException(ErrorCode.TOKEN_BAD_SIGNATURE, "signature does not verify");
        } catch (TokenExpiredException e) {
            throw new JgoimException(ErrorCode.TOKEN_EXPIRED, "token expired");
        } catch (InvalidClaimException e) {
            throw new JgoimException(claimCode(e), e.getMessage());
        } catch (JWTVerificationException e) {
            throw new JgoimException(ErrorCode.UNAUTHORIZED, e.getMessage());
        }
        if (requireExp && jwt.getExpiresAtAsInstant() == null) {
            throw new JgoimException(ErrorCode.TOKEN_MALFORMED, "token has no exp");
        }
        return identity(jwt, leewayMs, tenantClaim);
    }

    private static ErrorCode claimCode(InvalidClaimException e) {
        String claim = e instanceof IncorrectClaimException ? ((IncorrectClaimException) e).getClaimName()
                : e instanceof MissingClaimException ? ((MissingClaimException) e).getClaimName() : "";
        switch (claim == null ? "" : claim) {
            case "aud":
                return ErrorCode.TOKEN_BAD_AUDIENCE;
            case "iss":
                return ErrorCode.TOKEN_BAD_ISSUER;
            case "nbf":
            case "iat":
                return ErrorCode.TOKEN_NOT_YET_VALID;
            case "exp":
                return ErrorCode.TOKEN_EXPIRED;
            default:
                return ErrorCode.UNAUTHORIZED;
        }
    }

    /** The tenant claim's value; "" when absent; a claim that is not a string is malformed. */
    private static String tenant(Claim c) {
        if (c.isMissing() || c.isNull()) {
            return "";
        }
        String t = c.asString();
        if (t == null) {
            throw new JgoimException(ErrorCode.TOKEN_MALFORMED, "the tenant claim is not a string");
        }
        return t;
    }

    /** The session's expiry is exp plus the leeway: the instant this authenticator itself stops accepting it. */
    private static Identity identity(DecodedJWT jwt, long leewayMs, String tenantClaim) {
        long mid;
        try {
            Claim m = jwt.getClaim("mid");
            if (!m.isMissing() && !m.isNull()) {
                Long v = m.asLong();
                if (v == null) {
                    throw new JgoimException(ErrorCode.TOKEN_MALFORMED, "mid is not an integer");
                }
                mid = v;
            } else if (jwt.getSubject() != null) {
                mid = Long.parseLong(jwt.getSubject());
            } else {
                throw new JgoimException(ErrorCode.TOKEN_MALFORMED, "token has neither mid nor sub");
            }
            String key = jwt.getClaim("key").asString();
            if (key == null || key.isEmpty()) {
                key = UUID.randomUUID().toString();
            }
            Claim accepts = jwt.getClaim("accepts");
            List<Integer> ops = accepts.isMissing() || accepts.isNull() ? List.of() : accepts.asList(Integer.class);
            if (ops == null) {
                throw new JgoimException(ErrorCode.TOKEN_MALFORMED, "accepts is not an array of integers");
            }
            java.time.Instant exp = jwt.getExpiresAtAsInstant();
            return new Identity(mid, key, jwt.getClaim("room_id").asString(), jwt.getClaim("platform").asString(),
                    ops, exp == null ? 0 : Math.max(1, exp.toEpochMilli() + leewayMs), jwt.getId(), jwt.getKeyId(),
                    tenant(jwt.getClaim(tenantClaim)));
        } catch (NumberFormatException | JWTDecodeException e) {
            throw new JgoimException(ErrorCode.TOKEN_MALFORMED, "bad claim: " + e.getMessage());
        }
    }

    private static Algorithm algorithm(JwtKey k) {
        if ("HS256".equals(k.alg())) {
            // A secret still in env: form (a config built without LogicConfig.load) reads the process environment.
            return Algorithm.HMAC256(HmacSecret.resolve(k.kid(), k.secret(), System.getenv()));
        }
        try {
            switch (k.alg()) {
                case "RS256":
                    return Algorithm.RSA256((RSAPublicKey) publicKey(k, "RSA"), null);
                case "ES256":
                    return Algorithm.ECDSA256((ECPublicKey) publicKey(k, "EC"), null);
                default:
                    throw new ConfigException("auth.jwt.keys[" + k.kid() + "].alg " + k.alg() + " not supported");
            }
        } catch (ClassCastException | GeneralSecurityException | IOException | IllegalArgumentException e) {
            throw new ConfigException("auth.jwt.keys[" + k.kid() + "].publicKey: not a " + k.alg()
                    + " X.509 PEM public key (" + e.getMessage() + ")", e);
        }
    }

    /** Parses an X.509 (SubjectPublicKeyInfo) PEM key given inline or as {@code file:<path>}. */
    static PublicKey publicKey(JwtKey k, String type) throws IOException, GeneralSecurityException {
        String pem = k.publicKey();
        if (pem.startsWith("file:")) {
            pem = Files.readString(Path.of(pem.substring("file:".length())));
        }
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private static final class PinnedKey {
        final String alg;
        final JWTVerifier verifier;

        PinnedKey(String alg, JWTVerifier verifier) {
            this.alg = alg;
            this.verifier = verifier;
        }
    }
}
