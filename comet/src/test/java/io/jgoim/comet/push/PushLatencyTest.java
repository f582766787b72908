package io.jgoim.comet.push;

import com.google.protobuf.ByteString;
import io.jgoim.comet.TestSessions;
import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.index.SessionIndex;
import io.jgoim.comet.index.SessionLoops;
import io.jgoim.comet.metrics.PushLatency;
import io.jgoim.comet.metrics.PushLatency.Kind;
import io.jgoim.protocol.rpc.comet.BroadcastReq;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The comet's end-to-end latency histogram: one observation per push per comet (never per session), kinds from the
 * request, nothing observed for pushes that reached no session here or that carry no creation time (older jobs).
 * Sessions on EmbeddedChannels, the comet's real index, rooms and broadcaster.
 */
@ExtendWith(LeakCheck.class)
class PushLatencyTest {
    /** One goim frame (op 1000, body {"n":0}). */
    private static final String INNER = "0000001700100001000003e8000000007b226e223a307d";

    private final TestSessions sessions = new TestSessions();
    private final EmbeddedChannel loopOwner = new EmbeddedChannel();
    private final SessionLoops loops = new SessionLoops(loopOwner.eventLoop());
    private final SessionIndex index = new SessionIndex(4, 16, loops);
    private final PushLatency latency = new PushLatency(new SimpleMeterRegistry());
    private final CometPushService service = new CometPushService(index,
            new RoomBroadcaster(loops, sessions.metrics), ByteBufAllocator.DEFAULT, () -> { }, null, latency);
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void closeChannels() {
        for (EmbeddedChannel ch : channels) {
            Object o;
            while ((o = ch.readOutbound()) != null) {
                ReferenceCountUtil.release(o);
            }
            ch.finishAndReleaseAll();
        }
        loopOwner.finishAndReleaseAll();
    }

    private void member(String key, String room) {
        EmbeddedChannel ch = new EmbeddedChannel();
        channels.add(ch);
        Session s = sessions.session(ch, SessionTransport.TCP, key, 0);
        index.register(s, room == null ? "" : room);
    }

    private static Proto proto() {
        return Proto.newBuilder().setVer(1).setOp(9).setBody(ByteString.copyFrom(ByteBufUtil.decodeHexDump(INNER)))
                .build();
    }

    private long count(Kind kind) {
        return latency.timer(kind).count();
    }

    @Test
    void shouldObserveEachMessageOfARoomBatchOnceWhateverTheMemberCount() throws Exception {
        for (int i = 0; i < 5; i++) {
            member("k" + i, "live://r");
        }
        long now = System.currentTimeMillis();
        BroadcastRoomReq batch = BroadcastRoomReq.newBuilder().setRoomId("live://r").setProto(proto())
                .setRequestId(1).addCreatedAtMs(now - 400).addCreatedAtMs(now - 300).addCreatedAtMs(now - 200)
                .build();
        var reply = service.broadcastRoom(batch);
        assertThat(count(Kind.ROOM)).as("not before the event loops wrote it").isZero();
        assertThat(latency.fanOutTimer(Kind.ROOM).count()).isZero();
        loopOwner.runPendingTasks();

        assertThat(reply.get().getDelivered()).isEqualTo(5);
        assertThat(count(Kind.ROOM)).isEqualTo(3);
        assertThat(latency.fanOutTimer(Kind.ROOM).count()).as("the comet's share: once per request").isEqualTo(1);
        assertThat(latency.timer(Kind.ROOM).max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(400);
        // job's retry of the same request is answered from the first outcome: no second observation
        service.broadcastRoom(batch);
        loopOwner.runPendingTasks();
        assertThat(count(Kind.ROOM)).isEqualTo(3);
        assertThat(count(Kind.KEY) + count(Kind.MID) + count(Kind.BROADCAST)).isZero();
    }

    @Test
    void shouldLabelKeyAndMemberPushesApartAndObserveOncePerRequest() throws Exception {
        member("a", null);
        member("b", null);
        long now = System.currentTimeMillis();
        PushMsgReq keys = PushMsgReq.newBuilder().addKeys("a").addKeys("b").setProto(proto()).setProtoOp(5)
                .setRequestId(1).setCreatedAtMs(now - 10).build();
        assertThat(service.pushMsg(keys).get().getDelivered()).isEqualTo(2);
        PushMsgReq mids = keys.toBuilder().setRequestId(2).setMember(true).build();
        assertThat(service.pushMsg(mids).get().getDelivered()).isEqualTo(2);
        loopOwner.runPendingTasks();

        assertThat(count(Kind.KEY)).isEqualTo(1);
        assertThat(count(Kind.MID)).isEqualTo(1);
    }

    @Test
    void shouldObserveAnUnpacedBroadcastOnce() throws Exception {
        member("a", null);
        member("b", "live://x");
        BroadcastReq all = BroadcastReq.newBuilder().setProtoOp(5).setProto(proto()).setRequestId(1)
                .setCreatedAtMs(System.currentTimeMillis() - 5).build();
        var reply = service.broadcast(all);
        loopOwner.runPendingTasks();

        assertThat(reply.get().getDelivered()).isEqualTo(2);
        assertThat(count(Kind.BROADCAST)).isEqualTo(1);
        assertThat(latency.fanOutTimer(Kind.BROADCAST).count()).isEqualTo(1);
        assertThat(latency.fanOutTimer(Kind.KEY)).as("key pushes have no fan-out timer").isNull();
    }

    @Test
    void shouldRecordWithoutAllocatingOnceWarm() {
        // The record sits on the fan-out path (once per push per comet): a Prometheus timer's histogram is atomic
        // counters, so a warm record allocates nothing. A per-record allocation (24+ bytes) would show as megabytes.
        PushLatency prometheus = new PushLatency(new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT));
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long now = System.currentTimeMillis();
        Kind[] kinds = Kind.values();
        for (int i = 0; i < 200_000; i++) {
            prometheus.written(kinds[i & 3], now - (i & 1023), now);
        }
        long tid = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) {
            prometheus.written(kinds[i & 3], now - (i & 1023), now);
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertThat(allocated).as("bytes allocated by 100,000 records").isLessThan(64 * 1024);
        assertThat(prometheus.timer(Kind.ROOM).count()).isEqualTo(50_000 + 25_000);
    }

    @Test
    void shouldObserveNothingWithoutACreationTimeOrARecipientOrFromAClockAhead() throws Exception {
        member("a", "live://r");
        long now = System.currentTimeMillis();
        // an older job sends no creation time
        service.pushMsg(PushMsgReq.newBuilder().addKeys("a").setProto(proto()).setProtoOp(5).setRequestId(1)
                .build()).get();
        // no session here holds the key
        service.pushMsg(PushMsgReq.newBuilder().addKeys("nobody").setProto(proto()).setProtoOp(5).setRequestId(2)
                .setCreatedAtMs(now).build()).get();
        // an empty room on this comet
        service.broadcastRoom(BroadcastRoomReq.newBuilder().setRoomId("live://empty").setProto(proto())
                .setRequestId(3).addCreatedAtMs(now).build()).get();
        // logic's clock is ahead of this comet's: a negative time is not a latency
        service.pushMsg(PushMsgReq.newBuilder().addKeys("a").setProto(proto()).setProtoOp(5).setRequestId(4)
                .setCreatedAtMs(now + 60_000).build()).get();
        loopOwner.runPendingTasks();

        for (Kind k : Kind.values()) {
            assertThat(count(k)).as(k.name()).isZero();
        }
        assertThat(latency.fanOutTimer(Kind.ROOM).count()).as("an empty room here is no fan-out").isZero();
    }
}
