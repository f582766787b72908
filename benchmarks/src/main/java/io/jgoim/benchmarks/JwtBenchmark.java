package io.jgoim.benchmarks;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.jgoim.logic.JwtConfig;
import io.jgoim.logic.JwtKey;
import io.jgoim.logic.auth.GoimTokenAuthenticator;
import io.jgoim.logic.auth.Identity;
import io.jgoim.logic.auth.JwtAuthenticator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

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
import java.util.concurrent.TimeUnit;

/**
 * Token verification as logic does it on every Connect (every session's auth): {@link JwtAuthenticator} with an
 * HS256 secret, an ES256 (P-256) and an RS256 (2048-bit) public key, each on a valid token carrying the claims jgoim
 * maps (mid, key, room_id, platform, accepts, exp), and goim's unsigned JSON token through
 * {@link GoimTokenAuthenticator} for comparison. The figure bounds the connect rate one logic core can authenticate
 * (the storm target is 10,000 connects+auths/s standalone on 2 cores): µs/op here is the CPU per auth before
 * any Redis or network work. Tokens are made once in setup; each call parses, verifies and maps the claims into an
 * {@code Identity}. Plain JMH threads (gRPC's service threads are not Netty threads).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Dio.netty.leakDetection.level=disabled"})
public class JwtBenchmark {
    private JwtAuthenticator jwt;
    private final GoimTokenAuthenticator goim = new GoimTokenAuthenticator();
    private byte[] hs256;
    private byte[] es256;
    private byte[] rs256;
    private byte[] goimJson;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String secret = "0123456789abcdef0123456789abcdef-jgoim-bench";
        KeyPairGenerator ecGen = KeyPairGenerator.getInstance("EC");
        ecGen.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ec = ecGen.generateKeyPair();
        KeyPairGenerator rsaGen = KeyPairGenerator.getInstance("RSA");
        rsaGen.initialize(2048);
        KeyPair rsa = rsaGen.generateKeyPair();
        jwt = new JwtAuthenticator(new JwtConfig(Duration.ofSeconds(30), "", "", true, List.of(
                new JwtKey("hs", "HS256", secret, null),
                new JwtKey("es", "ES256", null, pem(ec)),
                new JwtKey("rs", "RS256", null, pem(rsa)))));
        hs256 = token("hs", Algorithm.HMAC256(secret.getBytes(StandardCharsets.UTF_8)));
        es256 = token("es", Algorithm.ECDSA256((ECPublicKey) ec.getPublic(), (ECPrivateKey) ec.getPrivate()));
        rs256 = token("rs", Algorithm.RSA256((RSAPublicKey) rsa.getPublic(), (RSAPrivateKey) rsa.getPrivate()));
        goimJson = ("{\"mid\":123456,\"key\":\"3f2a9c1e-7b4d-4e8a-9c1f-2b3d4e5f6a7b\",\"room_id\":\"live://1000\","
                + "\"platform\":\"web\",\"accepts\":[1000,1001,1002]}").getBytes(StandardCharsets.UTF_8);
        // Each token must verify before anything is timed.
        for (byte[] t : List.of(hs256, es256, rs256)) {
            Identity id = jwt.authenticate(t);
            if (id.memberId() != 123456 || id.accepts().size() != 3) {
                throw new IllegalStateException("bad identity " + id);
            }
        }
        goim.authenticate(goimJson);
    }

    private static byte[] token(String kid, Algorithm alg) {
        return JWT.create().withKeyId(kid).withClaim("mid", 123456L)
                .withClaim("key", "3f2a9c1e-7b4d-4e8a-9c1f-2b3d4e5f6a7b").withClaim("room_id", "live://1000")
                .withClaim("platform", "web").withClaim("accepts", List.of(1000, 1001, 1002))
                .withExpiresAt(Instant.now().plus(Duration.ofDays(1))).sign(alg).getBytes(StandardCharsets.US_ASCII);
    }

    private static String pem(KeyPair kp) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(kp.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    @Benchmark
    public Identity hs256() {
        return jwt.authenticate(hs256);
    }

    @Benchmark
    public Identity es256() {
        return jwt.authenticate(es256);
    }

    @Benchmark
    public Identity rs256() {
        return jwt.authenticate(rs256);
    }

    @Benchmark
    public Identity goimJson() {
        return goim.authenticate(goimJson);
    }
}
