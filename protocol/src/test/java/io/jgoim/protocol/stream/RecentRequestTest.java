package io.jgoim.protocol.stream;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.ProtoCodec;
import io.jgoim.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Op 25's body: the documented example byte for byte, round trips, and every refusal with its code. */
class RecentRequestTest {
    @Test
    void shouldEncodeTheDocumentedExample() {
        ByteBuf body = Unpooled.buffer();
        new RecentRequest("live://1000", 10).write(body);
        ByteBuf frame = Unpooled.buffer();
        ProtoCodec.writeHeader(frame, body.readableBytes(), PacketLayout.VERSION_POSITIONS, Op.RECENT, 5);
        frame.writeBytes(body.duplicate());
        // docs/protocol.md, "op 25 RECENT"
        assertThat(ByteBufUtil.hexDump(frame)).isEqualTo("0000001d001000030000001900000005000a6c6976653a2f2f31303030");
        assertThat(RecentRequest.read(body)).isEqualTo(new RecentRequest("live://1000", 10));
    }

    @Test
    void shouldRefuseMalformedBodies() {
        assertBad(new byte[] {0, 5});                          // no stream name
        assertBad(new byte[] {0, 0, 'a'});                     // count 0
        assertBad(new byte[] {(byte) 0x03, (byte) 0xE9, 'a'}); // count 1001
        assertBad(new byte[] {0, 1, (byte) 0xC3, (byte) 0x28}); // not UTF-8
        byte[] longName = new byte[2 + 256];
        longName[1] = 1;
        java.util.Arrays.fill(longName, 2, longName.length, (byte) 'a');
        assertBad(longName);
    }

    private static void assertBad(byte[] body) {
        assertThatThrownBy(() -> RecentRequest.read(Unpooled.wrappedBuffer(body)))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.BAD_PARAMETER);
                    assertThat(e.closeCode()).isEqualTo(CloseCode.PROTOCOL_ERROR);
                });
    }
}
