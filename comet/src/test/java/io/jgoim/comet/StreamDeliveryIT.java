package io.jgoim.comet;

import io.jgoim.comet.TestClient.Mode;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.stream.PositionList;
import io.jgoim.protocol.stream.StreamPosition;
import io.jgoim.protocol.stream.StreamState;
import io.jgoim.testkit.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.jgoim.comet.StreamKit.authV3;
import static io.jgoim.comet.StreamKit.concat;
import static io.jgoim.comet.StreamKit.expected;
import static io.jgoim.comet.StreamKit.message;
import static io.jgoim.comet.StreamKit.messages;
import static io.jgoim.comet.StreamKit.received;
import static io.jgoim.comet.StreamKit.streamState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Positioned pushes inside sessions on real sockets: goim and ver-2 clients get exactly today's bytes while a ver-3
 * client of the same room gets one op-20 frame (TCP and WebSocket); the merge-by-offset rules (overlap trimmed, gap
 * after a lost request filled from history, history too short, epoch change, held batches over the bound); the room
 * change's op 21; op-22 acks. A ver-1 bystander must stay served after each case.
 */
@ExtendWith(LeakCheck.class)
@Timeout(90)
class StreamDeliveryIT {
    private static final AtomicInteger KEYS = new AtomicInteger();
    private static LogicTwin logic;
    private static CometServer comet;
    private static StreamKit kit;
    private static StreamComet fixture;
    private CompletableFuture<Void> gate;

    @BeforeAll
    static void start() throws Exception {
        fixture = new StreamComet(Map.of("JGOIM_HISTORY_RESUME_TIMEOUT", "10s"));
        logic = fixture.logic();
        comet = fixture.comet();
        kit = fixture.kit();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @AfterEach
    void bystanderStillServed() throws Exception {
        if (gate != null) {
            gate.complete(null);
        }
        fixture.assertBystanderServed();
    }

    private static String newKey() {
        return "d" + KEYS.incrementAndGet();
    }

    private static TestClient goim(Mode mode, int ver, String key, String room) throws Exception {
        TestClient c = TestClient.connect(mode, comet);
        c.auth(ver, StreamKit.token(0, key, room));
        assertThat(TestClient.op(c.next(3000))).isEqualTo(Op.AUTH_REPLY);
        return c;
    }

    private static TestClient v3(Mode mode, long mid, String key, String room) throws Exception {
        TestClient c = TestClient.connect(mode, comet);
        authV3(c, mid, key, room, null);
        return c;
    }

    /** The op-20 frame a ver-3 client must get for {@code frames} at (stream, epoch, first), byte for byte. */
    private static byte[] op20(String stream, long epoch, long first, byte[] frames) {
        byte[] name = stream.getBytes(StandardCharsets.UTF_8);
        int body = 2 + name.length + 16 + frames.length;
        return ByteBuffer.allocate(16 + body).putInt(16 + body).putShort((short) 16).putShort((short) 3)
                .putInt(Op.PUBLICATIONS).putInt(0).putShort((short) name.length).put(name).putLong(epoch)
                .putLong(first).put(frames).array();
    }

    /** What a goim client gets for a push of {@code frames}: the frames themselves (TCP) or one op-9 wrapper (WS). */
    private static byte[] plain(Mode mode, byte[] frames) {
        return mode == Mode.TCP ? frames : TestClient.frame(1, Op.RAW, 0, frames);
    }

    private static byte[] readPlain(Mode mode, TestClient c, int frames) throws InterruptedException {
        if (mode != Mode.TCP) {
            return c.next(3000);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < frames; i++) {
            byte[] f = c.next(3000);
            assertThat(f).as("frame " + i).isNotNull();
            out.writeBytes(f);
        }
        return out.toByteArray();
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"TCP", "WS"})
    void shouldGiveGoimAndVer2ClientsTodaysBytesAndVer3ClientsOneOp20Frame(Mode mode) throws Exception {
        String room = "live://wire-" + newKey();
        try (TestClient v1 = goim(mode, 1, newKey(), room);
             TestClient v2 = goim(mode, PacketLayout.VERSION_EXTENDED, newKey(), room);
             TestClient v3 = v3(mode, 0, newKey(), room)) {
            long epoch = kit.publish(room, 1, 2);
            byte[] frames = concat(messages(1, 2, 0));
            assertThat(readPlain(mode, v1, 2)).isEqualTo(plain(mode, frames));
            assertThat(readPlain(mode, v2, 2)).isEqualTo(plain(mode, frames));
            assertThat(v3.next(3000)).isEqualTo(op20(room, epoch, 1, frames));

            // A push without a position (an older job, a stream without history) is plain for everyone.
            comet.pushService().broadcastRoom(BroadcastRoomReq.newBuilder().setRoomId(room)
                    .setProto(StreamKit.raw(message(9))).build()).join();
            assertThat(readPlain(mode, v1, 1)).isEqualTo(plain(mode, message(9)));
            assertThat(readPlain(mode, v2, 1)).isEqualTo(plain(mode, message(9)));
            assertThat(readPlain(mode, v3, 1)).isEqualTo(plain(mode, message(9)));
            assertThat(v1.next(200)).isNull();
            assertThat(v3.next(200)).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"TCP", "WS"})
    void shouldDeliverMemberPushesAsOp20OfTheMemberStream(Mode mode) throws Exception {
        String key = newKey();
        long mid = 200_000 + KEYS.get();
        try (TestClient c = v3(mode, mid, key, "")) {
            assertThat(kit.pushMember(key, mid, 1).getDelivered()).isEqualTo(1);
            assertThat(kit.pushMember(key, mid, 2).getDelivered()).isEqualTo(1);
            String stream = StreamPosition.memberStream(mid);
            assertThat(received(c, 2)).containsExactlyElementsOf(expected(stream, 1, 2));
        }
    }

