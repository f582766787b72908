package io.jgoim.comet.frame;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ProtoEncoder;
import io.jgoim.testkit.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Golden bytes of the DISCONNECT goodbye (op 18, ver 2), with and without node hints (docs/protocol.md). */
@ExtendWith(LeakCheck.class)
class DisconnectFrameTest {
    /** "server shutting down or draining; reconnect to another node" (59 bytes). */
    private static final String SHUTDOWN_REASON = "736572766572207368757474696e6720646f776e206f7220647261696e696e67"
            + "3b207265636f6e6e65637420746f20616e6f74686572206e6f6465";
    /** {"nodes":["10.0.0.2:3101","10.0.0.3:3101"]} (43 bytes). */
    private static final String HINTS_JSON = "7b226e6f646573223a5b2231302e302e302e323a33313031222c2231302e302e302e"
            + "333a33313031225d7d";

    private static String wire(Object proto) {
        EmbeddedChannel ch = new EmbeddedChannel(ProtoEncoder.INSTANCE);
        ch.writeOutbound(proto);
        ByteBuf out = ch.readOutbound();
        try {
            return ByteBufUtil.hexDump(out);
        } finally {
            out.release();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void shouldEncodeThePlainGoodbyeAsCodeAndReason() {
        String expected = "0000004f" + "0010" + "0002" + "00000012" + "00000000" // packLen 79, header 16, ver 2, op 18
                + "00000fa1" + SHUTDOWN_REASON;                                   // 4001 + reason
        assertThat(wire(ReplyFrames.disconnect(ByteBufAllocator.DEFAULT, CloseCode.SHUTDOWN))).isEqualTo(expected);
        assertThat(wire(ReplyFrames.disconnect(ByteBufAllocator.DEFAULT, CloseCode.SHUTDOWN, null)))
                .isEqualTo(expected);
    }

    @Test
    void shouldAppendTheHintsAfterANulSeparator() {
        byte[] hints = NodeHints.of(List.of(List.of("10.0.0.2:3101", "10.0.0.3:3101")), List.of(), List.of())
                .pick(SessionTransport.TCP, false);
        String expected = "0000007b" + "0010" + "0002" + "00000012" + "00000000" // packLen 123
                + "00000fa1" + SHUTDOWN_REASON + "00" + HINTS_JSON;
        assertThat(wire(ReplyFrames.disconnect(ByteBufAllocator.DEFAULT, CloseCode.SHUTDOWN, hints)))
                .isEqualTo(expected);
    }

    @Test
    void shouldPickHintsOfTheSessionsTransportOnly() {
        NodeHints h = NodeHints.of(List.of(List.of("t:1")), List.of(List.of("w:2")), List.of());
        assertThat(new String(h.pick(SessionTransport.TCP, false))).isEqualTo("{\"nodes\":[\"t:1\"]}");
        assertThat(new String(h.pick(SessionTransport.TCP, true))).as("TCP over TLS: tcp list")
                .isEqualTo("{\"nodes\":[\"t:1\"]}");
        assertThat(new String(h.pick(SessionTransport.WEBSOCKET, false))).isEqualTo("{\"nodes\":[\"w:2\"]}");
        assertThat(h.pick(SessionTransport.WEBSOCKET, true)).as("no wss address anywhere").isNull();
        assertThat(NodeHints.NONE.pick(SessionTransport.TCP, false)).isNull();
        assertThat(NodeHints.NONE.isEmpty()).isTrue();
        assertThat(h.isEmpty()).isFalse();
    }
}
