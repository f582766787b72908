package io.jgoim.logic.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import io.jgoim.logic.JwtConfig;
import io.jgoim.logic.JwtKey;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Signed JWTs: the {@link AuthenticatorContract} cases (HS256 tokens), then its own (keys, algorithms, claims). */
class JwtAuthenticatorTest extends AuthenticatorContract {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final KeyPair RSA = generate("RSA", null);
    private static final KeyPair EC = generate("EC", "secp256r1");

    private final JwtAuthenticator auth = new JwtAuthenticator(new JwtConfig(Duration.ofSeconds(5), "jgoim",
            "issuer-1", true, List.of(
                    new JwtKey("hs", "HS256", SECRET, null),
                    new JwtKey("rs", "RS256", null, pem(RSA)),
                    new JwtKey("es", "ES256", null, pem(EC)))));

    @Override
    Authenticator authenticator() {
        return auth;
    }

    @Override
    byte[] token(long mid, String key, String roomId, String platform, List<Integer> accepts) {
        JWTCreator.Builder t = JWT.create().withKeyId("hs").withIssuer("issuer-1").withAudience("jgoim")
                .withExpiresAt(Instant.now().plusSeconds(60)).withClaim("mid", mid);
        if (key != null) {
            t.withClaim("key", key);
        }
        if (roomId != null) {
            t.withClaim("room_id", roomId);
        }
        if (platform != null) {
            t.withClaim("platform", platform);
        }
        if (accepts != null) {
            t.withClaim("accepts", accepts);
        }
        return t.sign(Algorithm.HMAC256(SECRET)).getBytes(StandardCharsets.US_ASCII);
    }

