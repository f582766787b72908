package io.jgoim.job.it;

import com.google.protobuf.ByteString;
import io.jgoim.comet.CometServer;
import io.jgoim.job.JobConfig;
import io.jgoim.job.JobServer;
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
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What job's room calls ask the comet to wait for (issue 17): ACCEPTED by default (answered once every event loop
 * took the batch into a pass), WRITTEN with {@code comet.roomAck: written}. A real comet (CometServer in-process) with
 * real TCP sessions behind job's in-process bus and direct calls; the comet's push service is reached through a
 * pass-through that notes each room call's ack. Either way every session gets every message once, in order, and
 * job's delivered count is the members the comet reported.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RoomAckIT {
    private static final int CLIENTS = 20;
    private static final int MESSAGES = 200;

    @RegisterExtension
    final RealCometFixture fixture = new RealCometFixture();
    private final PrometheusMeterRegistry meters = fixture.meters;

    @Test
    void shouldAskForTheAnswerOnAcceptanceByDefault() {
        List<BroadcastRoomReq.Ack> acks = fanOut(TestConfigs.config());

        assertThat(acks).isNotEmpty().containsOnly(BroadcastRoomReq.Ack.ACCEPTED);
    }

    @Test
    void shouldAskForTheAnswerOnceWrittenWhenConfigured() {
        List<BroadcastRoomReq.Ack> acks = fanOut(TestConfigs.config("JGOIM_COMET_ROOM_ACK", "written"));

        assertThat(acks).isNotEmpty().containsOnly(BroadcastRoomReq.Ack.WRITTEN);
    }

    /** Publishes {@code MESSAGES} room pushes to {@code CLIENTS} sessions; returns the acks job's room calls asked. */
    private List<BroadcastRoomReq.Ack> fanOut(JobConfig cfg) {
        CometServer comet = fixture.comet("c", false);
        List<PushRecorder> room = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            room.add(fixture.client(comet, 100 + i, "s" + i, "live://ack"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> comet.index().room("live://ack") != null
                && comet.index().room("live://ack").online() == CLIENTS);
        AckNotes notes = new AckNotes(comet.pushService());
        DirectCometDirectory dir = new DirectCometDirectory(cfg.comet(), cfg.retry()).add("c", () -> notes);
        JobServer job = fixture.job(cfg, dir);

        for (int i = 0; i < MESSAGES; i++) {
            job.pushBus().publish("live://ack", PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setOperation(1000)
                    .setRoom("live://ack").setMsg(ByteString.copyFromUtf8("m" + i)).build()).join();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> job.metrics().inFlight().get() == 0
                && room.stream().allMatch(c -> c.bodies(1000).size() >= MESSAGES));
        List<String> expected = IntStream.range(0, MESSAGES).mapToObj(i -> "m" + i).toList();
        for (PushRecorder c : room) {
            assertThat(c.bodies(1000)).isEqualTo(expected);
        }
        // Both count sessions per call (a batch once). ACCEPTED: the members each batch was handed to; WRITTEN:
        // those it was written to. Here nobody is slow, so job's count and what the comet wrote agree either way.
        double perCall = (double) CLIENTS * notes.acks.size();
        assertThat(meters.get("jgoim.job.comet.sessions").tags("comet", "c", "result", "delivered").counter()
                .count()).isEqualTo(perCall);
        assertThat(meters.get("jgoim.job.comet.sessions").tags("comet", "c", "result", "dropped").counter()
                .count()).isZero();
        assertThat(meters.get("jgoim_comet_pushes_delivered").tags("kind", "room").counter().count())
                .as("what the comet wrote").isEqualTo(perCall);
        return notes.acks;
    }

    /** The comet's real push service, passed through; notes the ack of every room call job makes. */
    private static final class AckNotes implements CometService {
        final List<BroadcastRoomReq.Ack> acks = new CopyOnWriteArrayList<>();
        private final CometService comet;

        AckNotes(CometService comet) {
            this.comet = comet;
        }

        @Override
        public CompletableFuture<BroadcastRoomReply> broadcastRoom(BroadcastRoomReq r) {
            acks.add(r.getAck());
            return comet.broadcastRoom(r);
        }

        @Override
        public CompletableFuture<PushMsgReply> pushMsg(PushMsgReq r) {
            return comet.pushMsg(r);
        }

        @Override
        public CompletableFuture<BroadcastReply> broadcast(BroadcastReq r) {
            return comet.broadcast(r);
        }

        @Override
        public CompletableFuture<RoomsReply> rooms(RoomsReq r) {
            return comet.rooms(r);
        }
    }
}
