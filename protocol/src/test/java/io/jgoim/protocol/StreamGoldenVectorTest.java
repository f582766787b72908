package io.jgoim.protocol;

import io.jgoim.protocol.stream.AuthBody;
import io.jgoim.protocol.stream.PositionList;
import io.jgoim.protocol.stream.Publications;
import io.jgoim.protocol.stream.StreamState;
import io.jgoim.testkit.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ver-3 extension frames (streams and positions) against fixed bytes assembled by hand from docs/protocol.md
 * ({@code jgoim-v3-vectors.json}): jgoim's writers produce exactly those bytes, and its readers (the comet's client
 * frame decoder for client frames) decode them to the values they were built from.
 */
@ExtendWith(LeakCheck.class)
class StreamGoldenVectorTest {
    private static final long E1 = 1_700_000_000_000_000L;
    private static final long E2 = 1_700_000_000_123_456L;
    private static final long E3 = 1_700_000_000_999_999L;
    private static final String ROOM = "live://1000";
    private static final String MEMBER = "mid:42";
    private static final String TOKEN =
            "{\"mid\":42,\"key\":\"k-1\",\"room_id\":\"live://1000\",\"platform\":\"web\",\"accepts\":[1000]}";
    private static final String REPLY_JSON = "{\"key\":\"k-1\",\"heartbeat\":240}";

    private static final List<StreamState> CLIENT_POSITIONS = List.of(
            StreamState.of(ROOM, E1, 17), StreamState.of(MEMBER, E2, 5));
    private static final List<StreamState> REPLY_POSITIONS = List.of(
            new StreamState(ROOM, E1, 19, true, ErrorCode.OK.code()),
            new StreamState(MEMBER, E3, 2, true, ErrorCode.EPOCH_CHANGED.code()));

    @Test
    void shouldEncodeAndDecodeAuthFrameWithTokenAndTwoPositions() {
        ByteBuf body = Unpooled.buffer();
        AuthBody.write(body, TOKEN.getBytes(StandardCharsets.UTF_8), CLIENT_POSITIONS);
        byte[] vector = GoldenVectors.jgoim("auth request ver 3 with positions");
        assertThat(encode(PacketLayout.VERSION_POSITIONS, Op.AUTH, 1, body)).isEqualTo(vector);

        Proto p = decode(vector, true);
        assertThat(p.ver()).isEqualTo(PacketLayout.VERSION_POSITIONS);
        assertThat(p.op()).isEqualTo(Op.AUTH);
        assertThat(p.seq()).isEqualTo(1);
        assertThat(AuthBody.token(p.body()).toString(StandardCharsets.UTF_8)).isEqualTo(TOKEN);
        assertThat(AuthBody.positions(p.body())).isEqualTo(CLIENT_POSITIONS);
        p.release();
    }

    @Test
    void shouldEncodeAndDecodeAuthReplyWithJsonAndPositions() {
        ByteBuf body = Unpooled.buffer();
        AuthBody.write(body, REPLY_JSON.getBytes(StandardCharsets.UTF_8), REPLY_POSITIONS);
        byte[] vector = GoldenVectors.jgoim("auth reply ver 3 with positions");
        assertThat(encode(PacketLayout.VERSION_POSITIONS, Op.AUTH_REPLY, 1, body)).isEqualTo(vector);

        Proto p = decode(vector, false);
        assertThat(p.op()).isEqualTo(Op.AUTH_REPLY);
        assertThat(p.seq()).isEqualTo(1);
        assertThat(AuthBody.token(p.body()).toString(StandardCharsets.UTF_8)).isEqualTo(REPLY_JSON);
        List<StreamState> states = AuthBody.positions(p.body());
        assertThat(states).isEqualTo(REPLY_POSITIONS);
        assertThat(states.get(0).recovered()).isTrue();
        assertThat(states.get(1).recovered()).isFalse();
        assertThat(ErrorCode.of(states.get(1).code())).isEqualTo(ErrorCode.EPOCH_CHANGED);
        p.release();
    }

