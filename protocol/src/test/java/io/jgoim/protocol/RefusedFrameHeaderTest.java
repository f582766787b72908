package io.jgoim.protocol;

import io.jgoim.protocol.ws.WsProtoCodec;
import io.jgoim.testkit.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A refusal made from a frame's whole header carries the frame's ver and seq (so a ver-2 client refused before auth
 * gets an error reply answering its seq); one made from packLen or headerLen alone carries 0 for both. The same on
 * both transports' decoders.
 */
@ExtendWith(LeakCheck.class)
class RefusedFrameHeaderTest {
    private static ByteBuf frame(int packLen, int headerLen, int ver, int op, int seq, int bodyLength) {
        return Unpooled.buffer().writeInt(packLen).writeShort(headerLen).writeShort(ver).writeInt(op).writeInt(seq)
                .writeZero(bodyLength);
    }

    private static ProtocolException refusedByTcp(ByteBuf in) {
        return refused(new ProtoFrameDecoder(PacketLayout.DEFAULT_MAX_BODY, true), in);
    }

    private static ProtocolException refusedByWebSocket(ByteBuf in) {
        return refused(new WsProtoCodec(PacketLayout.DEFAULT_MAX_BODY, true), new BinaryWebSocketFrame(in));
    }

    private static ProtocolException refused(ChannelHandler decoder, Object msg) {
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        Throwable t = catchThrowable(() -> ch.writeInbound(msg));
        assertThat(ch.<Object>readInbound()).isNull();
        ch.finishAndReleaseAll();
        assertThat(t).isInstanceOf(ProtocolException.class);
        return (ProtocolException) t;
    }

    @Test
    void shouldCarryVerAndSeqOfAnEmptyExtendedAuth() {
        for (ProtocolException e : new ProtocolException[] {
                refusedByTcp(frame(16, 16, PacketLayout.VERSION_EXTENDED, Op.AUTH, 41, 0)),
                refusedByWebSocket(frame(16, 16, PacketLayout.VERSION_EXTENDED, Op.AUTH, 41, 0))}) {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.EMPTY_BODY);
            assertThat(e.closeCode()).isEqualTo(CloseCode.PROTOCOL_ERROR);
            assertThat(e.ver()).isEqualTo(PacketLayout.VERSION_EXTENDED);
            assertThat(e.seq()).isEqualTo(41);
        }
    }

    @Test
    void shouldCarryVerAndSeqOfAForbiddenOp() {
        for (ProtocolException e : new ProtocolException[] {
                refusedByTcp(frame(17, 16, PacketLayout.VERSION, Op.RAW, 7, 1)),
                refusedByWebSocket(frame(17, 16, PacketLayout.VERSION, Op.RAW, 7, 1))}) {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.OP_NOT_ALLOWED);
            assertThat(e.ver()).isEqualTo(PacketLayout.VERSION);
            assertThat(e.seq()).isEqualTo(7);
        }
    }

    @Test
    void shouldCarryNoVerOrSeqWhenPackLenOrHeaderLenAloneRefused() {
        for (ProtocolException e : new ProtocolException[] {
                refusedByTcp(frame(8, 16, PacketLayout.VERSION_EXTENDED, Op.AUTH, 41, 0)),
                refusedByTcp(frame(16, 20, PacketLayout.VERSION_EXTENDED, Op.AUTH, 41, 0)),
                refusedByWebSocket(frame(16, 20, PacketLayout.VERSION_EXTENDED, Op.AUTH, 41, 0))}) {
            assertThat(e.ver()).isZero();
            assertThat(e.seq()).isZero();
        }
    }
}
