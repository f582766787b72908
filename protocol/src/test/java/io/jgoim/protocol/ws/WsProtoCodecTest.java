package io.jgoim.protocol.ws;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.Proto;
import io.jgoim.protocol.ProtoCodec;
import io.jgoim.protocol.ProtocolException;
import io.jgoim.testkit.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The WebSocket codec: one frame per binary message, bad messages refused with exact codes, nothing leaked. */
@ExtendWith(LeakCheck.class)
class WsProtoCodecTest {
    private static BinaryWebSocketFrame message(int packLen, int headerLen, int op, String body) {
        ByteBuf b = Unpooled.buffer().writeInt(packLen).writeShort(headerLen).writeShort(1).writeInt(op).writeInt(1);
        b.writeBytes(body.getBytes(StandardCharsets.UTF_8));
        return new BinaryWebSocketFrame(b);
    }

    private static BinaryWebSocketFrame valid(int op, String body) {
        return message(16 + body.length(), 16, op, body);
    }

    private static ProtocolException refused(Object msg) {
        EmbeddedChannel ch = new EmbeddedChannel(new WsProtoCodec(PacketLayout.DEFAULT_MAX_BODY, true));
        Throwable t = catchThrowable(() -> ch.writeInbound(msg));
        assertThat(ch.<Object>readInbound()).isNull();
        ch.finishAndReleaseAll();
        assertThat(t).isInstanceOf(ProtocolException.class);
        return (ProtocolException) t;
    }

    @Test
    void shouldDecodeOneFramePerBinaryMessage() {
        EmbeddedChannel ch = new EmbeddedChannel(new WsProtoCodec(PacketLayout.DEFAULT_MAX_BODY, true));
        ch.writeInbound(valid(Op.AUTH, "{\"mid\":1}"));
        Proto p = ch.readInbound();
        assertThat(p.op()).isEqualTo(Op.AUTH);
        assertThat(p.body().toString(StandardCharsets.UTF_8)).isEqualTo("{\"mid\":1}");
        p.release();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void shouldRejectMessageShorterThanHeader() {
        BinaryWebSocketFrame m = new BinaryWebSocketFrame(Unpooled.buffer().writeInt(16).writeShort(16));
        assertThat(refused(m).errorCode()).isEqualTo(ErrorCode.BAD_PACKET);
    }

    @Test
    void shouldRejectPackLenBelowSixteen() {
        assertThat(refused(message(12, 16, Op.HEARTBEAT, "")).errorCode()).isEqualTo(ErrorCode.BAD_PACKET);
    }

    @Test
    void shouldRejectPackLenThatDisagreesWithMessageLength() {
        assertThat(refused(message(40, 16, Op.SEND_MSG, "abc")).errorCode()).isEqualTo(ErrorCode.BAD_PACKET);
    }

    @Test
    void shouldRejectOversizeBody() {
        String body = "x".repeat(PacketLayout.DEFAULT_MAX_BODY + 1);
        ProtocolException e = refused(valid(Op.SEND_MSG, body));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.BODY_TOO_LARGE);
        assertThat(e.closeCode()).isEqualTo(CloseCode.FRAME_TOO_LARGE);
    }

    @Test
    void shouldRejectBadHeaderLength() {
        assertThat(refused(message(16, 20, Op.HEARTBEAT, "")).errorCode()).isEqualTo(ErrorCode.BAD_HEADER_LENGTH);
    }

    @Test
    void shouldRejectRawOpFromClient() {
        assertThat(refused(valid(Op.RAW, "x")).errorCode()).isEqualTo(ErrorCode.OP_NOT_ALLOWED);
    }

    @Test
    void shouldRejectEmptyAuth() {
        assertThat(refused(valid(Op.AUTH, "")).errorCode()).isEqualTo(ErrorCode.EMPTY_BODY);
    }

    @Test
    void shouldRejectTextMessages() {
        ProtocolException e = refused(new TextWebSocketFrame("{\"op\":7}"));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.BAD_PACKET);
        assertThat(e.closeCode()).isEqualTo(CloseCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldPassCloseFramesThroughOutbound() {
        EmbeddedChannel ch = new EmbeddedChannel(new WsProtoCodec(PacketLayout.DEFAULT_MAX_BODY, true));
        ch.writeOutbound(new CloseWebSocketFrame(CloseCode.SLOW.code(), CloseCode.SLOW.reason()));
        CloseWebSocketFrame out = ch.readOutbound();
        assertThat(out.statusCode()).isEqualTo(4008);
        out.release();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void shouldEncodeProtoAsOneBinaryMessage() {
        EmbeddedChannel ch = new EmbeddedChannel(new WsProtoCodec(PacketLayout.DEFAULT_MAX_BODY, true));
        ch.writeOutbound(Proto.newInstance(1, Op.HEARTBEAT_REPLY, 9, Unpooled.buffer(4).writeInt(3)));
        BinaryWebSocketFrame out = ch.readOutbound();
        ByteBuf expected = Unpooled.buffer();
        ProtoCodec.writeHeader(expected, 4, 1, Op.HEARTBEAT_REPLY, 9);
        expected.writeInt(3);
        assertThat(out.content()).isEqualTo(expected);
        out.release();
        expected.release();
        assertThat(ch.finish()).isFalse();
    }
}
