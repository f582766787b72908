package io.jgoim.comet.push;

import com.google.protobuf.ByteString;
import io.jgoim.comet.TestSessions;
import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.index.SessionIndex;
import io.jgoim.comet.index.SessionLoops;
import io.jgoim.comet.push.RoomBroadcaster;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.rpc.comet.BroadcastReq;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReply;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.testkit.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Job's retries reach the comet with the request id of the first attempt: the comet delivers once and answers the
 * retry with the first outcome. Sessions on EmbeddedChannels, the comet's real index, rooms and broadcaster.
 */
@ExtendWith(LeakCheck.class)
class CometPushServiceTest {
    /** One goim frame (op 1000, body {"n":0}), as job encodes it. */
    private static final String INNER = "0000001700100001000003e8000000007b226e223a307d";

    private final TestSessions sessions = new TestSessions();
    private final EmbeddedChannel loopOwner = new EmbeddedChannel();
    private final SessionLoops loops = new SessionLoops(loopOwner.eventLoop());
    private final SessionIndex index = new SessionIndex(4, 16, loops);
    private final AtomicInteger repeats = new AtomicInteger();
    private final CometPushService service = new CometPushService(index,
            new RoomBroadcaster(loops, sessions.metrics), ByteBufAllocator.DEFAULT, repeats::incrementAndGet);
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void closeChannels() {
        for (EmbeddedChannel ch : channels) {
            Object o;
            while ((o = ch.readOutbound()) != null) {
                io.netty.util.ReferenceCountUtil.release(o);
            }
            ch.finishAndReleaseAll();
        }
        loopOwner.finishAndReleaseAll();
    }

    private EmbeddedChannel member(String key, String room) {
        EmbeddedChannel ch = new EmbeddedChannel();
        channels.add(ch);
        Session s = sessions.session(ch, SessionTransport.TCP, key, 0);
        index.register(s, room == null ? "" : room);
        return ch;
    }

    private static Proto proto() {
        return Proto.newBuilder().setVer(1).setOp(9).setBody(ByteString.copyFrom(ByteBufUtil.decodeHexDump(INNER)))
                .build();
    }

    private static BroadcastRoomReq room(long requestId) {
        return BroadcastRoomReq.newBuilder().setRoomId("live://r").setProto(proto()).setRequestId(requestId).build();
    }