    @Test
    void shouldSendOnlyTheUnsentTailOfAnOverlappingBatch() throws Exception {
        String room = "live://trim-" + newKey();
        try (TestClient c = v3(Mode.TCP, 0, newKey(), room)) {
            long epoch = kit.publish(room, 1, 3);
            kit.append(room, 4, 5, 0);
            kit.pushRoom(room, epoch, 2, messages(2, 5, 0)); // 2..3 were sent already
            kit.pushRoom(room, epoch, 4, messages(4, 5, 0)); // a duplicate
            assertThat(received(c, 5)).containsExactlyElementsOf(expected(room, 1, 5));
            assertThat(c.next(300)).as("nothing else").isNull();
        }
    }

    @Test
    void shouldFillAGapLeftByALostRequestFromHistory() throws Exception {
        String room = "live://gap-" + newKey();
        try (TestClient c = v3(Mode.TCP, 0, newKey(), room)) {
            kit.publish(room, 1, 3);
            kit.append(room, 4, 5, 0); // job's requests for 4..5 never reached this comet
            int calls = logic.histories().size();
            kit.publish(room, 6, 6);
            assertThat(received(c, 6)).containsExactlyElementsOf(expected(room, 1, 6));
            assertThat(logic.histories()).hasSize(calls + 1);
            assertThat(c.next(300)).as("nothing else").isNull();
        }
    }

    @Test
    void shouldSayHistoryTooShortWhenHistoryCannotFillAGapAndGoOn() throws Exception {
        String room = "short://gap-" + newKey();
        try (TestClient c = v3(Mode.TCP, 0, newKey(), room)) {
            long epoch = kit.publish(room, 1, 2);
            kit.append(room, 3, 10, 0); // lost here; the stream keeps only 6..10
            kit.publish(room, 11, 11);
            assertThat(received(c, 2)).containsExactlyElementsOf(expected(room, 1, 2));
            assertThat(streamState(c.next(3000))).containsExactly(
                    new StreamState(room, epoch, 10, false, ErrorCode.HISTORY_TOO_SHORT.code()));
            assertThat(received(c, 1)).containsExactly(room + "@11=m11");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"TCP", "WS"})
    void shouldAnnounceAnEpochChangeThenDeliverTheNewEpoch(Mode mode) throws Exception {
        String room = "live://epoch-" + newKey();
        try (TestClient c = v3(mode, 0, newKey(), room)) {
            long epoch = kit.publish(room, 1, 2);
            kit.pushRoom(room, epoch + 7, 1, messages(1, 1, 0)); // the store lost the stream: a new epoch
            assertThat(received(c, 2)).containsExactlyElementsOf(expected(room, 1, 2));
            assertThat(streamState(c.next(3000))).containsExactly(
                    new StreamState(room, epoch + 7, 0, false, ErrorCode.EPOCH_CHANGED.code()));
            assertThat(StreamKit.pub(c.next(3000))).extracting(StreamKit.Pub::epoch, StreamKit.Pub::first)
                    .containsExactly(epoch + 7, 1L);
        }
    }

