package io.jgoim.client;

import io.jgoim.protocol.CloseCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SDK's failover parts: reading both DISCONNECT bodies, the address rotation, the kept session key. */
class FailoverPartsTest {
    /** "server shutting down or draining; reconnect to another node". */
    private static final String REASON_HEX = "736572766572207368757474696e6720646f776e206f7220647261696e696e67"
            + "3b207265636f6e6e65637420746f20616e6f74686572206e6f6465";

    private static CloseStatus goodbye(String hex) {
        ByteBuf body = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
        try {
            return Goodbyes.parse(body);
        } finally {
            body.release();
        }
    }

    @Test
    void shouldReadTheGoodbyeWithoutHintsAsBefore() {
        CloseStatus s = goodbye("00000fa1" + REASON_HEX);
        assertThat(s.code()).isEqualTo(4001);
        assertThat(s.reason()).isEqualTo(CloseCode.SHUTDOWN.reason());
        assertThat(s.nodes()).isEmpty();
        assertThat(s).isEqualTo(new CloseStatus(4001, CloseCode.SHUTDOWN.reason()));
        assertThat(goodbye("000011a7")).as("code, empty reason").isEqualTo(new CloseStatus(4519, ""));
        assertThat(goodbye("0fa1").code()).as("too short for a code").isEqualTo(CloseStatus.ABNORMAL_CODE);
    }

    @Test
    void shouldReadTheHintsAfterTheNulSeparator() {
        // {"nodes":["10.0.0.2:3101","10.0.0.3:3101"]}
        CloseStatus s = goodbye("00000fa1" + REASON_HEX + "00" + "7b226e6f646573223a5b2231302e302e302e323a33313031"
                + "222c2231302e302e302e333a33313031225d7d");
        assertThat(s.code()).isEqualTo(4001);
        assertThat(s.reason()).isEqualTo(CloseCode.SHUTDOWN.reason());
        assertThat(s.nodes()).containsExactly("10.0.0.2:3101", "10.0.0.3:3101");
    }

    @Test
    void shouldDropMalformedHintsButKeepTheCode() {
        CloseStatus s = goodbye("00000fa1" + REASON_HEX + "00" + ByteBufUtil.hexDump("{\"nodes\":[\"nope\",\"h:0\","
                .getBytes(StandardCharsets.UTF_8)));
        assertThat(s.code()).isEqualTo(4001);
        assertThat(s.reason()).isEqualTo(CloseCode.SHUTDOWN.reason());
        assertThat(s.nodes()).isEmpty();
        assertThat(NodeLists.parse("{\"nodes\":[\"a:1\", \"bad\", \"[::1]:3101\"]}"))
                .containsExactly("a:1", "[::1]:3101");
        assertThat(NodeLists.host("[::1]:3101")).isEqualTo("::1");
        assertThat(NodeLists.port("[::1]:3101")).isEqualTo(3101);
    }

    @Test
    void shouldReadLogicsWeightedNodeList() {
        String reply = "{\"code\":0,\"message\":\"\",\"data\":{\"domain\":\"\",\"tcp_port\":3101,\"ws_port\":3102,"
                + "\"wss_port\":3103,\"heartbeat\":240,\"heartbeat_max\":3,\"nodes\":[\"10.0.0.5:3101\","
                + "\"10.0.0.6:3101\"],\"backoff\":{\"max_delay\":300,\"base_delay\":3,\"factor\":1.8,\"jitter\":0.3}}}";
        assertThat(NodeLists.parse(reply)).containsExactly("10.0.0.5:3101", "10.0.0.6:3101");
        assertThat(NodeLists.parse("{\"data\":{\"nodes\":[]}}")).isEmpty();
    }

    private static List<String> take(Endpoints e, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(e.next());
        }
        return out;
    }

    @Test
    void shouldRotateThroughTheAddressesNeverTheSameTwiceInARow() {
        Endpoints e = new Endpoints(List.of("a:1", "b:2", "c:3"), null, Duration.ofSeconds(1), null);
        assertThat(e.roundSize()).isEqualTo(3);
        assertThat(take(e, 7)).containsExactly("a:1", "b:2", "c:3", "a:1", "b:2", "c:3", "a:1");
        Endpoints one = new Endpoints(List.of("a:1"), null, Duration.ofSeconds(1), null);
        assertThat(take(one, 3)).containsExactly("a:1", "a:1", "a:1");
    }

    @Test
    void shouldTryHintsFirstThenGoOnWithTheRotation() {
        Endpoints e = new Endpoints(List.of("a:1", "b:2"), null, Duration.ofSeconds(1), null);
        assertThat(e.next()).isEqualTo("a:1");
        e.hint(List.of("h:7", "i:8"));
        assertThat(take(e, 5)).containsExactly("h:7", "i:8", "b:2", "a:1", "b:2");
        e.hint(List.of("h:7"));
        e.hint(List.of("j:9"));
        assertThat(take(e, 2)).as("newer hints replace older ones").containsExactly("j:9", "a:1");
    }

    @Test
    void shouldPutLogicsListBeforeTheBootstrapAddresses() {
        Endpoints e = new Endpoints(List.of("a:1", "b:2"), null, Duration.ofSeconds(1), null);
        e.listed(List.of("n:5", "a:1"));
        assertThat(e.roundSize()).isEqualTo(3);
        assertThat(take(e, 4)).containsExactly("n:5", "a:1", "b:2", "n:5");
    }

    @Test
    void shouldKeepTheServerGeneratedKeyInAGoimToken() {
        byte[] token = GoimToken.json(7, "", "live://1", "web", 1000);
        ByteBuf reply = Unpooled.copiedBuffer("{\"key\":\"k-42\",\"heartbeat\":30}", StandardCharsets.UTF_8);
        String key = SessionKeys.fromAuthReply(reply);
        reply.release();
        assertThat(key).isEqualTo("k-42");
        assertThat(new String(SessionKeys.withKey(token, key), StandardCharsets.UTF_8))
                .isEqualTo(new String(GoimToken.json(7, "k-42", "live://1", "web", 1000), StandardCharsets.UTF_8));
        byte[] own = GoimToken.json(7, "mine", "live://1", "web");
        assertThat(SessionKeys.withKey(own, "k-42")).as("a key of its own stays").isSameAs(own);
        byte[] jwt = "eyJhbGciOiJIUzI1NiJ9.e30.x".getBytes(StandardCharsets.UTF_8);
        assertThat(SessionKeys.withKey(jwt, "k-42")).isSameAs(jwt);
        assertThat(SessionKeys.fromAuthReply(Unpooled.EMPTY_BUFFER)).as("goim reply").isNull();
    }

    @Test
    void shouldValidateTheAddresses() {
        assertThatThrownBy(() -> JgoimClient.builder().token("t").addresses("a:1", "nope").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
        assertThatThrownBy(() -> JgoimClient.builder().token("t").transport(Transport.TCP_TLS)
                .nodesUrl("http://x/goim/nodes/weighted").build()).isInstanceOf(IllegalArgumentException.class);
        try (JgoimClient c = JgoimClient.builder().token("t").addresses("a:1", "b:2")
                .nodesUrl("http://logic:3111/goim/nodes/weighted").build()) {
            assertThat(c.config().addresses()).containsExactly("a:1", "b:2");
            assertThat(c.config().host()).isEqualTo("a");
            assertThat(c.config().port()).isEqualTo(1);
            assertThat(c.config().nodesUrl().toString())
                    .isEqualTo("http://logic:3111/goim/nodes/weighted?platform=tcp");
            assertThat(c.node()).isNull();
        }
    }
}
