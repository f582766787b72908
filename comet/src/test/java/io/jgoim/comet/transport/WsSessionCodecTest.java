package io.jgoim.comet.transport;

import io.jgoim.protocol.Op;
import io.jgoim.protocol.Proto;
import io.jgoim.testkit.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** Once open, the session codec writes the same bytes Netty's server frame encoder wrote, and gates writes after close. */
@ExtendWith(LeakCheck.class)
class WsSessionCodecTest {
    private static EmbeddedChannel open() {
        WsSessionCodec codec = new WsSessionCodec(4096);
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        codec.upgraded(ch.pipeline().context(codec), PipelineNames.WS_PROTOCOL);
        return ch;
    }

    private static String drain(EmbeddedChannel ch) {
        StringBuilder hex = new StringBuilder();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            hex.append(ByteBufUtil.hexDump(b));
            b.release();
        }
        return hex.toString();
    }

    private static ByteBuf payload(int length) {
        ByteBuf b = Unpooled.buffer(length);
        for (int i = 0; i < length; i++) {
            b.writeByte(i * 31);
        }
        return b;
    }

    @Test
    void shouldTakeOverOnTheUpgradeEventAndPassTheEventOn() {
        List<Object> events = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(PipelineNames.WS_PROTOCOL, new ChannelInboundHandlerAdapter());
        ch.pipeline().addLast(PipelineNames.WS_NOT_FOUND, NotFoundHandler.INSTANCE);
        ch.pipeline().addLast(PipelineNames.WS_CODEC, new WsSessionCodec(4096));
        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
            }
        });
        WebSocketServerProtocolHandler.HandshakeComplete done = new WebSocketServerProtocolHandler.HandshakeComplete(
                "/sub", EmptyHttpHeaders.INSTANCE, null);

        ch.pipeline().context(PipelineNames.WS_PROTOCOL).fireUserEventTriggered(done);

        assertThat(ch.pipeline().get(PipelineNames.WS_PROTOCOL)).isNull();
        assertThat(ch.pipeline().get(PipelineNames.WS_NOT_FOUND)).isNull();
        assertThat(events).containsExactly(done);
        // Open now: the codec frames a close itself (Netty's encoder is gone).
        ch.writeAndFlush(new CloseWebSocketFrame(4001, "shutdown"));
        assertThat(drain(ch)).startsWith("88");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void shouldEncodeEveryFrameTypeAndLengthExactlyAsNettysServerEncoder() {
        List<Function<ByteBuf, WebSocketFrame>> kinds = new ArrayList<>();
        kinds.add(BinaryWebSocketFrame::new);
        kinds.add(TextWebSocketFrame::new);
        kinds.add(PongWebSocketFrame::new);
        kinds.add(b -> new ContinuationWebSocketFrame(false, 3, b));
        kinds.add(b -> new BinaryWebSocketFrame(true, 1, b));
        for (int length : new int[] {0, 1, 125, 126, 1000, 1024, 1025, 65535, 65536, 70000}) {
            for (Function<ByteBuf, WebSocketFrame> kind : kinds) {
                EmbeddedChannel netty = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
                netty.writeOutbound(kind.apply(payload(length)));
                EmbeddedChannel ours = open();
                ours.writeOutbound(kind.apply(payload(length)));
                assertThat(drain(ours)).as("length " + length).isEqualTo(drain(netty));
                assertThat(netty.finish()).isFalse();
                ours.finishAndReleaseAll(); // closing an open codec sends a close frame
            }
        }
        for (int length : new int[] {0, 125}) {
            EmbeddedChannel netty = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
            netty.writeOutbound(new PingWebSocketFrame(payload(length)), new CloseWebSocketFrame(4012, "idle"));
            EmbeddedChannel ours = open();
            ours.writeOutbound(new PingWebSocketFrame(payload(length)));
            ours.writeOutbound(new CloseWebSocketFrame(4012, "idle"));
            assertThat(drain(ours)).isEqualTo(drain(netty));
            netty.finishAndReleaseAll();
            ours.finishAndReleaseAll();
        }
    }

    @Test
    void shouldEncodeProtoRepliesInOneBinaryMessage() {
        EmbeddedChannel ch = open();
        ch.writeOutbound(Proto.newInstance(1, Op.HEARTBEAT_REPLY, 7, Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 9})));
        // 0x82: FIN + binary; 20 bytes: a 16-byte goim header and the 4-byte body
        assertThat(drain(ch)).isEqualTo("8214" + "00000014" + "0010" + "0001" + "00000003" + "00000007" + "00000009");
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldPassAPreFramedMessageOnUntouchedInOrderWithTheFramesItEncodes() {
        EmbeddedChannel ch = open();
        ByteBuf message = Unpooled.directBuffer(4).writeByte(0x82).writeByte(2).writeByte(0xAB).writeByte(0xCD);
        ch.write(Proto.newInstance(1, Op.HEARTBEAT_REPLY, 7, Unpooled.EMPTY_BUFFER));
        ch.write(message.retainedDuplicate());
        ch.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1})));
        ch.write(message.retainedDuplicate());
        ch.writeAndFlush(new CloseWebSocketFrame(4012, "idle"));
        assertThat(drain(ch)).startsWith("8210" + "00000010" + "0010" + "0001" + "00000003" + "00000007"
                + "8202abcd" + "820101" + "8202abcd" + "88");
        ByteBuf late = message.retainedDuplicate();
        assertThat(ch.writeOneOutbound(late).cause()).as("nothing after the close frame")
                .isInstanceOf(ClosedChannelException.class);
        assertThat(message.refCnt()).isOne();
        message.release();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void shouldRefusePingsOverTheControlFrameLimit() {
        EmbeddedChannel ch = open();
        ChannelFuture f = ch.writeOneOutbound(new PingWebSocketFrame(payload(126)));
        ch.flushOutbound();
        assertThat(f.cause()).hasMessageContaining("PING");
        assertThat(ch.outboundMessages()).isEmpty();
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldFailAndReleaseWritesAfterTheCloseFrame() {
        EmbeddedChannel ch = open();
        ch.writeOutbound(new CloseWebSocketFrame(4012, "idle"));
        assertThat(drain(ch)).startsWith("88");
        ByteBuf late = payload(10);
        ChannelFuture f = ch.writeOneOutbound(new BinaryWebSocketFrame(late));
        assertThat(f.cause()).isInstanceOf(ClosedChannelException.class);
        assertThat(late.refCnt()).isZero();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void shouldSendNormalClosureBeforeABareClose() {
        EmbeddedChannel ch = open();
        ch.close().syncUninterruptibly();
        // FIN + close, payload: 1000 (0x03e8) and Netty's reason text for it, "Bye"
        assertThat(drain(ch)).isEqualTo("880503e8" + "427965");
        assertThat(ch.isOpen()).isFalse();
    }
}