    @Test
    void shouldFillAStreamsFirstMessagesThatWentOutBeforeTheSessionCouldGetThemLive() throws Exception {
        String key = newKey();
        long mid = 700_000 + KEYS.get();
        String member = io.jgoim.protocol.stream.StreamPosition.memberStream(mid);
        try (TestClient c = v3(Mode.TCP, mid, key, "live://first-" + key)) {
            // The member's stream was empty at auth. Its first message was routed before this session was (no
            // device to send it to), the second reaches the session live: the first is a gap, not a start.
            kit.append(member, 1, 1, 0);
            assertThat(kit.pushMember(key, mid, 2).getDelivered()).isEqualTo(1);
            assertThat(received(c, 2)).containsExactlyElementsOf(expected(member, 1, 2));
        }
    }

    @Test
    void shouldFillANewEpochFromItsStartWhenItsFirstMessagesWereNotSent() throws Exception {
        String room = "brief://epoch-" + newKey();
        try (TestClient c = v3(Mode.TCP, 0, newKey(), room)) {
            long old = kit.publish(room, 1, 2);
            assertThat(received(c, 2)).containsExactlyElementsOf(expected(room, 1, 2));
            // The stream expires (its history is lost: a new epoch), and its new epoch's first two messages never
            // reach this comet (a comet request lost while the store restarted); the third does.
            await().atMost(5, TimeUnit.SECONDS).until(() ->
                    logic.historyStore().read(room, 0, 1, false).join().epoch() == 0);
            long fresh = kit.append(room, 1, 2, 0).epoch();
            assertThat(fresh).isNotEqualTo(old);
            kit.publish(room, 3, 3);
            assertThat(streamState(c.next(3000))).containsExactly(
                    new StreamState(room, fresh, 0, false, ErrorCode.EPOCH_CHANGED.code()));
            assertThat(received(c, 3)).containsExactlyElementsOf(expected(room, 1, 3));
        }
    }

    @Test
    void shouldCloseWithResumeWhenMoreBatchesWaitThanTheBoundWhileAGapRecovers() throws Exception {
        String room = "live://held-" + newKey();
        try (TestClient c = v3(Mode.TCP, 0, newKey(), room)) {
            long epoch = kit.publish(room, 1, 1);
            assertThat(received(c, 1)).containsExactly(room + "@1=m1");
            gate = logic.holdHistory();
            // 2 never arrives; 3 shows the gap, its recovery waits, 256 batches are held, the next one is too many.
            for (int i = 3; i <= 3 + 256; i++) {
                kit.pushRoom(room, epoch, i, messages(i, i, 0));
            }
            byte[] err = c.next(5000);
            assertThat(TestClient.op(err)).isEqualTo(Op.ERROR_REPLY);
            assertThat(TestClient.body(err)).startsWith("{\"code\":" + ErrorCode.HISTORY_UNAVAILABLE.code() + ",");
            byte[] bye = c.next(3000);
            assertThat(TestClient.op(bye)).isEqualTo(Op.DISCONNECT);
            assertThat(TestClient.intBody(bye)).isEqualTo(CloseCode.RESUME.code());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"TCP", "WS"})
    void shouldTellTheNewRoomsPositionAfterARoomChange(Mode mode) throws Exception {
        String from = "live://from-" + newKey();
        String to = "live://to-" + newKey();
        long epoch = kit.publish(to, 1, 3); // nobody there yet
        try (TestClient c = v3(mode, 0, newKey(), from)) {
            c.send(PacketLayout.VERSION_POSITIONS, Op.CHANGE_ROOM, 4, to.getBytes(StandardCharsets.UTF_8));
            byte[] reply = c.next(3000);
            assertThat(TestClient.op(reply)).isEqualTo(Op.CHANGE_ROOM_REPLY);
            assertThat(streamState(c.next(3000))).containsExactly(new StreamState(to, epoch, 3, false, 0));
            kit.publish(from, 1, 1); // not its room any more
            kit.publish(to, 4, 4);
            assertThat(received(c, 1)).containsExactly(to + "@4=m4");
            assertThat(c.next(300)).isNull();
        }
    }

