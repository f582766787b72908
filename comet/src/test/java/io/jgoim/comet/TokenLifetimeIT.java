package io.jgoim.comet;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import io.jgoim.comet.TestClient.Mode;
import io.jgoim.logic.JwtConfig;
import io.jgoim.logic.JwtKey;
import io.jgoim.logic.auth.JwtAuthenticator;
import io.jgoim.logic.revoke.Revocation;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Token lifetime on a real comet with the logic twin checking JWTs: a session is closed with TOKEN_EXPIRED (4014)
 * when its token expires, unless it refreshed it (op 23) before; a refresh with another member's token is refused
 * with TOKEN_WRONG_MEMBER and the session stays open; a goim (ver 1) session may not refresh; revoking a jti, a kid or
 * a member closes exactly the matching open sessions with KICKED (4502) and refuses their tokens at Connect.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class TokenLifetimeIT {
    private static final String SECRET_A = "0123456789abcdef0123456789abcdef";
    private static final String SECRET_B = "fedcba9876543210fedcba9876543210";
    private static final AtomicLong MIDS = new AtomicLong(100);
    private static LogicTwin logic;
    private static CometServer comet;

    @BeforeAll
    static void start() {
        logic = LogicTwin.create(new JwtAuthenticator(new JwtConfig(Duration.ZERO, "", "", false, List.of(
                new JwtKey("a", "HS256", SECRET_A, null), new JwtKey("b", "HS256", SECRET_B, null)))));
        comet = new CometServer(TestConfigs.ephemeral(Map.of("JGOIM_ONLINE_REPORT_INTERVAL", "200ms")), logic, null,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        comet.start();
    }

    @AfterAll
    static void stop() {
        comet.close();
        logic.close();
    }

    static String token(String kid, long mid, String jti, Instant exp) {
        JWTCreator.Builder t = JWT.create().withKeyId(kid).withClaim("mid", mid).withClaim("key", "s" + jti);
        if (jti != null) {
            t.withJWTId(jti);
        }
        if (exp != null) {
            t.withExpiresAt(exp);
        }
        return t.sign(Algorithm.HMAC256("a".equals(kid) ? SECRET_A : SECRET_B));
    }

    /** An extended WebSocket session authenticated with {@code token}; asserts the auth reply. */
    private static TestClient session(int ver, String token) throws Exception {
        TestClient c = TestClient.connect(Mode.WS, comet);
        c.send(ver, Op.AUTH, 1, token.getBytes(StandardCharsets.US_ASCII));
        byte[] reply = c.next(3000);
        assertThat(reply).as("auth reply").isNotNull();
        assertThat(TestClient.op(reply)).isEqualTo(Op.AUTH_REPLY);
        return c;
    }

    private static void assertOpen(TestClient c, int seq) throws Exception {
        c.send(2, Op.HEARTBEAT, seq, new byte[0]);
        byte[] hb = c.next(3000);
        assertThat(hb).as("heartbeat reply: the session is open").isNotNull();
        assertThat(TestClient.op(hb)).isEqualTo(Op.HEARTBEAT_REPLY);
        assertThat(TestClient.seq(hb)).isEqualTo(seq);
    }

    @Test
    void shouldCloseASessionWithTokenExpiredWhenItsTokenExpires() throws Exception {
        // A JWT's exp is in whole seconds.
        Instant exp = Instant.ofEpochSecond(Instant.now().plusSeconds(3).getEpochSecond());
        try (TestClient c = session(2, token("a", MIDS.incrementAndGet(), uuid(), exp))) {
            assertOpen(c, 5);
            assertThat(Instant.now()).as("still before exp when the heartbeat was answered").isBefore(exp);
            byte[] err = c.next(6000);
            assertThat(err).as("error reply before the close").isNotNull();
            assertThat(TestClient.op(err)).isEqualTo(Op.ERROR_REPLY);
            assertThat(TestClient.body(err)).startsWith("{\"code\":" + ErrorCode.TOKEN_EXPIRED.code() + ",");
            assertThat(c.closeCode().get(3, TimeUnit.SECONDS)).isEqualTo(CloseCode.TOKEN_EXPIRED.code());
            assertThat(Instant.now()).as("closed at exp, not before").isAfterOrEqualTo(exp.minusMillis(50));
        }
    }

    @Test
    void shouldTellTheExtendedClientWhenItsTokenExpires() throws Exception {
        long exp = Instant.now().plusSeconds(60).getEpochSecond();
        try (TestClient c = TestClient.connect(Mode.WS, comet)) {
            c.send(2, Op.AUTH, 1, token("a", MIDS.incrementAndGet(), uuid(), Instant.ofEpochSecond(exp))
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] reply = c.next(3000);
            assertThat(TestClient.body(reply)).endsWith(",\"expires\":" + exp + "}");
        }
    }

    @Test
    void shouldKeepASessionOpenPastItsOldExpiryAfterARefresh() throws Exception {
        long mid = MIDS.incrementAndGet();
        Instant oldExp = Instant.ofEpochSecond(Instant.now().plusSeconds(2).getEpochSecond());
        try (TestClient c = session(2, token("a", mid, uuid(), oldExp))) {
            long newExp = Instant.now().plusSeconds(60).getEpochSecond();
            c.send(2, Op.REFRESH, 9, token("b", mid, uuid(), Instant.ofEpochSecond(newExp))
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] reply = c.next(3000);
            assertThat(TestClient.op(reply)).isEqualTo(Op.REFRESH_REPLY);
            assertThat(TestClient.seq(reply)).isEqualTo(9);
            assertThat(TestClient.body(reply)).isEqualTo("{\"expires\":" + newExp + "}");
            while (Instant.now().isBefore(oldExp.plusSeconds(1))) {
                Thread.sleep(100);
            }
            assertOpen(c, 11);
            assertThat(c.closeCode()).isNotDone();
        }
    }

    @Test
    void shouldRefuseARefreshWithAnotherMembersTokenAndKeepTheSession() throws Exception {
        long mid = MIDS.incrementAndGet();
        try (TestClient c = session(2, token("a", mid, uuid(), Instant.now().plusSeconds(60)))) {
            c.send(2, Op.REFRESH, 4, token("a", mid + 1000, uuid(), Instant.now().plusSeconds(120))
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] err = c.next(3000);
            assertThat(TestClient.op(err)).isEqualTo(Op.ERROR_REPLY);
            assertThat(TestClient.seq(err)).isEqualTo(4);
            assertThat(TestClient.body(err)).startsWith("{\"code\":" + ErrorCode.TOKEN_WRONG_MEMBER.code() + ",");
            assertOpen(c, 6);
        }
    }

    @Test
    void shouldRefuseARefreshWithAnExpiredTokenAndKeepTheSession() throws Exception {
        long mid = MIDS.incrementAndGet();
        try (TestClient c = session(2, token("a", mid, uuid(), Instant.now().plusSeconds(60)))) {
            c.send(2, Op.REFRESH, 4, token("a", mid, uuid(), Instant.now().minusSeconds(30))
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] err = c.next(3000);
            assertThat(TestClient.op(err)).isEqualTo(Op.ERROR_REPLY);
            assertThat(TestClient.body(err)).startsWith("{\"code\":" + ErrorCode.TOKEN_EXPIRED.code() + ",");
            assertOpen(c, 6);
        }
    }

    @Test
    void shouldCloseAGoimSessionThatSendsTheRefreshOp() throws Exception {
        long mid = MIDS.incrementAndGet();
        try (TestClient c = session(1, token("a", mid, uuid(), Instant.now().plusSeconds(60)))) {
            c.send(1, Op.REFRESH, 4, token("a", mid, uuid(), Instant.now().plusSeconds(120))
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(c.closeCode().get(3, TimeUnit.SECONDS)).isEqualTo(CloseCode.PROTOCOL_ERROR.code());
        }
    }

    @Test
    void shouldCloseExactlyTheSessionsARevocationNamesAndRefuseTheirTokens() throws Exception {
        Instant exp = Instant.now().plusSeconds(60);
        long midA = MIDS.incrementAndGet();
        long midB = MIDS.incrementAndGet();
        long midC = MIDS.incrementAndGet();
        long midD = MIDS.incrementAndGet();
        String jtiA = uuid();
        try (TestClient a = session(2, token("a", midA, jtiA, exp));
             TestClient b = session(2, token("b", midB, uuid(), exp));
             TestClient c = session(2, token("a", midC, uuid(), exp));
             TestClient c2 = session(2, token("a", midC, uuid(), exp));
             TestClient d = session(2, token("a", midD, uuid(), exp))) {
            long until = System.currentTimeMillis() + 60_000;

            logic.denyList().revoke(new Revocation(Revocation.Kind.JTI, jtiA, until)).join();
            assertThat(a.closeCode().get(5, TimeUnit.SECONDS)).isEqualTo(CloseCode.KICKED.code());
            assertOpen(b, 1);
            assertOpen(c, 1);
            assertOpen(d, 1);

            logic.denyList().revoke(new Revocation(Revocation.Kind.MID, Long.toString(midC), until)).join();
            assertThat(c.closeCode().get(5, TimeUnit.SECONDS)).isEqualTo(CloseCode.KICKED.code());
            assertThat(c2.closeCode().get(5, TimeUnit.SECONDS)).isEqualTo(CloseCode.KICKED.code());
            assertOpen(b, 2);
            assertOpen(d, 2);

            logic.denyList().revoke(new Revocation(Revocation.Kind.KID, "b", until)).join();
            assertThat(b.closeCode().get(5, TimeUnit.SECONDS)).isEqualTo(CloseCode.KICKED.code());
            assertOpen(d, 3);

            // Connect refuses what is revoked: AUTH_FAILED with TOKEN_REVOKED told first.
            for (String refused : List.of(token("a", midA, jtiA, exp), token("a", midC, uuid(), exp),
                    token("b", midD, uuid(), exp))) {
                try (TestClient r = TestClient.connect(Mode.WS, comet)) {
                    r.send(2, Op.AUTH, 1, refused.getBytes(StandardCharsets.US_ASCII));
                    byte[] err = r.next(3000);
                    assertThat(TestClient.op(err)).isEqualTo(Op.ERROR_REPLY);
                    assertThat(TestClient.body(err)).startsWith("{\"code\":" + ErrorCode.TOKEN_REVOKED.code() + ",");
                    assertThat(r.closeCode().get(3, TimeUnit.SECONDS)).isEqualTo(CloseCode.AUTH_FAILED.code());
                }
            }
            assertOpen(d, 4);
        }
    }

    private static String uuid() {
        return UUID.randomUUID().toString();
    }
}
