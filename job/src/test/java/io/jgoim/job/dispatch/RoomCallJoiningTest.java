package io.jgoim.job.dispatch;

import com.google.protobuf.ByteString;
import io.jgoim.common.history.MemoryHistoryStore;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.job.JobConfig;
import io.jgoim.job.JobMetrics;
import io.jgoim.job.RecordingCometService;
import io.jgoim.job.RecordingCometService.Call;
import io.jgoim.job.TestConfigs;
import io.jgoim.job.comet.DirectCometDirectory;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.rpc.CometService;
import io.jgoim.protocol.rpc.comet.BroadcastReply;
import io.jgoim.protocol.rpc.comet.BroadcastReq;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReply;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.PushMsgReply;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.protocol.rpc.comet.RoomsReply;
import io.jgoim.protocol.rpc.comet.RoomsReq;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Without a batch window (the default), a lane forwards a room's messages at once, and its link to a comet joins the
 * room's batches that queue while the previous call is in flight into the next call: how many share a call follows the
 * comet's answer time, never a clock. Order, positions and at-least-once completion stay those of one call per batch.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoomCallJoiningTest {
    private final RecordingCometService recorded = new RecordingCometService("c1");
    private final HeldComet comet = new HeldComet(recorded);
    private final List<String> done = new CopyOnWriteArrayList<>();
    private PushDispatcher dispatcher;

    @AfterEach
    void stop() {
        comet.release();
        if (dispatcher != null) {
            dispatcher.close();
        }
    }

    private void start(JobConfig cfg, MemoryHistoryStore store) {
        DirectCometDirectory dir = new DirectCometDirectory(cfg.comet(), cfg.retry()).add("c1", comet);
        dispatcher = new PushDispatcher(cfg, dir, new InMemorySessionDirectory(Duration.ofMinutes(1)),
                new JobMetrics(new SimpleMeterRegistry()), store);
        dispatcher.start();
    }

    private PushTask room(String room, String body) {
        PushMsg m = PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setOperation(1000).setRoom(room)
                .setMsg(ByteString.copyFromUtf8(body)).build();
        return PushTask.of(room, m, (t, ok) -> done.add(body + ":" + ok));
    }

    /** Each room call: [position offset or 0] + its frame bodies. */
    private List<String> calls(String room) {
        List<String> out = new ArrayList<>();
        for (Call c : recorded.calls()) {
            if (room.equals(c.room())) {
                out.add((c.position() == null ? 0 : c.position().getOffset()) + " "
                        + c.frames().stream().map(RecordingCometService.Frame::body).toList());
            }
        }
        return out;
    }

    /** Publishes m0 (its call is held by the comet), then m1..m5 while it is in flight, then lets the comet answer. */
    private void publishBehindAHeldCall(String room) {
        comet.hold();
        dispatcher.dispatch(room(room, "m0"));
        await().atMost(Duration.ofSeconds(10)).until(() -> recorded.calls().size() == 1);
        for (int i = 1; i <= 5; i++) {
            dispatcher.dispatch(room(room, "m" + i));
            // The lane sent it as its own batch, which queues on the link behind the held call.
            assertThat(dispatcher.flush(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(recorded.calls()).hasSize(1);
        comet.release();
        await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 6);
    }

    @Test
    void shouldSendAnIdleRoomsMessageAloneAndJoinWhatQueuedBehindAnInFlightCall() {
        start(TestConfigs.config("JGOIM_DISPATCH_LANES", "1", "JGOIM_COMET_FILTER_ROOMS", "false"), null);
        publishBehindAHeldCall("live://r");

        assertThat(calls("live://r")).containsExactly("0 [m0]", "0 [m1, m2, m3, m4, m5]");
        assertThat(done).containsExactlyInAnyOrder("m0:true", "m1:true", "m2:true", "m3:true", "m4:true", "m5:true");
    }

    @Test
    void shouldJoinPositionedBatchesIntoOneCallKeepingTheFirstPosition() {
        start(TestConfigs.config("JGOIM_DISPATCH_LANES", "1", "JGOIM_COMET_FILTER_ROOMS", "false"),
                new MemoryHistoryStore());
        publishBehindAHeldCall("live://p");

        assertThat(calls("live://p")).containsExactly("1 [m0]", "2 [m1, m2, m3, m4, m5]");
        assertThat(recorded.roomOffsets("live://p").values()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }

    @Test
    void shouldKeepEachBatchItsOwnCallWhenAWindowIsConfigured() {
        start(TestConfigs.config("JGOIM_DISPATCH_LANES", "1", "JGOIM_COMET_FILTER_ROOMS", "false",
                "JGOIM_BATCH_WINDOW", "1ms", "JGOIM_BATCH_SIZE", "1"), null);
        publishBehindAHeldCall("live://w");

        assertThat(calls("live://w")).containsExactly("0 [m0]", "0 [m1]", "0 [m2]", "0 [m3]", "0 [m4]", "0 [m5]");
    }

    /** The recording comet, whose room calls wait while it is held (as a comet busy writing a pass does). */
    private static final class HeldComet implements CometService {
        private final RecordingCometService delegate;
        private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

        HeldComet(RecordingCometService delegate) {
            this.delegate = delegate;
        }

        void hold() {
            gate = new CompletableFuture<>();
        }

        void release() {
            gate.complete(null);
        }

        @Override
        public CompletableFuture<BroadcastRoomReply> broadcastRoom(BroadcastRoomReq r) {
            CompletableFuture<Void> g = gate;
            CompletableFuture<BroadcastRoomReply> reply = delegate.broadcastRoom(r);
            return g.thenCompose(x -> reply);
        }

        @Override
        public CompletableFuture<PushMsgReply> pushMsg(PushMsgReq r) {
            return delegate.pushMsg(r);
        }

        @Override
        public CompletableFuture<BroadcastReply> broadcast(BroadcastReq r) {
            return delegate.broadcast(r);
        }

        @Override
        public CompletableFuture<RoomsReply> rooms(RoomsReq r) {
            return delegate.rooms(r);
        }
    }
}
