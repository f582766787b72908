package io.jgoim.comet.limit;

import io.jgoim.comet.CometServer;
import io.jgoim.comet.TestClient;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.CloseReasons;
import io.jgoim.protocol.Op;
import io.jgoim.testkit.LeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The node's cap on open client connections ({@code limits.maxConnections}) on a real comet over real sockets from
 * loopback aliases: the connection over the cap is refused with 4020 on every listener, the sessions already open
 * keep their pushes, closed connections make room, and the count returns to zero however connections end.
 */
@ExtendWith(LeakCheck.class)
@Timeout(120)
class ConnectionCapIT {
    private static final int EXT = 2;
    private static final int CAP = 20;
    private LimitedComet fixture;
    private CometServer comet;

    private void start(Map<String, String> settings) {
        fixture = LimitedComet.start(settings);
        comet = fixture.comet();
    }

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldRefuseThe21stConnectionWith4020OnEveryListenerAndAdmitAgainOnceTenClose() throws Exception {
        start(Map.of("JGOIM_LIMITS_MAX_CONNECTIONS", String.valueOf(CAP)));
        ConnectionCap cap = comet.limits().cap();
        assertThat(cap.max()).isEqualTo(CAP);
        List<RawConn> open = new ArrayList<>();
        try (RawConn bystander = WebSocketRefusalIT.authed(comet, "127.0.0.31", "cap-bystander")) {
            for (int i = 1; i < CAP; i++) {
                open.add(WebSocketRefusalIT.authed(comet, "127.0.0.32", "cap" + i));
            }
            assertThat(cap.openCount()).isEqualTo(CAP);

            assertRefusedOverTcp("127.0.0.33");
            WebSocketRefusalIT.Closed ws = WebSocketRefusalIT.refusedUpgrade(comet.wsAddress(), "127.0.0.34");
            assertThat(ws.code()).isEqualTo(CloseCode.NODE_FULL.code());
            assertThat(ws.reason()).isEqualTo(CloseReasons.withRetryAfter(CloseCode.NODE_FULL.reason(), 5));
            try (RawConn tls = RawConn.open("127.0.0.35", comet.tcpTlsAddress())) {
                assertThat(tls.next()).as("a TLS listener closes bare").isSameAs(RawConn.EOF);
            }
            WebSocketRefusalIT.assertStillPushedTo(comet, bystander, "cap-bystander");
            await().atMost(Duration.ofSeconds(5)).until(() -> cap.openCount() == CAP);

            for (int i = 0; i < 10; i++) {
                open.remove(0).close();
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> cap.openCount() == CAP - 10);
            for (int i = 0; i < 10; i++) {
                open.add(WebSocketRefusalIT.authed(comet, "127.0.0.36", "again" + i));
            }
            assertThat(cap.openCount()).isEqualTo(CAP);
            assertRefusedOverTcp("127.0.0.37");
            WebSocketRefusalIT.assertStillPushedTo(comet, bystander, "cap-bystander");
        } finally {
            open.forEach(RawConn::close);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> cap.openCount() == 0);
        assertThat(comet.limits().meters().refusals(Refusal.NODE_FULL)).isEqualTo(4.0);
        assertThat(fixture.logic().connects()).as("no refused connection reached logic").hasSize(CAP + 10);
    }

    @Test
    void shouldAnswerA503WithRetryAfterWhenWebSocketRefusalsAreHttp() throws Exception {
        start(Map.of("JGOIM_LIMITS_MAX_CONNECTIONS", "1", "JGOIM_WEB_SOCKET_REFUSAL", "http"));
        try (RawConn session = WebSocketRefusalIT.authed(comet, "127.0.0.38", "http-cap");
             Socket ws = RealClientAddressIT.upgrade("127.0.0.39", comet.wsAddress(), "10.0.0.1")) {
            assertThat(RealClientAddressIT.head(ws)).startsWith("HTTP/1.1 503 Service Unavailable")
                    .contains("Retry-After: 5")
                    .contains("X-Jgoim-Close-Code: " + CloseCode.NODE_FULL.code());
            WebSocketRefusalIT.assertStillPushedTo(comet, session, "http-cap");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> comet.limits().cap().openCount() == 0);
    }

    @Test
    void shouldCountBackToZeroAfterAThousandOpenCloseCycles() throws Exception {
        start(Map.of("JGOIM_LIMITS_MAX_CONNECTIONS", String.valueOf(CAP)));
        ConnectionCap cap = comet.limits().cap();
        List<RawConn> held = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < 1000; i++) {
            switch (i % 4) {
                case 0 -> {
                    try (RawConn c = WebSocketRefusalIT.authed(comet, "127.0.0.40", "cycle" + i)) {
                        assertThat(c).isNotNull();
                    }
                }
                case 1 -> RawConn.open("127.0.0.41", comet.tcpAddress()).close();
                case 2 -> {
                    try (Socket ws = RealClientAddressIT.upgrade("127.0.0.42", comet.wsAddress(), "10.0.0.1")) {
                        assertThat(RealClientAddressIT.head(ws)).startsWith("HTTP/1.1 101");
                    }
                }
                default -> {
                    // every 100th cycle fills the node and tries one more, which is refused
                    if (i % 100 == 3) {
                        await().atMost(Duration.ofSeconds(5)).until(() -> cap.openCount() == 0);
                        for (int k = 0; k < CAP; k++) {
                            held.add(RawConn.open("127.0.0.43", comet.tcpAddress()));
                        }
                        await().atMost(Duration.ofSeconds(5)).until(() -> cap.openCount() == CAP);
                        assertRefusedOverTcp("127.0.0.44");
                        refused++;
                        held.forEach(RawConn::close);
                        held.clear();
                    } else {
                        RawConn.open("127.0.0.41", comet.tcpTlsAddress()).close();
                    }
                }
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> cap.openCount() == 0);
        assertThat(refused).isEqualTo(10);
        assertThat(comet.limits().meters().refusals(Refusal.NODE_FULL)).isEqualTo(10.0);
    }

    private void assertRefusedOverTcp(String source) throws Exception {
        try (RawConn c = RawConn.open(source, comet.tcpAddress())) {
            byte[] f = c.next();
            assertThat(RawConn.disconnectCode(f)).isEqualTo(CloseCode.NODE_FULL.code());
            assertThat(c.next()).isSameAs(RawConn.EOF);
        }
    }
}
