package io.jgoim.protocol;

import io.jgoim.testkit.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The TCP decoder: framing, and every kind of bad input refused with its exact code and nothing leaked. */
@ExtendWith(LeakCheck.class)
class ProtoFrameDecoderTest {
    private static ByteBuf frame(int op, int seq, String body) {
        ByteBuf b = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        ByteBuf out = Unpooled.buffer();
        ProtoCodec.writeFrame(out, 1, op, seq, b);
        b.release();
        return out;
    }

    private static ByteBuf header(int packLen, int headerLen, int op) {
        return Unpooled.buffer(16).writeInt(packLen).writeShort(headerLen).writeShort(1).writeInt(op).writeInt(1);
    }

    private static EmbeddedChannel server() {
        return new EmbeddedChannel(new ProtoFrameDecoder(PacketLayout.DEFAULT_MAX_BODY, true));
    }

    private static ProtocolException refused(EmbeddedChannel ch, ByteBuf in) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> ch.writeInbound(in));
        assertThat(t).isInstanceOf(ProtocolException.class);
        assertThat(ch.<Object>readInbound()).isNull();
        return (ProtocolException) t;
    }

    @Test
    void shouldDecodePacketSplitAcrossManyReads() {
        EmbeddedChannel ch = server();
        ByteBuf wire = frame(Op.SEND_MSG, 7, "hello");
        while (wire.readableBytes() > 1) {
            assertThat(ch.writeInbound(wire.readRetainedSlice(1))).isFalse();
        }
        assertThat(ch.writeInbound(wire)).isTrue();
        Proto p = ch.readInbound();
        assertThat(p.op()).isEqualTo(Op.SEND_MSG);
        assertThat(p.seq()).isEqualTo(7);
        assertThat(p.body().toString(StandardCharsets.UTF_8)).isEqualTo("hello");
        p.release();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void shouldDecodeManyFramesInOneRead() {
        EmbeddedChannel ch = server();
        ByteBuf wire = Unpooled.buffer();
        for (int i = 0; i < 50; i++) {
            ByteBuf f = frame(Op.HEARTBEAT, i, "");
            wire.writeBytes(f);
            f.release();
        }
        ch.writeInbound(wire);
        for (int i = 0; i < 50; i++) {
            Proto p = ch.readInbound();
            assertThat(p.op()).isEqualTo(Op.HEARTBEAT);
            assertThat(p.seq()).isEqualTo(i);
            p.release();
        }
        assertThat(ch.<Object>readInbound()).isNull();
        assertThat(ch.finish()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 15})
    void shouldRejectPackLenBelowSixteen(int packLen) {
        EmbeddedChannel ch = server();
        ProtocolException e = refused(ch, header(packLen, 16, Op.HEARTBEAT));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.BAD_PACKET);
        assertThat(e.closeCode()).isEqualTo(CloseCode.PROTOCOL_ERROR);
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldRejectNegativeLength() {
        EmbeddedChannel ch = server();
        ProtocolException e = refused(ch, header(-20, 16, Op.HEARTBEAT));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.BAD_PACKET);
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldRejectPacketLargerThanMaxBodyBeforeBufferingIt() {
        EmbeddedChannel ch = server();
        // Only the 4-byte length has arrived: the frame is refused before its body is read.
        ByteBuf lengthOnly = Unpooled.buffer(4).writeInt(16 + PacketLayout.DEFAULT_MAX_BODY + 1);
        ProtocolException e = refused(ch, lengthOnly);
        assertThat(e.errorCode()).isEqualTo(ErrorCode.BODY_TOO_LARGE);
        assertThat(e.closeCode()).isEqualTo(CloseCode.FRAME_TOO_LARGE);
        // Whatever follows is discarded, not buffered.
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[8192]));
        assertThat(ch.<Object>readInbound()).isNull();
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldAcceptBodyOfExactlyMaxSize() {
        EmbeddedChannel ch = new EmbeddedChannel(new ProtoFrameDecoder(8, true));
        ch.writeInbound(frame(Op.SEND_MSG, 1, "12345678"));
        Proto p = ch.readInbound();
        assertThat(p.bodyLength()).isEqualTo(8);
        p.release();
        assertThat(ch.finish()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 15, 17, 20, -1})
    void shouldRejectHeaderLenOtherThanSixteen(int headerLen) {
        EmbeddedChannel ch = server();
        ProtocolException e = refused(ch, header(16, headerLen, Op.HEARTBEAT));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.BAD_HEADER_LENGTH);
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldRejectRawOpFromClient() {
        EmbeddedChannel ch = server();
        ProtocolException e = refused(ch, frame(Op.RAW, 1, "x"));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.OP_NOT_ALLOWED);
        assertThat(e.closeCode()).isEqualTo(CloseCode.PROTOCOL_ERROR);
        ch.finishAndReleaseAll();
    }

    @ParameterizedTest
    @ValueSource(ints = {Op.HEARTBEAT_REPLY, Op.AUTH_REPLY, Op.DISCONNECT, 99, 500, -5})
    void shouldRejectOpsAClientMayNotSend(int op) {
        EmbeddedChannel ch = server();
        ProtocolException e = refused(ch, frame(op, 1, "x"));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.UNKNOWN_OP);
        ch.finishAndReleaseAll();
    }

    @ParameterizedTest
    @ValueSource(ints = {Op.AUTH, Op.SUB, Op.UNSUB})
    void shouldRejectEmptyBodyWhereOneIsRequired(int op) {
        EmbeddedChannel ch = server();
        ProtocolException e = refused(ch, frame(op, 1, ""));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.EMPTY_BODY);
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldAllowEmptyChangeRoomBodyToLeaveRoom() {
        EmbeddedChannel ch = server();
        ch.writeInbound(frame(Op.CHANGE_ROOM, 3, ""));
        Proto p = ch.readInbound();
        assertThat(p.op()).isEqualTo(Op.CHANGE_ROOM);
        p.release();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void shouldReportTruncatedFrameAtClose() {
        EmbeddedChannel ch = server();
        ByteBuf wire = frame(Op.SEND_MSG, 1, "hello world");
        ch.writeInbound(wire.readRetainedSlice(20));
        wire.release();
        assertThat(ch.<Object>readInbound()).isNull();
        assertThatThrownBy(ch::finish)
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TRUNCATED_FRAME));
    }

    @Test
    void shouldDiscardEverythingAfterARefusedFrame() {
        EmbeddedChannel ch = server();
        ByteBuf wire = Unpooled.buffer();
        wire.writeBytes(header(8, 16, Op.HEARTBEAT));
        ByteBuf good = frame(Op.HEARTBEAT, 2, "");
        wire.writeBytes(good);
        good.release();
        assertThatThrownBy(() -> ch.writeInbound(wire)).isInstanceOf(DecoderException.class);
        assertThat(ch.<Object>readInbound()).isNull();
        ch.writeInbound(frame(Op.HEARTBEAT, 3, ""));
        assertThat(ch.<Object>readInbound()).isNull();
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldNotCapServerFramesOnTheClientSide() {
        EmbeddedChannel ch = new EmbeddedChannel(ProtoFrameDecoder.forServerFrames());
        String big = "x".repeat(100_000);
        ch.writeInbound(frame(Op.RAW, 0, big));
        Proto p = ch.readInbound();
        assertThat(p.op()).isEqualTo(Op.RAW);
        assertThat(p.bodyLength()).isEqualTo(100_000);
        p.release();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void shouldRoundTripThroughEncoder() {
        EmbeddedChannel enc = new EmbeddedChannel(ProtoEncoder.INSTANCE);
        enc.writeOutbound(Proto.newInstance(1, 1001, 42, Unpooled.copiedBuffer("payload", StandardCharsets.UTF_8)));
        ByteBuf wire = enc.readOutbound();
        EmbeddedChannel dec = server();
        dec.writeInbound(wire);
        Proto p = dec.readInbound();
        assertThat(p.ver()).isEqualTo((short) 1);
        assertThat(p.op()).isEqualTo(1001);
        assertThat(p.seq()).isEqualTo(42);
        assertThat(p.body().toString(StandardCharsets.UTF_8)).isEqualTo("payload");
        p.release();
        assertThat(enc.finish()).isFalse();
        assertThat(dec.finish()).isFalse();
    }
}
