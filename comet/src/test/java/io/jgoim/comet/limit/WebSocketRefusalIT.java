package io.jgoim.comet.limit;

import com.google.protobuf.ByteString;
import io.jgoim.comet.CometServer;
import io.jgoim.comet.TestClient;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.CloseReasons;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.testkit.LeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A WebSocket connection refused by a limit before its handshake, with {@code webSocket.refusal: close-frame} (the
 * default), over real sockets from loopback aliases: the upgrade completes (101 with the right accept key) and the
 * one close frame that follows carries the limit's code and the TCP refusal's reason (ending in {@code retry-after}),
 * then the comet closes the socket; the address holds nothing afterwards, and a session already open still gets its
 * pushes. A request the listener would not upgrade gets the HTTP refusal, and {@code http} keeps the HTTP refusal.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class WebSocketRefusalIT {
    private static final int EXT = 2;
    /** RFC 6455 4.2.2's example key and its accept value. */
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
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

    /** What a refused upgrade was told: the close frame's code and reason. */
    record Closed(int code, String reason) {
    }

    @Test
    void shouldCompleteTheUpgradeAndCloseWith4017WhenTheAddressHasTooManyConnections() throws Exception {
        start(Map.of("JGOIM_LIMITS_MAX_CONNECTIONS_PER_IP", "1"));
        try (RawConn session = authed("127.0.0.21", "cap-session")) {
            Closed c = refusedUpgrade("127.0.0.21");
            assertThat(c.code()).isEqualTo(CloseCode.TOO_MANY_CONNECTIONS.code());
            assertThat(c.reason()).isEqualTo(CloseReasons.withRetryAfter(CloseCode.TOO_MANY_CONNECTIONS.reason(), 10));
            assertStillPushedTo(session, "cap-session");
            assertThat(comet.limits().bans().connections("127.0.0.21")).as("the session alone").isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> comet.limits().bans().connections("127.0.0.21") == 0);
        assertThat(comet.limits().meters().refusals(Refusal.IP_CONNECTIONS)).isEqualTo(1.0);
    }

    @Test
    void shouldCloseWith4016AndOneSecondWhenTheAddressConnectsTooFast() throws Exception {
        start(Map.of("JGOIM_LIMITS_CONNECT_RATE_PER_IP", "1", "JGOIM_LIMITS_CONNECT_BURST_PER_IP", "1"));
        // the TCP connect takes the address's one token; the upgrade follows at once, within its second
        try (RawConn session = RawConn.open("127.0.0.22", comet.tcpAddress())) {
            // the listeners accept on their own threads: let the TCP connect be counted first
            await().atMost(Duration.ofSeconds(5)).until(() -> comet.limits().bans().connections("127.0.0.22") == 1);
            Closed c = refusedUpgrade("127.0.0.22");
            assertThat(c.code()).isEqualTo(CloseCode.CONNECT_RATE_LIMITED.code());
            assertThat(c.reason()).isEqualTo(CloseReasons.withRetryAfter(CloseCode.CONNECT_RATE_LIMITED.reason(), 1));
            session.auth(EXT, ConnectLimitsIT.token(22, "rate-session"));
            assertThat(TestClient.op(session.next())).isEqualTo(Op.AUTH_REPLY);
            assertStillPushedTo(session, "rate-session");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> comet.limits().bans().connections("127.0.0.22") == 0);
        assertThat(comet.limits().meters().refusals(Refusal.IP_CONNECT_RATE)).isEqualTo(1.0);
    }

    @Test
    void shouldCloseWith4016AndTheBookedSecondWhenTheNodeBucketRefuses() throws Exception {
        start(Map.of("JGOIM_LIMITS_ACCEPT_RATE", "1", "JGOIM_LIMITS_ACCEPT_BURST", "1"));
        try (RawConn session = RawConn.open("127.0.0.23", comet.tcpAddress())) {
            // the listeners accept on their own threads: let the TCP connect take the bucket's token first
            await().atMost(Duration.ofSeconds(5)).until(() -> comet.limits().meters().accepts() == 1.0);
            Closed c = refusedUpgrade("127.0.0.24");
            assertThat(c.code()).isEqualTo(CloseCode.CONNECT_RATE_LIMITED.code());
            // the bucket's first booking is 1 s ahead
            assertThat(c.reason()).isEqualTo(CloseReasons.withRetryAfter(CloseCode.CONNECT_RATE_LIMITED.reason(), 1));
            session.auth(EXT, ConnectLimitsIT.token(23, "bucket-session"));
            assertThat(TestClient.op(session.next())).isEqualTo(Op.AUTH_REPLY);
            assertStillPushedTo(session, "bucket-session");
        }
        assertThat(comet.limits().meters().refusals(Refusal.ACCEPT_RATE)).isEqualTo(1.0);
        assertThat(comet.limits().bans().connections("127.0.0.24")).isZero();
    }

    @Test
    void shouldCloseWith4018AndTheBanTimeWhenTheAddressIsBanned() throws Exception {
        start(Map.of("JGOIM_LIMITS_AUTH_FAILURES_PER_IP", "2", "JGOIM_LIMITS_BAN_TIME", "10m"));
        IpBans bans = comet.limits().bans();
        try (RawConn session = authed("127.0.0.26", "ban-bystander")) {
            for (int i = 1; i <= 3 && bans.list().isEmpty(); i++) {
                RawConn.open("127.0.0.25", comet.tcpAddress()).close();
                int flaps = i;
                await().atMost(Duration.ofSeconds(5)).until(() -> bans.failures("127.0.0.25") >= flaps
                        || !bans.list().isEmpty());
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> !bans.list().isEmpty());
            Closed c = refusedUpgrade("127.0.0.25");
            assertThat(c.code()).isEqualTo(CloseCode.BANNED.code());
            assertThat(c.reason()).isEqualTo(CloseReasons.withRetryAfter(CloseCode.BANNED.reason(), 600));
            assertStillPushedTo(session, "ban-bystander");
        }
        assertThat(comet.limits().meters().refusals(Refusal.IP_BANNED)).isEqualTo(1.0);
        assertThat(bans.connections("127.0.0.25")).isZero();
        assertThat(fixture.logic().connects()).as("only the bystander reached logic").hasSize(1);
    }

    @Test
    void shouldAnswerARequestItWouldNotUpgradeWithTheHttpRefusal() throws Exception {
        start(Map.of("JGOIM_LIMITS_MAX_CONNECTIONS_PER_IP", "1"));
        try (RawConn session = authed("127.0.0.27", "bad-request-session")) {
            for (String req : new String[] {
                    upgradeRequest("/other", null, ""),
                    upgradeRequest("/sub", "https://evil.example", ""),
                    "GET /sub HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                    upgradeRequest("/sub", null, "").replace("Sec-WebSocket-Key: " + KEY + "\r\n", ""),
                    // a head past the 12 KiB the HTTP codec would read
                    upgradeRequest("/sub", null, ("X-Pad: " + "p".repeat(1000) + "\r\n").repeat(13))}) {
                try (Socket s = connect("127.0.0.27")) {
                    s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
                    assertThat(RealClientAddressIT.head(s)).as(req).startsWith("HTTP/1.1 429")
                            .contains("X-Jgoim-Close-Code: " + CloseCode.TOO_MANY_CONNECTIONS.code());
                }
            }
            assertStillPushedTo(session, "bad-request-session");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> comet.limits().bans().connections("127.0.0.27") == 0);
    }

    @Test
    void shouldReadAnUpgradeRequestThatArrivesInSeveralSegments() throws Exception {
        start(Map.of("JGOIM_LIMITS_MAX_CONNECTIONS_PER_IP", "1"));
        try (RawConn session = authed("127.0.0.29", "split-session");
             Socket s = connect("127.0.0.29")) {
            s.setTcpNoDelay(true);
            byte[] req = upgradeRequest("/sub", null, "").getBytes(StandardCharsets.US_ASCII);
            // cut inside the request line, inside a header, and inside the final empty line
            int[] cuts = {0, 10, 60, req.length - 1, req.length};
            for (int i = 0; i + 1 < cuts.length; i++) {
                s.getOutputStream().write(req, cuts[i], cuts[i + 1] - cuts[i]);
                s.getOutputStream().flush();
                Thread.sleep(50);
            }
            Closed c = readRefusal(s);
            assertThat(c.code()).isEqualTo(CloseCode.TOO_MANY_CONNECTIONS.code());
            assertThat(c.reason()).isEqualTo(CloseReasons.withRetryAfter(CloseCode.TOO_MANY_CONNECTIONS.reason(), 10));
            assertStillPushedTo(session, "split-session");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> comet.limits().bans().connections("127.0.0.29") == 0);
    }

    @Test
    void shouldCloseAForwardedClientsUpgradeWithItsCode() throws Exception {
        start(Map.of("JGOIM_PROXY_FORWARDED_FOR_TRUSTED", "127.0.0.1", "JGOIM_LIMITS_MAX_CONNECTIONS_PER_IP", "1"));
        try (Socket first = connect("127.0.0.1")) {
            first.getOutputStream().write(upgradeRequest("/sub", null, "X-Forwarded-For: 198.51.100.9\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(RealClientAddressIT.head(first)).startsWith("HTTP/1.1 101");
            try (Socket second = connect("127.0.0.1")) {
                second.getOutputStream().write(upgradeRequest("/sub", null, "X-Forwarded-For: 198.51.100.9\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                Closed c = readRefusal(second);
                assertThat(c.code()).isEqualTo(CloseCode.TOO_MANY_CONNECTIONS.code());
                assertThat(c.reason()).endsWith(" retry-after=10");
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> comet.limits().bans().connections("198.51.100.9") == 0);
    }

    @Test
    void shouldCloseTheUpgradeOfAClientAPROXYHeaderNamedWithItsCode() throws Exception {
        start(Map.of("JGOIM_PROXY_PROTOCOL", "true", "JGOIM_PROXY_TRUSTED_PROXIES", "127.0.0.1/32",
                "JGOIM_LIMITS_MAX_CONNECTIONS_PER_IP", "1"));
        byte[] header = "PROXY TCP4 10.9.9.9 10.0.0.1 5555 3102\r\n".getBytes(StandardCharsets.US_ASCII);
        try (Socket first = connect("127.0.0.1")) {
            first.getOutputStream().write(header);
            first.getOutputStream().write(upgradeRequest("/sub", null, "").getBytes(StandardCharsets.US_ASCII));
            assertThat(RealClientAddressIT.head(first)).startsWith("HTTP/1.1 101");
            try (Socket second = connect("127.0.0.1")) {
                second.getOutputStream().write(header);
                second.getOutputStream().write(upgradeRequest("/sub", null, "").getBytes(StandardCharsets.US_ASCII));
                Closed c = readRefusal(second);
                assertThat(c.code()).isEqualTo(CloseCode.TOO_MANY_CONNECTIONS.code());
                assertThat(c.reason()).isEqualTo(
                        CloseReasons.withRetryAfter(CloseCode.TOO_MANY_CONNECTIONS.reason(), 10));
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> comet.limits().bans().connections("10.9.9.9") == 0);
        assertThat(fixture.logic().connects()).isEmpty();
    }

    @Test
    void shouldKeepTheHttpRefusalWhenConfiguredSo() throws Exception {
        start(Map.of("JGOIM_WEB_SOCKET_REFUSAL", "http", "JGOIM_LIMITS_MAX_CONNECTIONS_PER_IP", "1"));
        try (RawConn session = authed("127.0.0.28", "http-session");
             Socket ws = RealClientAddressIT.upgrade("127.0.0.28", comet.wsAddress(), "10.0.0.1")) {
            assertThat(RealClientAddressIT.head(ws)).startsWith("HTTP/1.1 429 Too Many Requests")
                    .contains("Retry-After: 10")
                    .contains("X-Jgoim-Close-Code: " + CloseCode.TOO_MANY_CONNECTIONS.code());
            assertStillPushedTo(session, "http-session");
        }
    }

    private RawConn authed(String source, String key) throws IOException {
        return authed(comet, source, key);
    }

    /** A TCP session of {@code key} from {@code source}, authenticated. */
    static RawConn authed(CometServer comet, String source, String key) throws IOException {
        RawConn c = RawConn.open(source, comet.tcpAddress());
        c.auth(EXT, ConnectLimitsIT.token(Math.abs(key.hashCode()), key));
        assertThat(TestClient.op(c.next())).isEqualTo(Op.AUTH_REPLY);
        return c;
    }

    private void assertStillPushedTo(RawConn session, String key) throws Exception {
        assertStillPushedTo(comet, session, key);
    }

    /** A push to {@code key} reaches {@code session}. */
    static void assertStillPushedTo(CometServer comet, RawConn session, String key) throws Exception {
        byte[] inner = TestClient.frame(1, 1000, 0, ("after the refusal to " + key).getBytes(StandardCharsets.UTF_8));
        assertThat(comet.pushService().pushMsg(PushMsgReq.newBuilder().addKeys(key).setProtoOp(1000)
                .setProto(Proto.newBuilder().setVer(1).setOp(Op.RAW).setBody(ByteString.copyFrom(inner)).build())
                .build()).get().getDelivered()).isEqualTo(1);
        assertThat(TestClient.body(session.next())).isEqualTo("after the refusal to " + key);
    }

    private Socket connect(String source) throws IOException {
        return connect(comet.wsAddress(), source);
    }

    private static Socket connect(InetSocketAddress ws, String source) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        s.connect(ws, 5000);
        s.setSoTimeout(5000);
        return s;
    }

    private static String upgradeRequest(String path, String origin, String extra) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n"
                + (origin == null ? "" : "Origin: " + origin + "\r\n") + extra + "\r\n";
    }

    /** Opens a WebSocket from {@code source}, which the comet refuses: what its close frame says. */
    private Closed refusedUpgrade(String source) throws IOException {
        return refusedUpgrade(comet.wsAddress(), source);
    }

    /** Opens a WebSocket from {@code source} to the listener {@code ws}, which refuses it: its close frame's words. */
    static Closed refusedUpgrade(InetSocketAddress ws, String source) throws IOException {
        try (Socket s = connect(ws, source)) {
            s.getOutputStream().write(upgradeRequest("/sub", "http://127.0.0.1:8080", "")
                    .getBytes(StandardCharsets.US_ASCII));
            return readRefusal(s);
        }
    }

    /** The 101, the one close frame after it, and the comet's end of the connection. */
    private static Closed readRefusal(Socket s) throws IOException {
        String head = RealClientAddressIT.head(s);
        assertThat(head).startsWith("HTTP/1.1 101 Switching Protocols").containsIgnoringCase("upgrade: websocket")
                .contains("Sec-WebSocket-Accept: " + ACCEPT);
        DataInputStream in = new DataInputStream(s.getInputStream());
        assertThat(in.readUnsignedByte()).as("FIN + close opcode").isEqualTo(0x88);
        int len = in.readUnsignedByte();
        assertThat(len & 0x80).as("a server's frame is unmasked").isZero();
        int code = in.readUnsignedShort();
        byte[] reason = new byte[len - 2];
        in.readFully(reason);
        // the client's close reply is not waited for: the comet closes its side
        try {
            s.getOutputStream().write(new byte[] {(byte) 0x88, (byte) 0x82, 1, 2, 3, 4, (byte) (0x03 ^ 1),
                    (byte) (0xE8 ^ 2)});
            assertThat(in.read()).as("nothing after the close frame").isEqualTo(-1);
        } catch (SocketException reset) {
            // a reset after the close frame is an end too
        }
        return new Closed(code, new String(reason, StandardCharsets.UTF_8));
    }
}