    private static byte[] positions(List<StreamState> entries) {
        ByteBuf b = Unpooled.buffer();
        PositionList.write(b, entries);
        return ByteBufUtil.getBytes(b);
    }

    @Test
    void shouldRefuseAcksFromSessionsThatAreNotPositionAwareAsAnUnknownOp() throws Exception {
        byte[] ack = positions(List.of(StreamState.of("live://a", 1, 1)));
        try (TestClient v2 = goim(Mode.TCP, PacketLayout.VERSION_EXTENDED, newKey(), "live://a")) {
            v2.send(PacketLayout.VERSION_EXTENDED, Op.ACK, 6, ack);
            byte[] err = v2.next(3000);
            assertThat(TestClient.op(err)).isEqualTo(Op.ERROR_REPLY);
            assertThat(TestClient.body(err)).startsWith("{\"code\":" + ErrorCode.UNKNOWN_OP.code() + ",");
            byte[] bye = v2.next(3000);
            assertThat(TestClient.intBody(bye)).isEqualTo(CloseCode.PROTOCOL_ERROR.code());
        }
        try (TestClient v1 = goim(Mode.TCP, 1, newKey(), "live://a")) {
            v1.send(1, Op.ACK, 6, ack);
            v1.closed().get(3, TimeUnit.SECONDS);
            assertThat(v1.next(100)).as("a goim client gets the close alone").isNull();
        }
    }

    @Test
    void shouldCheckAcksOfPositionAwareSessions() throws Exception {
        String room = "live://ack-" + newKey();
        try (TestClient c = v3(Mode.TCP, 0, newKey(), room)) {
            long epoch = kit.publish(room, 1, 3);
            assertThat(received(c, 3)).hasSize(3);
            c.send(3, Op.ACK, 7, positions(List.of(StreamState.of(room, epoch, 3))));
            c.send(3, Op.HEARTBEAT, 8, new byte[0]);
            assertThat(TestClient.op(c.next(3000))).as("a good ack is not answered").isEqualTo(Op.HEARTBEAT_REPLY);

            c.send(3, Op.ACK, 9, positions(List.of(StreamState.of(room, epoch, 4))));
            byte[] err = c.next(3000);
            assertThat(TestClient.op(err)).isEqualTo(Op.ERROR_REPLY);
            assertThat(TestClient.seq(err)).isEqualTo(9);
            assertThat(TestClient.body(err)).startsWith("{\"code\":" + ErrorCode.ACK_UNKNOWN.code() + ",");
            c.send(3, Op.ACK, 10, positions(List.of(StreamState.of("live://other", epoch, 1))));
            assertThat(TestClient.body(c.next(3000))).startsWith("{\"code\":" + ErrorCode.ACK_UNKNOWN.code() + ",");
            c.send(3, Op.HEARTBEAT, 11, new byte[0]);
            assertThat(TestClient.op(c.next(3000))).as("still open").isEqualTo(Op.HEARTBEAT_REPLY);

            c.send(3, Op.ACK, 12, new byte[] {1, 0});
            byte[] bad = c.next(3000);
            assertThat(TestClient.body(bad)).startsWith("{\"code\":" + ErrorCode.BAD_POSITION.code() + ",");
            byte[] bye = c.next(3000);
            assertThat(TestClient.op(bye)).isEqualTo(Op.DISCONNECT);
            assertThat(TestClient.intBody(bye)).isEqualTo(CloseCode.PROTOCOL_ERROR.code());
        }
    }
}
