package io.jgoim.comet;

import com.google.protobuf.ByteString;
import io.jgoim.common.history.Audience;
import io.jgoim.common.history.HistoryConfig;
import io.jgoim.common.history.HistoryStore;
import io.jgoim.common.history.Retention;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReply;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.protocol.rpc.comet.PushMsgReply;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.protocol.rpc.comet.StreamPosition;
import io.jgoim.protocol.stream.AuthBody;
import io.jgoim.protocol.stream.PositionList;
import io.jgoim.protocol.stream.Publications;
import io.jgoim.protocol.stream.StreamState;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stream helpers for the position tests: messages appended to the logic twin's history store and pushed to the comet
 * as job does (append first, then the positioned request), ver-3 auth bodies, and readers of op 8/20/21 frames.
 */
final class StreamKit {
    /**
     * Room types: "short" keeps 5 messages, "brief" expires 700 ms after its last message (a new epoch then),
     * "nohist" none, every other type and members 100.
     */
    static final HistoryConfig HISTORY = new HistoryConfig(Map.of(
            HistoryConfig.ANY_TYPE, new Retention(100, Duration.ofMinutes(10)),
            "short", new Retention(5, Duration.ofMinutes(10)),
            "brief", new Retention(100, Duration.ofMillis(700)),
            "nohist", Retention.OFF), new Retention(100, Duration.ofMinutes(10)));

    private final LogicTwin logic;
    private final CometServer comet;

    StreamKit(LogicTwin logic, CometServer comet) {
        this.logic = logic;
        this.comet = comet;
    }

    /** Message {@code i}: one goim frame, op 1000, body "m{i}" padded with {@code pad} dots. */
    static byte[] message(int i, int pad) {
        byte[] body = ("m" + i + ".".repeat(pad)).getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(16 + body.length).putInt(16 + body.length).putShort((short) 16)
                .putShort((short) 1).putInt(1000).putInt(0).put(body).array();
    }

    static byte[] message(int i) {
        return message(i, 0);
    }

    static byte[] concat(List<byte[]> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frames.forEach(out::writeBytes);
        return out.toByteArray();
    }

