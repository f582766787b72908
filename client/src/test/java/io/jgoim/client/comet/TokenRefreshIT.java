package io.jgoim.client.comet;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.jgoim.client.ClientState;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.JgoimClientException;
import io.jgoim.client.Transport;
import io.jgoim.logic.JwtConfig;
import io.jgoim.logic.JwtKey;
import io.jgoim.logic.auth.JwtAuthenticator;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The SDK's token refresh against a real comet whose logic twin checks JWTs: {@code refreshToken} moves the
 * session's expiry (and is refused with the server's code for another member's token), the {@code tokenRefresher}
 * keeps a session with short-lived tokens open past several expiries, and without one the session is closed with
 * TOKEN_EXPIRED.
 */
@Timeout(60)
class TokenRefreshIT {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static LogicTwin logic;
    private static RealComet comet;

    @BeforeAll
    static void start() {
        logic = LogicTwin.create(new JwtAuthenticator(new JwtConfig(Duration.ZERO, "", "", true,
                List.of(new JwtKey("k", "HS256", SECRET, null)))));
        comet = RealComet.start(logic, 0);
    }

    @AfterAll
    static void stop() {
        comet.close();
        logic.close();
    }

    private static String token(long mid, long seconds) {
        return JWT.create().withKeyId("k").withClaim("mid", mid).withJWTId(UUID.randomUUID().toString())
                .withExpiresAt(Instant.now().plusSeconds(seconds)).sign(Algorithm.HMAC256(SECRET));
    }

    private static JgoimClient client(String token, io.jgoim.client.TokenRefresher refresher) {
        return JgoimClient.builder().host("127.0.0.1").port(comet.port(Transport.TCP)).transport(Transport.TCP)
                .token(token).tokenRefresher(refresher).reconnect(false).build();
    }

    @Test
    void shouldMoveTheExpiryWithRefreshTokenAndRefuseAnotherMembersToken() throws Exception {
        try (JgoimClient c = client(token(1, 60), null)) {
            c.connect().get(5, TimeUnit.SECONDS);
            Instant first = c.tokenExpiry();
            assertThat(first).isNotNull();
            Instant moved = c.refreshToken(token(1, 600).getBytes()).get(5, TimeUnit.SECONDS);
            assertThat(moved).isAfter(first.plusSeconds(500));
            assertThat(c.tokenExpiry()).isEqualTo(moved);

            Throwable refused = catchThrowable(() -> c.refreshToken(token(2, 600).getBytes()).join()).getCause();
            assertThat(refused).isInstanceOf(JgoimClientException.class);
            assertThat(((JgoimClientException) refused).errorCode()).isEqualTo(ErrorCode.TOKEN_WRONG_MEMBER);
            assertThat(c.tokenExpiry()).isEqualTo(moved);
            assertThat(c.state()).isEqualTo(ClientState.CONNECTED);
        }
    }

    @Test
    void shouldKeepTheSessionOpenPastSeveralExpiriesWithATokenRefresher() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        try (JgoimClient c = client(token(3, 2), () -> {
            asked.incrementAndGet();
            return CompletableFuture.completedFuture(token(3, 2).getBytes());
        })) {
            c.connect().get(5, TimeUnit.SECONDS);
            Instant end = Instant.now().plusSeconds(5);
            while (Instant.now().isBefore(end)) {
                Thread.sleep(200);
            }
            assertThat(asked.get()).as("refreshes asked for").isGreaterThanOrEqualTo(2);
            assertThat(c.state()).isEqualTo(ClientState.CONNECTED);
            assertThat(c.lastClose()).isNull();
        }
    }

    @Test
    void shouldBeClosedWithTokenExpiredWithoutARefresher() throws Exception {
        try (JgoimClient c = client(token(4, 2), null)) {
            c.connect().get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.lastClose() != null);
            assertThat(c.lastClose().code()).isEqualTo(CloseCode.TOKEN_EXPIRED.code());
        }
    }

    @Test
    void shouldAskTheRefresherForANewTokenBeforeReconnectingAfterTokenExpired() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        // The refresher is down while the session lives (the in-session refresh fails, the session is closed at exp
        // with 4014), then works: the reconnect must present its new token, not the expired one.
        io.jgoim.client.TokenRefresher refresher = () -> asked.incrementAndGet() == 1
                ? CompletableFuture.failedFuture(new IllegalStateException("token service down"))
                : CompletableFuture.completedFuture(token(5, 60).getBytes());
        try (JgoimClient c = JgoimClient.builder().host("127.0.0.1").port(comet.port(Transport.TCP))
                .transport(Transport.TCP).token(token(5, 2)).tokenRefresher(refresher).reconnect(true)
                .backoff(Duration.ofMillis(100), Duration.ofMillis(200)).build()) {
            c.connect().get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(15)).until(() -> c.reconnects() >= 1
                    && c.state() == ClientState.CONNECTED);
            assertThat(c.lastClose().code()).isEqualTo(CloseCode.TOKEN_EXPIRED.code());
            assertThat(c.tokenExpiry()).isAfter(Instant.now().plusSeconds(30));
            assertThat(asked.get()).isGreaterThanOrEqualTo(2);
        }
    }
}