    static KeyPair generate(String type, String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(type);
            if (curve != null) {
                g.initialize(new ECGenParameterSpec(curve));
            } else {
                g.initialize(2048);
            }
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(KeyPair kp) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(kp.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    private static JWTCreator.Builder valid(String kid) {
        return JWT.create().withKeyId(kid).withIssuer("issuer-1").withAudience("jgoim")
                .withExpiresAt(Instant.now().plusSeconds(60)).withClaim("mid", 42L).withClaim("key", "sess-1")
                .withClaim("room_id", "live://7").withClaim("platform", "ios")
                .withClaim("accepts", List.of(1000, 1001));
    }

    private Identity check(String token) {
        return auth.authenticate(token.getBytes(StandardCharsets.US_ASCII));
    }

    private ErrorCode refusal(String token) {
        return catchThrowableOfType(JgoimException.class, () -> check(token)).code();
    }

    @Test
    void shouldAcceptEachAlgorithmWithItsKey() {
        Identity expected = new Identity(42, "sess-1", "live://7", "ios", List.of(1000, 1001));
        assertThat(sessionPart(check(valid("hs").sign(Algorithm.HMAC256(SECRET))))).isEqualTo(expected);
        assertThat(sessionPart(check(valid("rs").sign(Algorithm.RSA256(null, (RSAPrivateKey) RSA.getPrivate())))))
                .isEqualTo(expected);
        assertThat(sessionPart(check(valid("es").sign(Algorithm.ECDSA256(null, (ECPrivateKey) EC.getPrivate())))))
                .isEqualTo(expected);
    }

    @Test
    void shouldReportTheExpiryWithItsLeewayAndTheTokensIds() {
        Instant exp = Instant.ofEpochSecond(Instant.now().plusSeconds(60).getEpochSecond());
        Identity id = check(valid("hs").withExpiresAt(exp).withJWTId("j-9").sign(Algorithm.HMAC256(SECRET)));
        assertThat(id.expiresAtMs()).isEqualTo(exp.toEpochMilli() + 5000);
        assertThat(id.jti()).isEqualTo("j-9");
        assertThat(id.kid()).isEqualTo("hs");
        Identity noJti = check(valid("hs").sign(Algorithm.HMAC256(SECRET)));
        assertThat(noJti.jti()).isEmpty();
    }

    @Test
    void shouldMapNumericSubjectAndGenerateMissingKey() {
        String token = JWT.create().withKeyId("hs").withIssuer("issuer-1").withAudience("jgoim").withSubject("77")
                .withExpiresAt(Instant.now().plusSeconds(60)).sign(Algorithm.HMAC256(SECRET));
        Identity id = check(token);
        assertThat(id.memberId()).isEqualTo(77);
        assertThat(UUID.fromString(id.key())).isNotNull();
    }

    @Test
    void shouldAcceptExpiryWithinLeeway() {
        String token = valid("hs").withExpiresAt(Instant.now().minusSeconds(2)).sign(Algorithm.HMAC256(SECRET));
        assertThat(check(token).memberId()).isEqualTo(42);
    }

    @Test
    void shouldRefuseExpiredToken() {
        String token = valid("hs").withExpiresAt(Instant.now().minusSeconds(60)).sign(Algorithm.HMAC256(SECRET));
        assertThat(refusal(token)).isEqualTo(ErrorCode.TOKEN_EXPIRED);
    }

    @Test
    void shouldRefuseTokenNotYetValid() {
        String token = valid("hs").withNotBefore(Instant.now().plusSeconds(60)).sign(Algorithm.HMAC256(SECRET));
        assertThat(refusal(token)).isEqualTo(ErrorCode.TOKEN_NOT_YET_VALID);
    }

    @Test
    void shouldRefuseWrongAudienceAndIssuer() {
        assertThat(refusal(valid("hs").withAudience("other").sign(Algorithm.HMAC256(SECRET))))
                .isEqualTo(ErrorCode.TOKEN_BAD_AUDIENCE);
        assertThat(refusal(valid("hs").withIssuer("evil").sign(Algorithm.HMAC256(SECRET))))
                .isEqualTo(ErrorCode.TOKEN_BAD_ISSUER);
    }

    @Test
    void shouldRefuseWrongSignature() {
        String token = valid("hs").sign(Algorithm.HMAC256("another-secret-another-secret-xx"));
        assertThat(refusal(token)).isEqualTo(ErrorCode.TOKEN_BAD_SIGNATURE);
        KeyPair otherRsa = generate("RSA", null);
        assertThat(refusal(valid("rs").sign(Algorithm.RSA256(null, (RSAPrivateKey) otherRsa.getPrivate()))))
                .isEqualTo(ErrorCode.TOKEN_BAD_SIGNATURE);
    }

    @Test
    void shouldRefuseAlgNone() {
        String token = valid("hs").sign(Algorithm.none());
        assertThat(refusal(token)).isEqualTo(ErrorCode.TOKEN_ALG_NOT_ALLOWED);
        // A hand-made unsigned token with an upper-case alg is refused too.
        String header = b64("{\"alg\":\"NONE\",\"kid\":\"hs\",\"typ\":\"JWT\"}");
        String body = b64("{\"mid\":1,\"exp\":" + (Instant.now().getEpochSecond() + 60) + "}");
        assertThat(refusal(header + "." + body + ".")).isEqualTo(ErrorCode.TOKEN_ALG_NOT_ALLOWED);
    }

    @Test
    void shouldRefuseAlgorithmOtherThanTheKeysPinnedOne() {
        // The classic confusion attack: HMAC-sign with the RSA public key's bytes and name the RSA kid.
        String token = valid("rs").sign(Algorithm.HMAC256(pem(RSA)));
        assertThat(refusal(token)).isEqualTo(ErrorCode.TOKEN_ALG_NOT_ALLOWED);
        assertThat(refusal(valid("es").sign(Algorithm.HMAC256(SECRET)))).isEqualTo(ErrorCode.TOKEN_ALG_NOT_ALLOWED);
    }

    @Test
    void shouldRefuseUnknownOrMissingKid() {
        assertThat(refusal(valid("gone").sign(Algorithm.HMAC256(SECRET)))).isEqualTo(ErrorCode.TOKEN_UNKNOWN_KEY);
        assertThat(refusal(valid(null).sign(Algorithm.HMAC256(SECRET)))).isEqualTo(ErrorCode.TOKEN_UNKNOWN_KEY);
    }

    @Test
    void shouldRefuseMalformedTokensAndClaims() {
        assertThat(refusal("")).isEqualTo(ErrorCode.TOKEN_MALFORMED);
        assertThat(refusal("abc.def")).isEqualTo(ErrorCode.TOKEN_MALFORMED);
        assertThat(refusal("{\"mid\":1}")).isEqualTo(ErrorCode.TOKEN_MALFORMED);
        String noExp = JWT.create().withKeyId("hs").withIssuer("issuer-1").withAudience("jgoim")
                .withClaim("mid", 1L).sign(Algorithm.HMAC256(SECRET));
        assertThat(refusal(noExp)).isEqualTo(ErrorCode.TOKEN_MALFORMED);
        String noMid = JWT.create().withKeyId("hs").withIssuer("issuer-1").withAudience("jgoim")
                .withExpiresAt(Instant.now().plusSeconds(60)).sign(Algorithm.HMAC256(SECRET));
        assertThat(refusal(noMid)).isEqualTo(ErrorCode.TOKEN_MALFORMED);
        assertThat(refusal(valid("hs").withSubject("x").withClaim("mid", "abc").sign(Algorithm.HMAC256(SECRET))))
                .isEqualTo(ErrorCode.TOKEN_MALFORMED);
        assertThat(refusal(valid("hs").withClaim("accepts", Map.of("a", 1)).sign(Algorithm.HMAC256(SECRET))))
                .isEqualTo(ErrorCode.TOKEN_MALFORMED);
    }

    @Test
    void shouldReadSecretFromFileAndRefuseShortOne(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path good = dir.resolve("hs.key");
        java.nio.file.Files.writeString(good, SECRET + "\n");
        JwtAuthenticator fromFile = new JwtAuthenticator(new JwtConfig(Duration.ZERO, "", "", true,
                List.of(new JwtKey("f", "HS256", "file:" + good, null))));
        String token = JWT.create().withKeyId("f").withClaim("mid", 5L).withExpiresAt(Instant.now().plusSeconds(60))
                .sign(Algorithm.HMAC256(SECRET));
        assertThat(fromFile.authenticate(token.getBytes(StandardCharsets.US_ASCII)).memberId()).isEqualTo(5);
        java.nio.file.Path shortKey = dir.resolve("short.key");
        java.nio.file.Files.writeString(shortKey, "tiny");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new JwtAuthenticator(new JwtConfig(Duration.ZERO,
                "", "", true, List.of(new JwtKey("s", "HS256", "file:" + shortKey, null)))))
                .isInstanceOf(io.jgoim.common.config.ConfigException.class).hasMessageContaining("32 bytes");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new JwtAuthenticator(new JwtConfig(Duration.ZERO,
                "", "", true, List.of(new JwtKey("r", "RS256", null, "not a pem"))))).isInstanceOf(
                io.jgoim.common.config.ConfigException.class).hasMessageContaining("publicKey");
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
