package io.jgoim.comet.frame;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.Proto;
import io.jgoim.protocol.ProtoCodec;
import io.jgoim.testkit.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** What each transport puts on the wire for a push, a pre-encoded reply and the goodbye. */
@ExtendWith(LeakCheck.class)
class SessionTransportTest {
    /** One goim frame (op 1000, body {"n":0}). */
    private static final String INNER = "0000001700100001000003e8000000007b226e223a307d";
    private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

    private PushFrame frame() {
        return new PushFrame(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(INNER)), alloc);
    }

    @Test
    void shouldWriteAPushAsSharedDuplicatesOfTheOnceEncodedBytes() {
        PushFrame f = frame();
        ByteBuf tcp = (ByteBuf) SessionTransport.TCP.push(f);
        assertThat(ByteBufUtil.hexDump(tcp)).isEqualTo(INNER);
        assertThat(tcp.array()).as("a duplicate, not a copy").isSameAs(f.tcp().array());
        ByteBuf ws = (ByteBuf) SessionTransport.WEBSOCKET.push(f);
        // FIN + binary, 39 bytes: the op-9 header (packLen 0x27, header 16, ver 1, op 9, seq 0), then the frame
        assertThat(ByteBufUtil.hexDump(ws)).isEqualTo("8227" + "00000027" + "0010" + "0001" + "00000009" + "00000000"
                + INNER);
        ByteBuf again = (ByteBuf) SessionTransport.WEBSOCKET.push(f);
        assertThat(again.memoryAddress()).as("the same message for every session, built once")
                .isEqualTo(ws.memoryAddress());
        tcp.release();
        ws.release();
        again.release();
        ByteBuf message = f.webSocketMessage();
        f.release();
        assertThat(f.refCnt()).isZero();
        assertThat(message.refCnt()).as("released with the push").isZero();
    }

    @Test
    void shouldTakeTheSharedBytesAddressesOncePerPushForSendsStraightFromThem() {
        ByteBuf direct = alloc.directBuffer().writeBytes(ByteBufUtil.decodeHexDump(INNER));
        PushFrame f = new PushFrame(direct, alloc);
        assertThat(f.address(false)).isEqualTo(direct.memoryAddress()).isNotZero();
        assertThat(f.address(true)).isEqualTo(f.webSocketMessage().memoryAddress()).isNotZero();
        f.release();
        PushFrame heap = frame();
        assertThat(heap.address(false)).as("a heap buffer has none").isZero();
        heap.release();
    }

    @Test
    void shouldFrameThePushesWebSocketMessageExactlyAsNettysEncoderFramesItsBinaryMessage() {
        for (int body : new int[] {0, 1, 93, 94, 1000, 65503, 65504, 70000}) {
            byte[] bytes = new byte[16 + body];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) (i * 7);
            }
            PushFrame f = new PushFrame(Unpooled.wrappedBuffer(bytes), alloc);
            EmbeddedChannel netty = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
            netty.writeOutbound(new BinaryWebSocketFrame(ProtoCodec.wrapRaw(alloc, f.tcp())));
            StringBuilder expected = new StringBuilder();
            for (ByteBuf b; (b = netty.readOutbound()) != null; ) {
                expected.append(ByteBufUtil.hexDump(b));
                b.release();
            }
            assertThat(ByteBufUtil.hexDump(f.webSocketMessage())).as("%d-byte frame", bytes.length)
                    .isEqualTo(expected.toString());
            assertThat(f.webSocketMessage().hasMemoryAddress()).as("direct, for a send from its address").isTrue();
            assertThat(netty.finish()).isFalse();
            f.release();
        }
    }

    @Test
    void shouldFrameAReplyAsIsOnTcpAndInABinaryMessageOnWebSocket() {
        ByteBuf a = Unpooled.wrappedBuffer(new byte[] {1, 2});
        assertThat(SessionTransport.TCP.reply(a)).isSameAs(a);
        Object ws = SessionTransport.WEBSOCKET.reply(a);
        assertThat(ws).isInstanceOf(BinaryWebSocketFrame.class);
        assertThat(((BinaryWebSocketFrame) ws).content()).isSameAs(a);
        ((BinaryWebSocketFrame) ws).release();
    }

    @Test
    void shouldSayGoodbyeWithACloseFrameADisconnectFrameOrNothing() {
        assertThat(SessionTransport.TCP.goodbye(alloc, CloseCode.KICKED, false, false)).as("goim TCP").isNull();
        Proto disconnect = (Proto) SessionTransport.TCP.goodbye(alloc, CloseCode.KICKED, true, false);
        assertThat(disconnect.op()).isEqualTo(Op.DISCONNECT);
        assertThat(disconnect.ver()).isEqualTo(PacketLayout.VERSION_EXTENDED);
        assertThat(disconnect.body().readInt()).isEqualTo(CloseCode.KICKED.code());
        disconnect.release();

        assertThat(SessionTransport.WEBSOCKET.goodbye(alloc, CloseCode.KICKED, true, false))
                .as("before the upgrade").isNull();
        FullHttpResponse timeout = (FullHttpResponse) SessionTransport.WEBSOCKET.goodbye(alloc,
                CloseCode.HANDSHAKE_TIMEOUT, false, false);
        assertThat(timeout.status().code()).as("a handshake timeout before the upgrade").isEqualTo(408);
        assertThat(timeout.headers().getInt(SessionTransport.CLOSE_CODE_HEADER))
                .isEqualTo(CloseCode.HANDSHAKE_TIMEOUT.code());
        assertThat(timeout.headers().get("Connection")).isEqualTo("close");
        timeout.release();
        CloseWebSocketFrame close = (CloseWebSocketFrame) SessionTransport.WEBSOCKET.goodbye(alloc,
                CloseCode.KICKED, false, true);
        assertThat(close.statusCode()).isEqualTo(CloseCode.KICKED.code());
        assertThat(close.reasonText()).isEqualTo(CloseCode.KICKED.reason());
        close.release();
    }
}