    /** Frames written to {@code ch} so far (released); one write may carry several (the loop's coalescing). */
    private static int written(EmbeddedChannel ch) {
        int n = 0;
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            String hex = ByteBufUtil.hexDump(b);
            assertThat(hex.length() % INNER.length()).isZero();
            for (int at = 0; at < hex.length(); at += INNER.length()) {
                assertThat(hex.substring(at, at + INNER.length())).isEqualTo(INNER);
                n++;
            }
            b.release();
        }
        return n;
    }

    @Test
    void shouldDeliverARetriedRoomBroadcastOnceAndAnswerTheRetryWithTheFirstOutcome() throws Exception {
        EmbeddedChannel a = member("a", "live://r");
        EmbeddedChannel b = member("b", "live://r");

        CompletableFuture<BroadcastRoomReply> first = service.broadcastRoom(room(42));
        // The event loop has not run yet: job's deadline passes and it retries while the first is still pending.
        CompletableFuture<BroadcastRoomReply> retry = service.broadcastRoom(room(42));
        assertThat(retry).isNotDone();
        loopOwner.runPendingTasks();

        assertThat(first.get().getDelivered()).isEqualTo(2);
        assertThat(retry.get().getDelivered()).isEqualTo(2);
        // A retry after the first completed is answered at once, still without a delivery.
        assertThat(service.broadcastRoom(room(42)).get().getDelivered()).isEqualTo(2);
        loopOwner.runPendingTasks();
        assertThat(written(a)).isEqualTo(1);
        assertThat(written(b)).isEqualTo(1);
        assertThat(repeats.get()).isEqualTo(2);

        // Another request (another id) is delivered.
        service.broadcastRoom(room(43));
        loopOwner.runPendingTasks();
        assertThat(written(a)).isEqualTo(1);
        assertThat(written(b)).isEqualTo(1);
        assertThat(repeats.get()).isEqualTo(2);
    }

    @Test
    void shouldDeliverEveryRequestWithoutAnIdAsBefore() throws Exception {
        EmbeddedChannel a = member("a", "live://r");
        service.broadcastRoom(room(0));
        service.broadcastRoom(room(0));
        loopOwner.runPendingTasks();
        assertThat(written(a)).isEqualTo(2);
        assertThat(repeats.get()).isZero();
    }

    @Test
    void shouldDeliverARetriedKeyPushAndBroadcastOnce() throws Exception {
        EmbeddedChannel a = member("a", null);
        // protoOp below 1000 reaches every session (business ops only sessions that watch them)
        PushMsgReq push = PushMsgReq.newBuilder().addKeys("a").setProto(proto()).setProtoOp(5).setRequestId(7)
                .build();
        assertThat(service.pushMsg(push).get().getDelivered()).isEqualTo(1);
        assertThat(service.pushMsg(push).get().getDelivered()).isEqualTo(1);
        loopOwner.runPendingTasks();
        a.runPendingTasks();
        assertThat(written(a)).isEqualTo(1);

        BroadcastReq all = BroadcastReq.newBuilder().setProtoOp(5).setProto(proto()).setRequestId(8).build();
        service.broadcast(all);
        service.broadcast(all);
        loopOwner.runPendingTasks();
        assertThat(written(a)).isEqualTo(1);
        assertThat(repeats.get()).isEqualTo(2);
    }

    @Test
    void shouldRunARetryAgainWhenTheFirstAttemptFailed() throws Exception {
        EmbeddedChannel a = member("a", "live://r");
        BroadcastRoomReq bad = BroadcastRoomReq.newBuilder().setRoomId("live://r").setRequestId(9).build();
        assertThatThrownBy(() -> service.broadcastRoom(bad).get()).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(JgoimException.class)
                .satisfies(e -> assertThat(((JgoimException) e).code()).isEqualTo(ErrorCode.BAD_PARAMETER));
        // The failed attempt is forgotten: the same id is taken as new.
        service.broadcastRoom(room(9));
        loopOwner.runPendingTasks();
        assertThat(written(a)).isEqualTo(1);
        assertThat(repeats.get()).isZero();
    }

    @Test
    void shouldRememberABoundedNumberOfIds() {
        AtomicInteger runs = new AtomicInteger();
        RecentRequests recent = new RecentRequests(4, () -> { });
        for (long id = 1; id <= 6; id++) {
            recent.once(id, () -> CompletableFuture.completedFuture(runs.incrementAndGet()));
        }
        assertThat(recent.size()).isEqualTo(4);
        recent.once(6, () -> CompletableFuture.completedFuture(runs.incrementAndGet()));
        assertThat(runs.get()).as("6 is remembered").isEqualTo(6);
        recent.once(1, () -> CompletableFuture.completedFuture(runs.incrementAndGet()));
        assertThat(runs.get()).as("1 was evicted by 5 and 6: runs again").isEqualTo(7);
        assertThatThrownBy(() -> new RecentRequests(3, () -> { })).isInstanceOf(IllegalArgumentException.class);
    }

    /** goim frames (op 1000) with these bodies, back to back: a room batch as job encodes it. */
    private static ByteString frames(String... bodies) {
        ByteBuf b = io.netty.buffer.Unpooled.buffer();
        for (String body : bodies) {
            byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            b.writeInt(16 + bytes.length).writeShort(16).writeShort(1).writeInt(1000).writeInt(0).writeBytes(bytes);
        }
        ByteString out = ByteString.copyFrom(ByteBufUtil.getBytes(b));
        b.release();
        return out;
    }

    private static BroadcastRoomReq positioned(long epoch, long offset, String... bodies) {
        return BroadcastRoomReq.newBuilder().setRoomId("live://r")
                .setProto(Proto.newBuilder().setVer(1).setOp(9).setBody(frames(bodies)))
                .setPosition(io.jgoim.protocol.rpc.comet.StreamPosition.newBuilder().setStream("live://r")
                        .setEpoch(epoch).setOffset(offset))
                .build();
    }

    /** The bodies of the frames written to {@code ch} so far (released). */
    private static List<String> bodies(EmbeddedChannel ch) {
        List<String> out = new ArrayList<>();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            while (b.isReadable()) {
                int len = b.readInt();
                b.skipBytes(12);
                out.add(b.readCharSequence(len - 16, java.nio.charset.StandardCharsets.UTF_8).toString());
            }
            b.release();
        }
        return out;
    }

    /** A service whose repeats of {@code kind} add to {@code dropped} (others add 1,000 each: the test sees them). */
    private CometPushService countingRepeats(io.jgoim.comet.metrics.PushLatency.Kind kind,
                                             java.util.concurrent.atomic.AtomicLong dropped) {
        return new CometPushService(index, new RoomBroadcaster(loops, sessions.metrics), ByteBufAllocator.DEFAULT,
                () -> { }, null, io.jgoim.comet.metrics.PushLatency.noop(),
                io.jgoim.common.metrics.TenantLabels.none().counters(
                        new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), "t", "t"),
                (k, n) -> dropped.addAndGet(k == kind ? n : 1000L));
    }

    @Test
    void shouldNotWriteAgainWhatARoomAlreadyHadFromThisComet() throws Exception {
        java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();
        CometPushService positions = countingRepeats(io.jgoim.comet.metrics.PushLatency.Kind.ROOM, dropped);
        EmbeddedChannel a = member("a", "live://r");

        CompletableFuture<BroadcastRoomReply> first = positions.broadcastRoom(positioned(7, 1, "m1", "m2", "m3"));
        loopOwner.runPendingTasks();
        assertThat(first.get().getDelivered()).isEqualTo(1);
        assertThat(bodies(a)).containsExactly("m1", "m2", "m3");
        // job consumed 1..2 again (a restart before its commit): a goim session cannot tell, so they are not written
        assertThat(positions.broadcastRoom(positioned(7, 1, "m1", "m2")).get().getDelivered()).isZero();
        loopOwner.runPendingTasks();
        assertThat(bodies(a)).isEmpty();
        assertThat(dropped.get()).isEqualTo(2);
        // a run that starts with repeats and goes on with new messages: only the new ones, at their positions
        positions.broadcastRoom(positioned(7, 2, "m2", "m3", "m4", "m5"));
        loopOwner.runPendingTasks();
        assertThat(bodies(a)).containsExactly("m4", "m5");
        assertThat(dropped.get()).isEqualTo(4);
        // a gap is no repeat
        positions.broadcastRoom(positioned(7, 8, "m8"));
        loopOwner.runPendingTasks();
        assertThat(bodies(a)).containsExactly("m8");
        // a new epoch (the room's history was lost) starts over at 1
        positions.broadcastRoom(positioned(9, 1, "n1"));
        loopOwner.runPendingTasks();
        assertThat(bodies(a)).containsExactly("n1");
        // plain (unpositioned) batches are never judged
        positions.broadcastRoom(room(0));
        loopOwner.runPendingTasks();
        assertThat(written(a)).isEqualTo(1);
        assertThat(dropped.get()).isEqualTo(4);
    }

    @Test
    void shouldWriteARoomsLateFirstCopyAndDropOnlyWhatTheRoomHad() throws Exception {
        // the room's comment events and pushes consumed by two jobs: 4..5 arrive after 6..7, first copies all
        java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();
        CometPushService positions = countingRepeats(io.jgoim.comet.metrics.PushLatency.Kind.ROOM, dropped);
        EmbeddedChannel a = member("a", "live://r");
        positions.broadcastRoom(positioned(2, 1, "m1", "m2", "m3"));
        positions.broadcastRoom(positioned(2, 6, "m6", "m7"));
        positions.broadcastRoom(positioned(2, 4, "m4", "m5"));
        loopOwner.runPendingTasks();
        assertThat(bodies(a)).containsExactly("m1", "m2", "m3", "m6", "m7", "m4", "m5");
        assertThat(dropped.get()).isZero();
        // what the room had is still dropped, late or not
        positions.broadcastRoom(positioned(2, 4, "m4", "m5", "m6", "m7", "m8"));
        loopOwner.runPendingTasks();
        assertThat(bodies(a)).containsExactly("m8");
        assertThat(dropped.get()).isEqualTo(4);
    }

    @Test
    void shouldNotWriteAgainABroadcastEverySessionAlreadyHadFromThisComet() throws Exception {
        java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();
        CometPushService positions = countingRepeats(io.jgoim.comet.metrics.PushLatency.Kind.BROADCAST, dropped);
        EmbeddedChannel a = member("a", null);
        java.util.function.BiFunction<Long, String, BroadcastReq> broadcast = (offset, body) -> BroadcastReq
                .newBuilder().setProtoOp(5).setProto(Proto.newBuilder().setVer(1).setOp(9).setBody(frames(body)))
                .setPosition(io.jgoim.protocol.rpc.comet.StreamPosition.newBuilder().setStream("broadcast")
                        .setEpoch(3).setOffset(offset))
                .build();

        positions.broadcast(broadcast.apply(1L, "b1"));
        positions.broadcast(broadcast.apply(2L, "b2"));
        loopOwner.runPendingTasks();
        assertThat(bodies(a)).containsExactly("b1", "b2");
        // job sends b1 again (consumed again): not written; b3 is
        assertThat(positions.broadcast(broadcast.apply(1L, "b1")).get().getDelivered()).isZero();
        positions.broadcast(broadcast.apply(3L, "b3"));
        loopOwner.runPendingTasks();
        assertThat(bodies(a)).containsExactly("b3");
        assertThat(dropped.get()).isEqualTo(1);
    }

    /** A positioned push of member 1's stream to {@code keys}: one message at {@code offset}. */
    private static PushMsgReq memberPush(long epoch, long offset, String body, String... keys) {
        return PushMsgReq.newBuilder().addAllKeys(List.of(keys)).setProtoOp(5).setMember(true)
                .setProto(Proto.newBuilder().setVer(1).setOp(9).setBody(frames(body)))
                .setPosition(io.jgoim.protocol.rpc.comet.StreamPosition.newBuilder()
                        .setStream(io.jgoim.protocol.stream.StreamPosition.memberStream(1)).setEpoch(epoch)
                        .setOffset(offset))
                .build();
    }

    private int delivered(PushMsgReq push) throws Exception {
        return service.pushMsg(push).get().getDelivered();
    }

    @Test
    void shouldNotWriteAgainAMemberPushAGoimSessionWasHandedInThisSession() throws Exception {
        EmbeddedChannel a = member("a", null);
        EmbeddedChannel b = member("b", null);
        assertThat(delivered(memberPush(4, 1, "p1", "a", "b"))).isEqualTo(2);
        assertThat(delivered(memberPush(4, 2, "p2", "a", "b"))).isEqualTo(2);
        a.runPendingTasks();
        b.runPendingTasks();
        assertThat(bodies(a)).containsExactly("p1", "p2");
        assertThat(bodies(b)).containsExactly("p1", "p2");

        // job consumed p1 again (a restart before its commit): neither session gets it twice, neither counts it
        assertThat(delivered(memberPush(4, 1, "p1", "a", "b"))).isZero();
        // a push to one device of the member: the other's position stays where it was, a gap is no repeat
        assertThat(delivered(memberPush(4, 3, "p3", "a"))).isEqualTo(1);
        assertThat(delivered(memberPush(4, 3, "p3", "a"))).isZero();
        assertThat(delivered(memberPush(4, 4, "p4", "a", "b"))).isEqualTo(2);
        a.runPendingTasks();
        b.runPendingTasks();
        assertThat(bodies(a)).containsExactly("p3", "p4");
        assertThat(bodies(b)).containsExactly("p4");
        assertThat(sessions.metrics.memberRepeats()).isEqualTo(3);

        // a new epoch (the member's history was lost) starts over; a new session knows nothing of the old one's
        assertThat(delivered(memberPush(6, 1, "q1", "a"))).isEqualTo(1);
        EmbeddedChannel c = member("c", null);
        assertThat(delivered(memberPush(4, 2, "p2", "c"))).isEqualTo(1);
        a.runPendingTasks();
        c.runPendingTasks();
        assertThat(bodies(a)).containsExactly("q1");
        assertThat(bodies(c)).containsExactly("p2");
        // unpositioned pushes are never judged
        PushMsgReq plain = PushMsgReq.newBuilder().addKeys("a").setProto(proto()).setProtoOp(5).build();
        assertThat(delivered(plain)).isEqualTo(1);
        assertThat(delivered(plain)).isEqualTo(1);
        a.runPendingTasks();
        assertThat(written(a)).isEqualTo(2);
        assertThat(sessions.metrics.memberRepeats()).isEqualTo(3);
    }

    @Test
    void shouldWriteALateFirstCopyOfAMemberPushAndDropOnlyItsRepeat() throws Exception {
        // two logic nodes gave 5 and 6 to two pushes and published them the other way round: a goim session has no
        // history to fill a gap from, so the late 5 still goes; only what it was handed is a repeat
        EmbeddedChannel a = member("a", null);
        assertThat(delivered(memberPush(3, 6, "six", "a"))).isEqualTo(1);
        assertThat(delivered(memberPush(3, 5, "five", "a"))).isEqualTo(1);
        assertThat(delivered(memberPush(3, 5, "five", "a"))).isZero();
        assertThat(delivered(memberPush(3, 6, "six", "a"))).isZero();
        a.runPendingTasks();
        assertThat(bodies(a)).containsExactly("six", "five");
        assertThat(sessions.metrics.memberRepeats()).isEqualTo(2);
    }

    @Test
    void shouldRememberOnlyTheMemberPushesASessionQueued() throws Exception {
        EmbeddedChannel a = member("a", null);
        for (int offset = 1; offset <= 4; offset++) { // the test sessions' ring holds 4
            assertThat(delivered(memberPush(2, offset, "p" + offset, "a"))).isEqualTo(1);
        }
        assertThat(service.pushMsg(memberPush(2, 5, "p5", "a")).get().getDropped()).isEqualTo(1);
        a.runPendingTasks();
        assertThat(bodies(a)).containsExactly("p1", "p2", "p3", "p4");
        // job sends p5 again: dropped the first time, so this one goes
        assertThat(delivered(memberPush(2, 5, "p5", "a"))).isEqualTo(1);
        a.runPendingTasks();
        assertThat(bodies(a)).containsExactly("p5");
        assertThat(sessions.metrics.memberRepeats()).isZero();
    }
}
