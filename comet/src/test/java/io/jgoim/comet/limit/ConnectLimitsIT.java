package io.jgoim.comet.limit;

import io.jgoim.comet.CometServer;
import io.jgoim.comet.TestClient;
import io.jgoim.comet.TestClient.Mode;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.testkit.LeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The per-address limits and bans, and the per-session rates, on a real comet over real sockets from loopback
 * aliases (127.0.0.x): who got in, who was refused with which code, and that a banned address never reaches logic.
 */
@ExtendWith(LeakCheck.class)
@Timeout(120)
class ConnectLimitsIT {
    private static final int EXT = 2;
    /** The brute force: 10,000 invalid-token connects from one address. */
    private static final int ATTEMPTS = 10_000;
    private LogicTwin logic;
    private CometServer comet;

    private LimitedComet fixture;

    private void start(Map<String, String> limits) {
        fixture = LimitedComet.start(limits);
        logic = fixture.logic();
        comet = fixture.comet();
    }

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    static String token(long mid, String key) {
        return "{\"mid\":" + mid + ",\"key\":\"" + key + "\",\"room_id\":\"live://1\",\"platform\":\"web\","
                + "\"accepts\":[1000]}";
    }

    @Test
    void shouldRefuseThe101stConnectionOfOneAddressAndCountBackToZero() throws Exception {
        // webSocket.refusal http: the HTTP refusal, unchanged (WebSocketRefusalIT has the close-frame one)
        start(Map.of("JGOIM_LIMITS_MAX_CONNECTIONS_PER_IP", "100", "JGOIM_WEB_SOCKET_REFUSAL", "http"));
        IpBans bans = comet.limits().bans();
        List<RawConn> open = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                open.add(RawConn.open("127.0.0.4", comet.tcpAddress()));
            }
            // Accepts are spread over two event loops: let the first 100 be counted before the 101st comes.
            await().atMost(Duration.ofSeconds(10)).until(() -> bans.connections("127.0.0.4") == 100);
            int refused = 0;
            for (int i = 100; i < 1000; i++) {
                RawConn c = RawConn.open("127.0.0.4", comet.tcpAddress());
                open.add(c);
                // Refused at accept with its code (no auth needed to learn it), then closed.
                assertThat(RawConn.disconnectCode(c.next())).as("connection %d", i + 1)
                        .isEqualTo(CloseCode.TOO_MANY_CONNECTIONS.code());
                assertThat(c.next()).isSameAs(RawConn.EOF);
                refused++;
            }
            assertThat(refused).isEqualTo(900);
            // A WebSocket client is refused with HTTP 429 naming the code; a TLS one with a bare close.
            try (java.net.Socket ws = RealClientAddressIT.upgrade("127.0.0.4", comet.wsAddress(), "10.0.0.1")) {
                assertThat(RealClientAddressIT.head(ws)).startsWith("HTTP/1.1 429")
                        .contains("X-Jgoim-Close-Code: " + CloseCode.TOO_MANY_CONNECTIONS.code());
            }
            try (RawConn tls = RawConn.open("127.0.0.4", comet.tcpTlsAddress())) {
                assertThat(tls.next()).isSameAs(RawConn.EOF);
            }
            // Every admitted one authenticates.
            for (int i = 0; i < 100; i++) {
                RawConn c = open.get(i);
                c.auth(EXT, token(i + 1, "cap" + i));
                assertThat(TestClient.op(c.next())).isEqualTo(Op.AUTH_REPLY);
            }
            assertThat(bans.connections("127.0.0.4")).isEqualTo(100);
            // Another address is not affected.
            try (RawConn other = RawConn.open("127.0.0.5", comet.tcpAddress())) {
                other.auth(EXT, token(5000, "other"));
                assertThat(TestClient.op(other.next())).isEqualTo(Op.AUTH_REPLY);
            }
        } finally {
            open.forEach(RawConn::close);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> bans.connections("127.0.0.4") == 0);
        assertThat(comet.limits().meters().refusals(Refusal.IP_CONNECTIONS)).isEqualTo(902.0);

        // 1,000 open/close cycles leave nothing counted behind.
        for (int i = 0; i < 1000; i++) {
            try (RawConn c = RawConn.open("127.0.0.4", comet.tcpAddress())) {
                if (i % 2 == 0) {
                    c.auth(EXT, token(10_000 + i, "cycle" + i));
                    assertThat(TestClient.op(c.next())).isEqualTo(Op.AUTH_REPLY);
                }
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> bans.connections("127.0.0.4") == 0);
        assertThat(comet.limits().meters().refusals(Refusal.IP_CONNECTIONS)).as("none refused while cycling")
                .isEqualTo(902.0);
    }

    @Test
    void shouldTellEachConnectTheNodeBucketRefusesTheSecondItBookedIt() throws Exception {
        // 1 a second, burst 1: the first connect is admitted, the next ones refused and booked 1 s apart from 1 s on
        // (places at +1, +2, +3, ... s after the first refusal, each told the whole seconds to it)
        start(Map.of("JGOIM_LIMITS_ACCEPT_RATE", "1", "JGOIM_LIMITS_ACCEPT_BURST", "1"));
        List<RawConn> open = new ArrayList<>();
        try {
            RawConn first = RawConn.open("127.0.0.5", comet.tcpAddress());
            open.add(first);
            await().atMost(Duration.ofSeconds(10)).until(() -> comet.limits().meters().accepts() == 1.0);
            long t0 = System.nanoTime();
            List<Long> told = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                RawConn c = RawConn.open("127.0.0.5", comet.tcpAddress());
                open.add(c);
                byte[] f = c.next();
                assertThat(RawConn.disconnectCode(f)).as("connect %d", i + 2)
                        .isEqualTo(CloseCode.CONNECT_RATE_LIMITED.code());
                String reason = new String(f, 20, f.length - 20, java.nio.charset.StandardCharsets.UTF_8);
                told.add(io.jgoim.protocol.CloseReasons.retryAfterSeconds(reason));
                assertThat(c.next()).isSameAs(RawConn.EOF);
            }
            assertThat(System.nanoTime() - t0).as("the refusals came within a second (else the places shift)")
                    .isLessThan(TimeUnit.SECONDS.toNanos(1));
            // the first refusal's place is exactly 1 s away; later ones are read a little later, so +2 s is < 2 s
            assertThat(told).containsExactly(1L, 1L, 2L, 3L, 4L, 5L, 6L);
            assertThat(comet.limits().meters().refusals(Refusal.ACCEPT_RATE)).isEqualTo(7.0);
        } finally {
            open.forEach(RawConn::close);
        }
    }

    @Test
    void shouldBanABruteForcingAddressBeforeItsTokensReachLogic() throws Exception {
        start(Map.of("JGOIM_LIMITS_AUTH_FAILURES_PER_IP", "20", "JGOIM_LIMITS_BAN_TIME", "10m"));
        AtomicInteger authFailed = new AtomicInteger();
        AtomicInteger refusedBanned = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> work = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < 8; t++) {
            work.add(pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < ATTEMPTS; ) {
                    try (RawConn c = RawConn.open("127.0.0.2", comet.tcpAddress())) {
                        c.auth(EXT, "not a token " + i);
                        byte[] f = c.next();
                        if (TestClient.op(f) == Op.ERROR_REPLY) {
                            // Admitted just before the ban: refused before logic (305, 4018), or logic refused it.
                            int code = RawConn.disconnectCode(c.next());
                            if (code == CloseCode.BANNED.code()) {
                                assertThat(TestClient.body(f)).contains("\"code\":" + ErrorCode.IP_BANNED.code());
                                refusedBanned.incrementAndGet();
                            } else {
                                assertThat(code).isEqualTo(CloseCode.AUTH_FAILED.code());
                                authFailed.incrementAndGet();
                            }
                        } else {
                            assertThat(RawConn.disconnectCode(f)).as("attempt %d", i)
                                    .isEqualTo(CloseCode.BANNED.code());
                            refusedBanned.incrementAndGet();
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get(100, TimeUnit.SECONDS);
        }
        pool.shutdown();
        System.out.printf("auth brute force: %d invalid-token connects from one address in %.1f s: %d verified and "
                + "refused, %d refused by the ban%n", ATTEMPTS, (System.nanoTime() - t0) / 1e9, authFailed.get(),
                refusedBanned.get());
        // The 21st failure bans (a burst of 20 a minute); at most the other threads' attempts were in flight then.
        assertThat(authFailed.get()).isBetween(21, 28);
        int banned = refusedBanned.get();
        assertThat(banned).isEqualTo(ATTEMPTS - authFailed.get());
        assertThat(logic.connects()).as("only the failures before the ban had their token verified")
                .hasSize(authFailed.get());
        assertThat(comet.limits().meters().refusals(Refusal.IP_BANNED)).isEqualTo(banned);
        assertThat(comet.limits().meters().bans()).isEqualTo(1.0);

        // Other addresses' valid connects all succeed meanwhile.
        for (int i = 0; i < 50; i++) {
            try (RawConn c = RawConn.open("127.0.0." + (10 + i % 5), comet.tcpAddress())) {
                c.auth(EXT, token(100 + i, "ok" + i));
                assertThat(TestClient.op(c.next())).isEqualTo(Op.AUTH_REPLY);
            }
        }

        List<Ban> list = comet.limits().bans().list();
        assertThat(list).hasSize(1);
        Ban ban = list.get(0);
        assertThat(ban.ip()).isEqualTo("127.0.0.2");
        assertThat(ban.reason()).isEqualTo(BanReason.AUTH_FAILURES);
        assertThat(ban.refused()).isLessThanOrEqualTo(banned).isGreaterThan(banned - 8);
        assertThat(ban.until()).isAfter(java.time.Instant.now().plusSeconds(500));
        assertThat(comet.metrics().registry().get("jgoim_comet_banned_ips").gauge().value()).isEqualTo(1.0);

        // Lifted: the address gets in again with a valid token.
        assertThat(comet.limits().bans().lift("127.0.0.2")).isTrue();
        assertThat(comet.limits().bans().list()).isEmpty();
        try (RawConn c = RawConn.open("127.0.0.2", comet.tcpAddress())) {
            c.auth(EXT, token(999, "after-lift"));
            assertThat(TestClient.op(c.next())).isEqualTo(Op.AUTH_REPLY);
        }
    }

    @Test
    void shouldBanAnAddressThatFlapsWithoutAuthenticating() throws Exception {
        start(Map.of("JGOIM_LIMITS_AUTH_FAILURES_PER_IP", "10"));
        IpBans bans = comet.limits().bans();
        for (int i = 1; i <= 10; i++) {
            RawConn.open("127.0.0.3", comet.tcpAddress()).close();
            int flaps = i;
            await().atMost(Duration.ofSeconds(5)).until(() -> bans.failures("127.0.0.3") == flaps);
        }
        assertThat(bans.list()).as("10 flaps a minute are allowed").isEmpty();
        RawConn.open("127.0.0.3", comet.tcpAddress()).close();
        await().atMost(Duration.ofSeconds(5)).until(() -> !bans.list().isEmpty());
        try (RawConn c = RawConn.open("127.0.0.3", comet.tcpAddress())) {
            assertThat(RawConn.disconnectCode(c.next())).isEqualTo(CloseCode.BANNED.code());
        }
        assertThat(comet.limits().bans().list()).singleElement()
                .satisfies(b -> assertThat(b.reason()).isEqualTo(BanReason.FLAPS));
        assertThat(logic.connects()).isEmpty();
    }

    @Test
    void shouldCloseAnUpstreamFloodWithItsCodeAfterTheErrorReply() throws Exception {
        // 1 a second with a burst of 5: the 20 messages go out in one write, so no token comes back meanwhile.
        start(Map.of("JGOIM_LIMITS_UPSTREAM_RATE", "1", "JGOIM_LIMITS_UPSTREAM_BURST", "5"));
        try (RawConn ext = RawConn.open("127.0.0.6", comet.tcpAddress())) {
            ext.auth(EXT, token(1, "flood-ext"));
            assertThat(TestClient.op(ext.next())).isEqualTo(Op.AUTH_REPLY);
            flood(ext, EXT);
            byte[] f;
            int echoes = 0;
            // goim echoes an upstream message with its own op once logic took it; the echoes race the refusal.
            while (TestClient.op(f = ext.next()) == Op.SEND_MSG) {
                echoes++;
            }
            assertThat(echoes).isLessThanOrEqualTo(5);
            assertThat(TestClient.op(f)).isEqualTo(Op.ERROR_REPLY);
            assertThat(TestClient.body(f)).startsWith("{\"code\":" + ErrorCode.RATE_LIMITED.code() + ",");
            assertThat(RawConn.disconnectCode(ext.next())).isEqualTo(CloseCode.SESSION_RATE_LIMITED.code());
            assertThat(ext.next()).isSameAs(RawConn.EOF);
        }
        // A goim (ver 1) TCP client cannot read either: it is closed straight away.
        try (RawConn v1 = RawConn.open("127.0.0.6", comet.tcpAddress())) {
            v1.auth(1, token(2, "flood-v1"));
            assertThat(TestClient.op(v1.next())).isEqualTo(Op.AUTH_REPLY);
            flood(v1, 1);
            byte[] f;
            int echoes = 0;
            while ((f = v1.next()) != RawConn.EOF) {
                assertThat(f).as("no error reply nor DISCONNECT for a goim client").isNotNull();
                assertThat(TestClient.op(f)).isEqualTo(Op.SEND_MSG);
                echoes++;
            }
            assertThat(echoes).isLessThanOrEqualTo(5);
        }
        // Over WebSocket the close frame carries the code, for goim clients too.
        try (TestClient ws = TestClient.connect(Mode.WS, comet)) {
            ws.auth(1, token(3, "flood-ws"));
            assertThat(TestClient.op(ws.next(3000))).isEqualTo(Op.AUTH_REPLY);
            // Six: the sixth is over the burst (more could meet the closed socket).
            for (int i = 0; i < 6; i++) {
                ws.send(1, Op.SEND_MSG, 100 + i, "x".getBytes());
            }
            assertThat(ws.closeCode().get(5, TimeUnit.SECONDS)).isEqualTo(CloseCode.SESSION_RATE_LIMITED.code());
        }
        assertThat(comet.limits().meters().refusals(Refusal.UPSTREAM_RATE)).isEqualTo(3.0);
        assertThat(comet.metrics().closes(CloseCode.SESSION_RATE_LIMITED)).isEqualTo(3.0);
    }

    /** 20 upstream messages in one write. */
    private static void flood(RawConn c, int ver) throws java.io.IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 20; i++) {
            all.writeBytes(TestClient.frame(ver, Op.SEND_MSG, 100 + i, "x".getBytes()));
        }
        c.send(all.toByteArray());
    }

    @Test
    void shouldCloseASessionThatHeartbeatsTooOften() throws Exception {
        start(Map.of("JGOIM_LIMITS_MIN_HEARTBEAT_INTERVAL", "1s", "JGOIM_LIMITS_HEARTBEAT_BURST", "3"));
        try (RawConn ext = RawConn.open("127.0.0.7", comet.tcpAddress())) {
            ext.auth(EXT, token(1, "hb-ext"));
            assertThat(TestClient.op(ext.next())).isEqualTo(Op.AUTH_REPLY);
            try {
                for (int i = 0; i < 10; i++) {
                    ext.send(EXT, Op.HEARTBEAT, 10 + i, new byte[0]);
                }
            } catch (java.io.IOException closedMeanwhile) {
                // the comet closed the session after the fourth
            }
            int replies = 0;
            byte[] f;
            while (TestClient.op(f = ext.next()) == Op.HEARTBEAT_REPLY) {
                replies++;
            }
            assertThat(replies).isEqualTo(3);
            assertThat(TestClient.op(f)).isEqualTo(Op.ERROR_REPLY);
            assertThat(TestClient.body(f)).startsWith("{\"code\":" + ErrorCode.HEARTBEAT_TOO_FREQUENT.code() + ",");
            assertThat(TestClient.seq(f)).isEqualTo(13);
            assertThat(RawConn.disconnectCode(ext.next())).isEqualTo(CloseCode.SESSION_RATE_LIMITED.code());
        }
        // At its pace a session beats on (the limit never refuses half the interval it was given or slower).
        try (RawConn calm = RawConn.open("127.0.0.7", comet.tcpAddress())) {
            calm.auth(EXT, token(2, "hb-calm"));
            assertThat(TestClient.op(calm.next())).isEqualTo(Op.AUTH_REPLY);
            for (int i = 0; i < 3; i++) {
                calm.send(EXT, Op.HEARTBEAT, 20 + i, new byte[0]);
                assertThat(TestClient.op(calm.next())).isEqualTo(Op.HEARTBEAT_REPLY);
                Thread.sleep(1100);
            }
            calm.send(EXT, Op.HEARTBEAT, 30, new byte[0]);
            assertThat(TestClient.op(calm.next())).isEqualTo(Op.HEARTBEAT_REPLY);
        }
        assertThat(comet.limits().meters().refusals(Refusal.HEARTBEAT_RATE)).isEqualTo(1.0);
    }
}
