package io.jgoim.comet.transport;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.ProtocolException;
import io.jgoim.testkit.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the open session codec refuses itself, beyond Netty's WebSocket decoder: close codes a peer may not send
 * (Netty lets 5000 and up through) and fragmented binary messages. Each refusal goes to the next handler (the
 * session handler) as a {@link ProtocolException} with PROTOCOL_ERROR, nothing is echoed, and the frame is released.
 */
@ExtendWith(LeakCheck.class)
class WsSessionCodecRefusalTest {
    private final List<Throwable> refused = new ArrayList<>();

    private EmbeddedChannel open() {
        WsSessionCodec codec = new WsSessionCodec(4096);
        EmbeddedChannel ch = new EmbeddedChannel(codec, new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                refused.add(cause);
            }
        });
        codec.upgraded(ch.pipeline().context(codec), PipelineNames.WS_PROTOCOL);
        return ch;
    }

    private void assertRefusedWithProtocolError(EmbeddedChannel ch) {
        assertThat(refused).hasSize(1);
        assertThat(refused.get(0)).isInstanceOf(ProtocolException.class);
        ProtocolException e = (ProtocolException) refused.get(0);
        assertThat(e.closeCode()).isEqualTo(CloseCode.PROTOCOL_ERROR);
        assertThat(e.errorCode()).isEqualTo(ErrorCode.BAD_PACKET);
        assertThat((Object) ch.readOutbound()).as("nothing echoed").isNull();
        assertThat((Object) ch.readInbound()).isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 2999, 5000, 65535})
    void shouldRefuseCloseCodesAPeerMayNotSend(int code) {
        EmbeddedChannel ch = open();
        ByteBuf body = Unpooled.buffer(2).writeShort(code);
        CloseWebSocketFrame close = new CloseWebSocketFrame(true, 0, body);

        ch.writeInbound(close);

        assertRefusedWithProtocolError(ch);
        assertThat(close.refCnt()).isZero();
        ch.finishAndReleaseAll();
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 1003, 1007, 1014, 3000, 4999})
    void shouldEchoValidCloseCodes(int code) {
        EmbeddedChannel ch = open();

        ch.writeInbound(new CloseWebSocketFrame(code, "bye"));

        assertThat(refused).isEmpty();
        ByteBuf echo = ch.readOutbound();
        assertThat(ByteBufUtil.hexDump(echo)).startsWith("8805" + String.format("%04x", code));
        echo.release();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void shouldEchoACloseFrameWithoutACode() {
        EmbeddedChannel ch = open();

        ch.writeInbound(new CloseWebSocketFrame());

        assertThat(refused).isEmpty();
        ByteBuf echo = ch.readOutbound();
        assertThat(ByteBufUtil.hexDump(echo)).isEqualTo("8800");
        echo.release();
    }

    @Test
    void shouldRefuseAFragmentedBinaryMessageAtItsFirstFragment() {
        EmbeddedChannel ch = open();
        BinaryWebSocketFrame first = new BinaryWebSocketFrame(false, 0, Unpooled.buffer(16).writeZero(16));

        ch.writeInbound(first);

        assertRefusedWithProtocolError(ch);
        assertThat(first.refCnt()).isZero();
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldStillRefuseAContinuationAsNotBinary() {
        EmbeddedChannel ch = open();

        ch.writeInbound(new ContinuationWebSocketFrame(true, 0, Unpooled.buffer(1).writeByte(1)));

        assertRefusedWithProtocolError(ch);
        ch.finishAndReleaseAll();
    }
}