    @Test
    void shouldEncodeAndDecodePublicationsWithTwoMessages() {
        ByteBuf frames = Unpooled.buffer();
        for (int n = 18; n <= 19; n++) {
            ByteBuf msg = Unpooled.copiedBuffer("{\"n\":" + n + "}", StandardCharsets.UTF_8);
            ProtoCodec.writeFrame(frames, PacketLayout.VERSION, 1000, 0, msg);
            msg.release();
        }
        ByteBuf out = Unpooled.buffer();
        Publications.writeHeader(out, Publications.streamBytes(ROOM), E1, 18, frames.readableBytes());
        out.writeBytes(frames);
        frames.release();
        byte[] vector = GoldenVectors.jgoim("publications, two messages");
        assertThat(ByteBufUtil.getBytes(out)).isEqualTo(vector);
        out.release();

        Proto p = decode(vector, false);
        assertThat(p.ver()).isEqualTo(PacketLayout.VERSION_POSITIONS);
        assertThat(p.op()).isEqualTo(Op.PUBLICATIONS);
        assertThat(p.seq()).isZero();
        Publications.Batch batch = Publications.read(p.body());
        assertThat(batch.stream()).isEqualTo(ROOM);
        assertThat(batch.epoch()).isEqualTo(E1);
        assertThat(batch.firstOffset()).isEqualTo(18);
        List<String> bodies = new ArrayList<>();
        EmbeddedChannel inner = new EmbeddedChannel(ProtoFrameDecoder.forServerFrames());
        inner.writeInbound(batch.frames().retain());
        for (Proto m; (m = inner.readInbound()) != null; ) {
            assertThat(m.op()).isEqualTo(1000);
            assertThat(m.ver()).isEqualTo(PacketLayout.VERSION);
            assertThat(m.seq()).isZero();
            bodies.add(m.body().toString(StandardCharsets.UTF_8));
            m.release();
        }
        assertThat(inner.finish()).isFalse();
        assertThat(bodies).containsExactly("{\"n\":18}", "{\"n\":19}");
        p.release();
    }

    @Test
    void shouldEncodeAndDecodeStreamState() {
        List<StreamState> states = List.of(
                new StreamState(ROOM, E1, 40, false, ErrorCode.HISTORY_TOO_SHORT.code()));
        ByteBuf body = Unpooled.buffer();
        PositionList.write(body, states);
        byte[] vector = GoldenVectors.jgoim("stream state");
        assertThat(encode(PacketLayout.VERSION_POSITIONS, Op.STREAM_STATE, 0, body)).isEqualTo(vector);

        Proto p = decode(vector, false);
        assertThat(p.op()).isEqualTo(Op.STREAM_STATE);
        assertThat(PositionList.read(p.body())).isEqualTo(states);
        p.release();
    }

    @Test
    void shouldEncodeAckAndPassTheServersClientFrameChecks() {
        List<StreamState> acked = List.of(StreamState.of(ROOM, E1, 19), StreamState.of(MEMBER, E3, 2));
        ByteBuf body = Unpooled.buffer();
        PositionList.write(body, acked);
        byte[] vector = GoldenVectors.jgoim("ack");
        assertThat(encode(PacketLayout.VERSION_POSITIONS, Op.ACK, 7, body)).isEqualTo(vector);

        Proto p = decode(vector, true);
        assertThat(p.op()).isEqualTo(Op.ACK);
        assertThat(p.seq()).isEqualTo(7);
        assertThat(PositionList.read(p.body())).isEqualTo(acked);
        p.release();
    }

    @Test
    void shouldKeepEveryExtensionVectorOneWholeFrame() {
        assertThat(GoldenVectors.jgoimAll()).hasSize(5);
        for (GoldenVectors.Vector v : GoldenVectors.jgoimAll()) {
            Proto p = decode(v.bytes().clone(), v.direction().equals("client->server"));
            assertThat(p.packLength()).as(v.name()).isEqualTo(v.bytes().length);
            assertThat(p.ver()).as(v.name()).isEqualTo(PacketLayout.VERSION_POSITIONS);
            p.release();
        }
    }

    private static byte[] encode(int ver, int op, int seq, ByteBuf body) {
        EmbeddedChannel ch = new EmbeddedChannel(ProtoEncoder.INSTANCE);
        ch.writeOutbound(Proto.newInstance(ver, op, seq, body));
        ByteBuf out = ch.readOutbound();
        byte[] bytes = ByteBufUtil.getBytes(out);
        out.release();
        assertThat(ch.finish()).isFalse();
        return bytes;
    }

    /** Decodes one whole frame; {@code fromClient} runs the server's checks of client frames. */
    private static Proto decode(byte[] bytes, boolean fromClient) {
        EmbeddedChannel ch = new EmbeddedChannel(fromClient
                ? new ProtoFrameDecoder(PacketLayout.DEFAULT_MAX_BODY, true) : ProtoFrameDecoder.forServerFrames());
        ch.writeInbound(Unpooled.wrappedBuffer(bytes));
        Proto p = ch.readInbound();
        assertThat(ch.finish()).isFalse();
        return p;
    }
}
