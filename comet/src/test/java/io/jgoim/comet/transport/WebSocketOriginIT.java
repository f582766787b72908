package io.jgoim.comet.transport;

import io.jgoim.comet.CometServer;
import io.jgoim.comet.TestClient;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.rpc.comet.PushMsgReply;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.testkit.LeakCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The WebSocket Origin allow-list on a real comet: raw upgrade requests over plain and TLS sockets, with allowed,
 * foreign, wildcard-matched, malformed and absent origins. A refusal is a 403 that opens no session, counts once and
 * leaves a bystander session served; an allowed origin becomes a working session.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class WebSocketOriginIT {
    /** The local defaults plus an exact site, a wildcard site on any port and an exact host and port. */
    private static final String ORIGINS = "http://localhost:*,http://127.0.0.1:*,http://[::1]:*,"
            + "https://app.example.com,https://*.example.org:*,http://admin.example.net:8080";
    private static final String FORBIDDEN_BODY = "origin not allowed\n";
    private static HostileComet hostile;

    @BeforeAll
    static void start() throws Exception {
        hostile = new HostileComet(Map.of("JGOIM_WEB_SOCKET_ALLOWED_ORIGINS", ORIGINS));
    }

    @AfterAll
    static void stop() {
        hostile.close();
    }

    @AfterEach
    void bystanderStillServed() throws Exception {
        hostile.assertBystanderServed();
    }

    private static CometServer comet() {
        return hostile.comet();
    }

    private static RawWebSocket upgrade(InetSocketAddress address, String origin) throws Exception {
        return RawWebSocket.request(RawWebSocket.connect(address, false, 0), address,
                comet().config().webSocket().path(), origin);
    }

    private static RawWebSocket upgradeTls(InetSocketAddress address, String origin) throws Exception {
        return RawWebSocket.request(RawWebSocket.connect(address, true, 0), address,
                comet().config().webSocket().path(), origin);
    }

    /** Reads a refusal: 403 with its short body, then the end of the connection; the counter went up by one. */
    private static void assertRefused(RawWebSocket ws, double refusedBefore) throws IOException {
        String head = ws.readHead();
        assertThat(head).startsWith("HTTP/1.1 403").containsIgnoringCase("content-length: " + FORBIDDEN_BODY.length())
                .containsIgnoringCase("connection: close").doesNotContainIgnoringCase("upgrade");
        assertThat(ws.readAscii(FORBIDDEN_BODY.length())).isEqualTo(FORBIDDEN_BODY);
        assertThat(ws.endsAfterClose()).as("closed after the 403").isTrue();
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                assertThat(comet().metrics().originsRefused()).isEqualTo(refusedBefore + 1));
    }

    /** Authenticates over an upgraded socket and receives a push to its key: a working session. */
    private static void assertWorkingSession(RawWebSocket ws) throws Exception {
        String key = hostile.newKey();
        ws.sendBinary(TestClient.frame(PacketLayout.VERSION, Op.AUTH, 1,
                HostileComet.token(key, "live://origin").getBytes(StandardCharsets.UTF_8)));
        byte[] reply = ws.nextBinary();
        assertThat(TestClient.op(reply)).isEqualTo(Op.AUTH_REPLY);
        await().atMost(Duration.ofSeconds(3)).until(() -> comet().index().session(key) != null);
        assertThat(comet().index().session(key).channel().pipeline().get(PipelineNames.WS_ORIGIN))
                .as("the origin check left the pipeline at the upgrade").isNull();
        PushMsgReply pr = comet().pushService().pushMsg(PushMsgReq.newBuilder().addKeys(key)
                .setProtoOp(HostileComet.PUSH_OP).setProto(HostileComet.push("to-origin")).build())
                .get(5, TimeUnit.SECONDS);
        assertThat(pr.getDelivered()).isEqualTo(1);
        byte[] push = ws.nextBinary();
        assertThat(TestClient.op(push)).isEqualTo(Op.RAW);
        byte[] unit = Arrays.copyOfRange(push, PacketLayout.HEADER_LENGTH, push.length);
        assertThat(TestClient.op(unit)).isEqualTo(1000);
        assertThat(TestClient.body(unit)).isEqualTo("to-origin");
    }

    @Test
    void shouldUpgradeAnAllowedOriginIntoAWorkingSession() throws Exception {
        try (RawWebSocket ws = upgrade(comet().wsAddress(), "http://localhost:3111")) {
            assertThat(ws.readHead()).startsWith("HTTP/1.1 101");
            assertWorkingSession(ws);
        }
    }

    @Test
    void shouldUpgradeARequestWithoutOrigin() throws Exception {
        try (RawWebSocket ws = upgrade(comet().wsAddress(), null)) {
            assertThat(ws.readHead()).startsWith("HTTP/1.1 101");
            assertWorkingSession(ws);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:3111", "HTTP://LocalHost:9", "http://localhost", "http://127.0.0.1:3111",
        "http://[::1]:3111", "https://app.example.com", "https://APP.example.COM:443", "https://a.example.org",
        "https://a.b.example.org:8443", "http://admin.example.net:8080"})
    void shouldUpgradeOriginsMatchedExactlyOrByWildcard(String origin) throws Exception {
        double refused = comet().metrics().originsRefused();
        try (RawWebSocket ws = upgrade(comet().wsAddress(), origin)) {
            assertThat(ws.readHead()).startsWith("HTTP/1.1 101");
        }
        assertThat(comet().metrics().originsRefused()).isEqualTo(refused);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://evil.example", "http://app.example.com", "https://app.example.com:8443",
        "https://example.org", "https://evilexample.org", "https://app.example.com.evil.example",
        "http://admin.example.net", "http://admin.example.net:8081", "http://localhost.evil.example:3111",
        "https://localhost:3111"})
    void shouldRefuseAForeignOriginWith403AndNoSession(String origin) throws Exception {
        double refused = comet().metrics().originsRefused();
        int sessions = comet().index().sessionCount();
        try (RawWebSocket ws = upgrade(comet().wsAddress(), origin)) {
            assertRefused(ws, refused);
        }
        assertThat(comet().index().sessionCount()).as("no session opened").isLessThanOrEqualTo(sessions);
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "garbage", "https://app.example.com/", "https://app.example.com/path",
        "https://user@app.example.com", "https://app.example.com:99999", "https://*.example.org", "://app"})
    void shouldRefuseAMalformedOriginWith403(String origin) throws Exception {
        double refused = comet().metrics().originsRefused();
        try (RawWebSocket ws = upgrade(comet().wsAddress(), origin)) {
            assertRefused(ws, refused);
        }
    }

    @Test
    void shouldCheckTheOriginOnTheWssListenerToo() throws Exception {
        double refused = comet().metrics().originsRefused();
        try (RawWebSocket ws = upgradeTls(comet().wssAddress(), "https://evil.example")) {
            assertRefused(ws, refused);
        }
        try (RawWebSocket ws = upgradeTls(comet().wssAddress(), "https://app.example.com")) {
            assertThat(ws.readHead()).startsWith("HTTP/1.1 101");
            assertWorkingSession(ws);
        }
    }
}