    static List<byte[]> messages(int from, int to, int pad) {
        List<byte[]> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(message(i, pad));
        }
        return out;
    }

    /** Appends messages from..to to {@code stream}'s history (as job would, without pushing them). */
    HistoryStore.Appended append(String stream, int from, int to, int pad) {
        return logic.historyStore().append(stream, messages(from, to, pad), null, HISTORY.retention(stream)).join();
    }

    /** Job's path for a room batch: append messages from..to, then push them as one positioned request. */
    long publish(String room, int from, int to) {
        return publish(room, from, to, 0);
    }

    long publish(String room, int from, int to, int pad) {
        HistoryStore.Appended a = append(room, from, to, pad);
        pushRoom(room, a.epoch(), a.offsets()[0], messages(from, to, pad));
        return a.epoch();
    }

    /** Pushes {@code frames} to {@code room} at (epoch, first) without touching the store. */
    BroadcastRoomReply pushRoom(String room, long epoch, long first, List<byte[]> frames) {
        return comet.pushService().broadcastRoom(BroadcastRoomReq.newBuilder().setRoomId(room)
                .setProto(raw(concat(frames)))
                .setPosition(StreamPosition.newBuilder().setStream(room).setEpoch(epoch).setOffset(first))
                .build()).join();
    }

    /** Job's path for a member push: append message {@code i} to mid:{mid}, then push it to {@code key}. */
    PushMsgReply pushMember(String key, long mid, int i) {
        return pushMember(List.of(key), mid, i);
    }

    /** Job's path for a member push to several devices: one append, one request. */
    PushMsgReply pushMember(List<String> keys, long mid, int i) {
        String stream = io.jgoim.protocol.stream.StreamPosition.memberStream(mid);
        HistoryStore.Appended a = append(stream, i, i, 0);
        return comet.pushService().pushMsg(PushMsgReq.newBuilder().addAllKeys(keys).setProtoOp(1000)
                .setProto(raw(message(i)))
                .setPosition(StreamPosition.newBuilder().setStream(stream).setEpoch(a.epoch())
                        .setOffset(a.offsets()[0])).build()).join();
    }

    /** Message {@code i} with business op {@code op}. */
    static byte[] message(int i, int pad, int op) {
        byte[] m = message(i, pad);
        ByteBuffer.wrap(m).putInt(8, op);
        return m;
    }

    /**
     * Logic's path for a key push to {@code targets}, keys of member {@code mid}: append message {@code i} with the
     * targets as its audience, then push it to them with the member's {@code others} as advance keys.
     */
    PushMsgReply pushKeys(long mid, List<String> targets, List<String> others, int i) {
        String stream = io.jgoim.protocol.stream.StreamPosition.memberStream(mid);
        HistoryStore.Appended a = logic.historyStore().append(stream, List.of(message(i)), null,
                HISTORY.retention(stream), false, Audience.encode(targets)).join();
        return comet.pushService().pushMsg(PushMsgReq.newBuilder().addAllKeys(targets).addAllAdvanceKeys(others)
                .setProtoOp(1000).setProto(raw(message(i)))
                .setPosition(StreamPosition.newBuilder().setStream(stream).setEpoch(a.epoch())
                        .setOffset(a.offsets()[0])).build()).join();
    }

    static Proto raw(byte[] frames) {
        return Proto.newBuilder().setVer(1).setOp(Op.RAW).setBody(ByteString.copyFrom(frames)).build();
    }

    static String token(long mid, String key, String room) {
        return "{\"mid\":" + mid + ",\"key\":\"" + key + "\",\"room_id\":\"" + room
                + "\",\"platform\":\"web\",\"accepts\":[1000,1001]}";
    }

    /** A ver-3 auth body: the token, then (when {@code positions} is not null) NUL and the position list. */
    static byte[] authBody(String token, List<StreamState> positions) {
        byte[] t = token.getBytes(StandardCharsets.UTF_8);
        if (positions == null) {
            return t;
        }
        ByteBuf b = Unpooled.buffer();
        AuthBody.write(b, t, positions);
        return ByteBufUtil.getBytes(b);
    }

    /** Sends a ver-3 auth and reads the reply's positions (asserting its op, ver and JSON head). */
    static List<StreamState> authV3(TestClient c, long mid, String key, String room, List<StreamState> positions)
            throws InterruptedException {
        c.send(PacketLayout.VERSION_POSITIONS, Op.AUTH, 1, authBody(token(mid, key, room), positions));
        return authReply(c.next(5000), key);
    }

    static List<StreamState> authReply(byte[] frame, String key) {
        assertThat(frame).as("auth reply").isNotNull();
        assertThat(TestClient.op(frame)).isEqualTo(Op.AUTH_REPLY);
        assertThat(ByteBuffer.wrap(frame).getShort(6)).as("reply ver").isEqualTo(PacketLayout.VERSION_POSITIONS);
        ByteBuf body = Unpooled.wrappedBuffer(frame, 16, frame.length - 16);
        assertThat(AuthBody.token(body).toString(StandardCharsets.UTF_8)).startsWith("{\"key\":\"" + key + "\"");
        return AuthBody.positions(body);
    }

    /** One op-20 frame: its stream, epoch, first offset and the bodies of its messages. */
    record Pub(String stream, long epoch, long first, List<String> bodies, byte[] frames) {
    }

    static Pub pub(byte[] frame) {
        assertThat(frame).as("an op-20 frame").isNotNull();
        assertThat(TestClient.op(frame)).as("op").isEqualTo(Op.PUBLICATIONS);
        Publications.Batch b = Publications.read(Unpooled.wrappedBuffer(frame, 16, frame.length - 16));
        byte[] frames = ByteBufUtil.getBytes(b.frames());
        List<String> bodies = new ArrayList<>();
        for (int at = 0; at < frames.length; ) {
            int len = ByteBuffer.wrap(frames, at, 4).getInt();
            bodies.add(new String(frames, at + 16, len - 16, StandardCharsets.UTF_8).replace(".", ""));
            at += len;
        }
        return new Pub(b.stream(), b.epoch(), b.firstOffset(), bodies, frames);
    }

    /** The entries of an op-21 frame. */
    static List<StreamState> streamState(byte[] frame) {
        assertThat(frame).as("an op-21 frame").isNotNull();
        assertThat(TestClient.op(frame)).as("op").isEqualTo(Op.STREAM_STATE);
        return PositionList.read(Unpooled.wrappedBuffer(frame, 16, frame.length - 16));
    }

    /**
     * Reads op-20 frames until {@code n} messages arrived, as "stream@offset=body" strings in arrival order (a
     * frame of another op fails the read).
     */
    static List<String> received(TestClient c, int n) throws InterruptedException {
        List<String> out = new ArrayList<>();
        while (out.size() < n) {
            Pub p = pub(c.next(5000));
            for (int i = 0; i < p.bodies().size(); i++) {
                out.add(p.stream() + "@" + (p.first() + i) + "=" + p.bodies().get(i));
            }
        }
        return out;
    }

    /** "stream@offset=m{offset}" for offsets from..to. */
    static List<String> expected(String stream, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(stream + "@" + i + "=m" + i);
        }
        return out;
    }

    static byte[] bodyOf(byte[] frame) {
        return Arrays.copyOfRange(frame, 16, frame.length);
    }
}
