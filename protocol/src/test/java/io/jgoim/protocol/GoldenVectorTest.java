package io.jgoim.protocol;

import io.jgoim.protocol.ws.WsProtoCodec;
import io.jgoim.testkit.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compatibility with goim v2, both ways: every captured client frame decodes to what goim meant, and jgoim's encoders
 * produce exactly the bytes goim's comet sent for the same replies.
 */
@ExtendWith(LeakCheck.class)
class GoldenVectorTest {
    private static final String TOKEN =
            "{\"mid\": 9001, \"key\": \"cap-tcp\", \"room_id\": \"live://7777\", \"platform\": \"web\", "
                    + "\"accepts\": [1000, 1001, 1002]}";

    @Test
    void shouldDecodeAuthFrameWithGoimJsonToken() {
        Proto p = decodeClient(GoldenVectors.get("auth request", "tcp"));
        assertThat(p.ver()).isEqualTo((short) 1);
        assertThat(p.op()).isEqualTo(Op.AUTH);
        assertThat(p.seq()).isEqualTo(1);
        assertThat(p.body().toString(StandardCharsets.UTF_8)).isEqualTo(TOKEN);
        p.release();
    }

    @Test
    void shouldEncodeAuthFrameToCapturedBytes() {
        assertThat(encode(Proto.newInstance(1, Op.AUTH, 1, utf8(TOKEN))))
                .isEqualTo(GoldenVectors.get("auth request", "tcp"));
    }

    @Test
    void shouldEncodeAuthReplyAsBareHeaderOverTcpAndWebSocket() {
        assertThat(encode(Proto.of(Op.AUTH_REPLY, 1))).isEqualTo(GoldenVectors.get("auth reply", "tcp"));
        assertThat(encodeWs(Proto.of(Op.AUTH_REPLY, 1))).isEqualTo(GoldenVectors.get("auth reply", "websocket"));
        Proto reply = decodeServer(GoldenVectors.get("auth reply", "tcp"));
        assertThat(reply.op()).isEqualTo(Op.AUTH_REPLY);
        assertThat(reply.bodyLength()).isZero();
        reply.release();
    }

    @Test
    void shouldAnswerHeartbeatWithTwentyBytesCarryingOnlineCount() {
        Proto hb = decodeClient(GoldenVectors.get("heartbeat", "tcp"));
        assertThat(hb.op()).isEqualTo(Op.HEARTBEAT);
        assertThat(hb.seq()).isEqualTo(2);
        assertThat(hb.bodyLength()).isZero();

        ByteBuf count = Unpooled.buffer(4).writeInt(1);
        byte[] reply = encode(Proto.newInstance(1, Op.HEARTBEAT_REPLY, hb.seq(), count));
        hb.release();
        assertThat(reply).hasSize(20).isEqualTo(GoldenVectors.get("heartbeat reply", "tcp"));
    }

    @Test
    void shouldEchoWatchOpsBodyInReply() {
        Proto watch = decodeClient(GoldenVectors.get("watch ops", "tcp"));
        assertThat(watch.op()).isEqualTo(Op.SUB);
        assertThat(watch.body().toString(StandardCharsets.UTF_8)).isEqualTo("1000,1001");
        byte[] reply = encode(Proto.newInstance(watch.ver(), Op.SUB_REPLY, watch.seq(), watch.body().retain()));
        watch.release();
        assertThat(reply).isEqualTo(GoldenVectors.get("watch ops reply", "tcp"));
    }

    @Test
    void shouldEchoChangeRoomBodyInReply() {
        Proto change = decodeClient(GoldenVectors.get("change room", "tcp"));
        assertThat(change.op()).isEqualTo(Op.CHANGE_ROOM);
        assertThat(change.body().toString(StandardCharsets.UTF_8)).isEqualTo("live://8888");
        byte[] reply = encode(Proto.newInstance(change.ver(), Op.CHANGE_ROOM_REPLY, change.seq(),
                change.body().retain()));
        change.release();
        assertThat(reply).isEqualTo(GoldenVectors.get("change room reply", "tcp"));
    }

    @Test
    void shouldAnswerUpstreamWithSameOpAndSeqAndEmptyBody() {
        Proto send = decodeClient(GoldenVectors.get("upstream send", "tcp"));
        assertThat(send.op()).isEqualTo(Op.SEND_MSG);
        assertThat(send.body().toString(StandardCharsets.UTF_8)).isEqualTo("hello upstream");
        byte[] reply = encode(Proto.of(send.op(), send.seq()));
        send.release();
        assertThat(reply).isEqualTo(GoldenVectors.get("upstream send reply", "tcp"));
        assertThat(encode(Proto.of(1000, 5))).isEqualTo(GoldenVectors.get("business op 1000 from client, reply", "tcp"));
    }

    @Test
    void shouldEncodePushToMidAsPlainFrameWithSeqZero() {
        byte[] push = encode(Proto.newInstance(1, 1000, 0, utf8("{\"m\":\"one\"}")));
        assertThat(push).isEqualTo(GoldenVectors.get("push to mid, one message", "tcp"));
    }

