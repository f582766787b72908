package io.jgoim.comet.limit;

import io.jgoim.comet.CometServer;
import io.jgoim.comet.TestClient;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.Op;
import io.jgoim.testkit.LeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The client's real address behind a load balancer: PROXY protocol v1 and v2 headers from a trusted peer name the
 * address the per-address limits count (and logic records), a malformed header or an untrusted peer is refused, and
 * X-Forwarded-For is honoured on WebSocket upgrades only from trusted peers.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class RealClientAddressIT {
    private static final int EXT = 2;
    private LogicTwin logic;
    private CometServer comet;

    private LimitedComet fixture;

    private void start(Map<String, String> settings) {
        fixture = LimitedComet.start(settings);
        logic = fixture.logic();
        comet = fixture.comet();
    }

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static byte[] v1(String source) {
        return ("PROXY TCP4 " + source + " 10.0.0.1 5555 3101\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] v2(String source) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16 + 12);
        b.put(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
        b.put((byte) 0x21).put((byte) 0x11).putShort((short) 12);
        b.put(InetAddress.getByName(source).getAddress()).put(InetAddress.getByName("10.0.0.1").getAddress());
        b.putShort((short) 5556).putShort((short) 3101);
        return b.array();
    }

    @Test
    void shouldCountTheAddressOfPROXYHeadersFromTrustedPeersAndRefuseTheRest() throws Exception {
        start(Map.of("JGOIM_PROXY_PROTOCOL", "true", "JGOIM_PROXY_TRUSTED_PROXIES", "127.0.0.1/32",
                "JGOIM_LIMITS_MAX_CONNECTIONS_PER_IP", "2"));
        IpBans bans = comet.limits().bans();
        try (RawConn a = RawConn.open("127.0.0.1", comet.tcpAddress());
             RawConn b = RawConn.open("127.0.0.1", comet.tcpAddress());
             RawConn c = RawConn.open("127.0.0.1", comet.tcpAddress());
             RawConn d = RawConn.open("127.0.0.1", comet.tcpAddress())) {
            a.send(v1("10.1.2.3")).auth(EXT, ConnectLimitsIT.token(1, "px-a"));
            assertThat(TestClient.op(a.next())).isEqualTo(Op.AUTH_REPLY);
            assertThat(logic.connects().get(0).getRemoteAddr()).contains("10.1.2.3");
            b.send(v2("10.1.2.3")).auth(EXT, ConnectLimitsIT.token(2, "px-b"));
            assertThat(TestClient.op(b.next())).isEqualTo(Op.AUTH_REPLY);
            assertThat(logic.connects().get(1).getRemoteAddr()).contains("10.1.2.3");
            assertThat(bans.connections("10.1.2.3")).isEqualTo(2);
            assertThat(bans.connections("127.0.0.1")).as("the balancer itself is not counted").isZero();

            // The third from 10.1.2.3 is over its cap, though the balancer's address is the same for all.
            c.send(v1("10.1.2.3"));
            assertThat(RawConn.disconnectCode(c.next())).isEqualTo(CloseCode.TOO_MANY_CONNECTIONS.code());
            d.send(v2("10.1.2.4")).auth(EXT, ConnectLimitsIT.token(4, "px-d"));
            assertThat(TestClient.op(d.next())).isEqualTo(Op.AUTH_REPLY);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> bans.connections("10.1.2.3") == 0);

        try (RawConn bad = RawConn.open("127.0.0.1", comet.tcpAddress())) {
            bad.send("PROXY TCP4 not-an-address\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(bad.next()).isSameAs(RawConn.EOF);
        }
        try (RawConn untrusted = RawConn.open("127.0.0.9", comet.tcpAddress())) {
            untrusted.send(v1("10.1.2.5"));
            assertThat(untrusted.next()).isSameAs(RawConn.EOF);
        }
        // Netty's PROXY decoder closes the channel before the failure reaches the handler that counts it: the
        // client may read EOF first
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(comet.limits().meters().refusals(Refusal.PROXY_MALFORMED)).isEqualTo(1.0);
            assertThat(comet.limits().meters().refusals(Refusal.PROXY_UNTRUSTED)).isEqualTo(1.0);
        });
        assertThat(logic.connects()).hasSize(3);
    }

    @Test
    void shouldHonourXForwardedForOnlyFromTrustedPeers() throws Exception {
        // webSocket.refusal http: the HTTP refusal, unchanged (WebSocketRefusalIT has the close-frame one)
        start(Map.of("JGOIM_PROXY_FORWARDED_FOR_TRUSTED", "127.0.0.1,10.0.0.0/8",
                "JGOIM_LIMITS_MAX_CONNECTIONS_PER_IP", "1", "JGOIM_WEB_SOCKET_REFUSAL", "http"));
        IpBans bans = comet.limits().bans();
        InetSocketAddress ws = comet.wsAddress();
        try (Socket first = upgrade("127.0.0.1", ws, "198.51.100.7, 10.2.3.4")) {
            assertThat(head(first)).startsWith("HTTP/1.1 101");
            assertThat(bans.connections("198.51.100.7")).as("rightmost untrusted entry").isEqualTo(1);
            try (Socket second = upgrade("127.0.0.1", ws, "198.51.100.7")) {
                assertThat(head(second)).startsWith("HTTP/1.1 429").contains("X-Jgoim-Close-Code: "
                        + CloseCode.TOO_MANY_CONNECTIONS.code()).containsIgnoringCase("retry-after");
            }
            try (Socket direct = upgrade("127.0.0.8", ws, "198.51.100.8")) {
                assertThat(head(direct)).startsWith("HTTP/1.1 101");
                assertThat(bans.connections("198.51.100.8")).as("an untrusted peer's header is ignored").isZero();
                assertThat(bans.connections("127.0.0.8")).isEqualTo(1);
            }
            try (Socket bad = upgrade("127.0.0.1", ws, "bogus")) {
                assertThat(head(bad)).startsWith("HTTP/1.1 400");
            }
            assertThat(bans.connections("127.0.0.1")).isZero();
        }
        assertThat(comet.limits().meters().refusals(Refusal.PROXY_MALFORMED)).isEqualTo(1.0);
    }

    /** Sends a WebSocket upgrade with {@code X-Forwarded-For: xff} from {@code source}; the answer is read later. */
    static Socket upgrade(String source, InetSocketAddress target, String xff) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        s.connect(target, 5000);
        s.setSoTimeout(5000);
        String req = "GET /sub HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "X-Forwarded-For: " + xff + "\r\n\r\n";
        s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    /** The response head (through the blank line). */
    static String head(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            out.write(c);
            String t = out.toString(StandardCharsets.US_ASCII);
            if (t.endsWith("\r\n\r\n")) {
                return t;
            }
        }
        return out.toString(StandardCharsets.US_ASCII);
    }
}