    @Test
    void shouldWriteRoomBatchOverTcpAsInnerFramesBackToBack() {
        ByteBuf raw = roomBatch();
        byte[] tcp = ByteBufUtil.getBytes(raw);
        assertThat(tcp).isEqualTo(GoldenVectors.get("room push, three messages batched", "tcp"));

        // Raw bytes pass through the TCP encoder untouched.
        EmbeddedChannel ch = new EmbeddedChannel(ProtoEncoder.INSTANCE);
        ch.writeOutbound(raw);
        ByteBuf out = ch.readOutbound();
        assertThat(ByteBufUtil.getBytes(out)).isEqualTo(tcp);
        out.release();
        assertThat(ch.finish()).isFalse();

        // A client decodes them as three frames, in order.
        EmbeddedChannel client = new EmbeddedChannel(ProtoFrameDecoder.forServerFrames());
        client.writeInbound(Unpooled.wrappedBuffer(tcp));
        for (int n = 0; n < 3; n++) {
            Proto p = client.readInbound();
            assertThat(p.op()).isEqualTo(1000);
            assertThat(p.seq()).isZero();
            assertThat(p.body().toString(StandardCharsets.UTF_8)).isEqualTo("{\"n\":" + n + "}");
            p.release();
        }
        assertThat(client.finish()).isFalse();
    }

    @Test
    void shouldWrapRoomBatchOverWebSocketInOuterOpNineFrame() {
        EmbeddedChannel ch = new EmbeddedChannel(new WsProtoCodec(4096, true));
        ch.writeOutbound(roomBatch());
        BinaryWebSocketFrame frame = ch.readOutbound();
        assertThat(ByteBufUtil.getBytes(frame.content()))
                .isEqualTo(GoldenVectors.get("room push, three messages batched", "websocket"));
        frame.release();
        assertThat(ch.finish()).isFalse();

        // The client side reads one outer op-9 frame whose body holds the three inner frames.
        EmbeddedChannel client = new EmbeddedChannel(new WsProtoCodec(Integer.MAX_VALUE - 16, false));
        client.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(
                GoldenVectors.get("room push, three messages batched", "websocket"))));
        Proto outer = client.readInbound();
        assertThat(outer.op()).isEqualTo(Op.RAW);
        assertThat(ByteBufUtil.getBytes(outer.body()))
                .isEqualTo(GoldenVectors.get("room push, three messages batched", "tcp"));
        outer.release();
        assertThat(client.finish()).isFalse();
    }

    @Test
    void shouldDecodeEveryCapturedClientFrame() {
        for (GoldenVectors.Vector v : GoldenVectors.all()) {
            if (v.direction().equals("client->server")) {
                Proto p = decodeClient(v.bytes().clone());
                assertThat(p.packLength()).as(v.name()).isEqualTo(v.bytes().length);
                p.release();
            }
        }
    }

    private static ByteBuf roomBatch() {
        ByteBuf raw = Unpooled.buffer();
        for (int n = 0; n < 3; n++) {
            ByteBuf body = utf8("{\"n\":" + n + "}");
            ProtoCodec.writeFrame(raw, 1, 1000, 0, body);
            body.release();
        }
        return raw;
    }

    private static Proto decodeClient(byte[] bytes) {
        EmbeddedChannel ch = new EmbeddedChannel(new ProtoFrameDecoder(PacketLayout.DEFAULT_MAX_BODY, true));
        ch.writeInbound(Unpooled.wrappedBuffer(bytes));
        Proto p = ch.readInbound();
        assertThat(ch.finish()).isFalse();
        return p;
    }

    private static Proto decodeServer(byte[] bytes) {
        EmbeddedChannel ch = new EmbeddedChannel(ProtoFrameDecoder.forServerFrames());
        ch.writeInbound(Unpooled.wrappedBuffer(bytes));
        Proto p = ch.readInbound();
        assertThat(ch.finish()).isFalse();
        return p;
    }

    private static byte[] encode(Proto p) {
        EmbeddedChannel ch = new EmbeddedChannel(ProtoEncoder.INSTANCE);
        ch.writeOutbound(p);
        ByteBuf out = ch.readOutbound();
        byte[] bytes = ByteBufUtil.getBytes(out);
        out.release();
        assertThat(ch.finish()).isFalse();
        assertThat(p.refCnt()).isZero();
        return bytes;
    }

    private static byte[] encodeWs(Proto p) {
        EmbeddedChannel ch = new EmbeddedChannel(new WsProtoCodec(4096, true));
        ch.writeOutbound(p);
        BinaryWebSocketFrame out = ch.readOutbound();
        byte[] bytes = ByteBufUtil.getBytes(out.content());
        out.release();
        assertThat(ch.finish()).isFalse();
        return bytes;
    }

    private static ByteBuf utf8(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }
}
