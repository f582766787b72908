package io.jgoim.comet;

import io.jgoim.comet.TestClient.Mode;
import io.jgoim.logic.history.AckStatus;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.testkit.LeakCheck;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.rpc.logic.AckReq;
import io.jgoim.protocol.rpc.logic.DeviceAck;
import io.jgoim.protocol.stream.PositionList;
import io.jgoim.protocol.stream.StreamState;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.jgoim.comet.StreamKit.authV3;
import static io.jgoim.comet.StreamKit.received;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Op-22 acks on real sockets, from the session to logic's history store: a member-stream ack is coalesced per
 * session and reaches logic in one Ack call per flush (a flood of thousands of frames makes no call by itself and
 * one call at the flush, carrying the latest offset), room acks are taken and not forwarded, an ack of a position
 * the session was not sent is answered ACK_UNKNOWN with the session left open, and a ver-3 Connect records the
 * device so the ack status lists it before it acked. The flush timer is set to an hour so the test flushes by hand.
 */
@ExtendWith(LeakCheck.class)
@Timeout(90)
class AckFlushIT {
    private static LogicTwin logic;
    private static CometServer comet;
    private static StreamKit kit;

    @BeforeAll
    static void start() {
        logic = LogicTwin.create(StreamKit.HISTORY).heartbeatSeconds(0);
        comet = new CometServer(TestConfigs.ephemeral(Map.of("JGOIM_HISTORY_ACK_FLUSH_INTERVAL", "1h")), logic,
                null, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        comet.start();
        kit = new StreamKit(logic, comet);
    }

    @AfterAll
    static void stop() {
        comet.close();
        logic.close();
    }

    @BeforeEach
    void noAckWaiting() {
        comet.acks().flush();
        logic.acks().clear();
    }

    private static byte[] positions(List<StreamState> states) {
        ByteBuf b = Unpooled.buffer();
        PositionList.write(b, states);
        return ByteBufUtil.getBytes(b);
    }

    /** Every frame sent before it was read by the session (one connection, frames read in order). */
    private static void roundTrip(TestClient c, int seq) throws InterruptedException {
        c.send(3, Op.HEARTBEAT, seq, new byte[0]);
        assertThat(TestClient.op(c.next(5000))).isEqualTo(Op.HEARTBEAT_REPLY);
    }

    @Test
    void shouldTurnAnAckFloodIntoOneAckCallPerFlush() throws Exception {
        long epoch = logic.historyStore().append("mid:41", List.of(StreamKit.message(0)), null,
                StreamKit.HISTORY.members()).join().epoch();
        try (TestClient c = TestClient.connect(Mode.TCP, comet)) {
            authV3(c, 41, "flood-41", "live://flood", null);
            for (int i = 2; i <= 21; i++) { // one at a time: a burst may outrun the session's push ring
                kit.pushMember("flood-41", 41, i);
                assertThat(received(c, 1)).containsExactly("mid:41@" + i + "=m" + i);
            }
            for (int i = 0; i < 5_000; i++) {
                long offset = 2 + (i + 7) % 20; // up and down: cumulative acks, the latest is not the highest
                c.send(3, Op.ACK, 100 + i, positions(List.of(StreamState.of("mid:41", epoch, offset))));
            }
            roundTrip(c, 9);
            assertThat(logic.acks()).as("no Ack call per ack frame").isEmpty();
            assertThat(comet.acks().pending()).isEqualTo(1);

            assertThat(comet.acks().flush()).isEqualTo(1);
            assertThat(comet.acks().flush()).as("nothing new: no call").isZero();
            await().atMost(Duration.ofSeconds(5)).until(() -> logic.acks().size() == 1);
            AckReq req = logic.acks().get(0);
            assertThat(req.getServer()).isEqualTo(comet.config().node().id());
            assertThat(req.getAcksList()).containsExactly(DeviceAck.newBuilder().setMid(41).setKey("flood-41")
                    .setStream("mid:41").setEpoch(epoch).setOffset(21).build());
            AckStatus status = logic.streamHistory().acks(41, epoch, 21).join();
            assertThat(status.devices()).containsExactly(new AckStatus.DeviceAck("flood-41", true));
        }
    }

    @Test
    void shouldRecordTheDeviceAtConnectAndForwardOnlyMemberAcks() throws Exception {
        long epoch = logic.historyStore().append("mid:42", List.of(StreamKit.message(0)), null,
                StreamKit.HISTORY.members()).join().epoch();
        try (TestClient c = TestClient.connect(Mode.WS, comet)) {
            List<StreamState> reply = authV3(c, 42, "device-42", "live://acks-42", null);
            assertThat(logic.connects().get(logic.connects().size() - 1).getPositions()).isTrue();
            assertThat(logic.streamHistory().acks(42, epoch, 1).join().devices())
                    .containsExactly(new AckStatus.DeviceAck("device-42", false));
            long roomEpoch = kit.publish("live://acks-42", 1, 2);
            kit.pushMember("device-42", 42, 1);
            assertThat(received(c, 3)).hasSize(3);
            assertThat(reply).extracting(StreamState::stream).contains("mid:42", "live://acks-42");

            // one frame: a room ack, a member ack and a stream never sent
            c.send(3, Op.ACK, 5, positions(List.of(StreamState.of("live://acks-42", roomEpoch, 2),
                    StreamState.of("mid:42", epoch, 2), StreamState.of("live://other", roomEpoch, 1))));
            byte[] err = c.next(3000);
            assertThat(TestClient.op(err)).isEqualTo(Op.ERROR_REPLY);
            assertThat(TestClient.body(err)).startsWith("{\"code\":" + ErrorCode.ACK_UNKNOWN.code() + ",");
            roundTrip(c, 6); // still open
            c.send(3, Op.ACK, 7, positions(List.of(StreamState.of("mid:42", epoch, 3)))); // offset never sent
            assertThat(TestClient.body(c.next(3000))).startsWith("{\"code\":" + ErrorCode.ACK_UNKNOWN.code() + ",");
            roundTrip(c, 8);

            assertThat(comet.acks().flush()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(5)).until(() -> logic.acks().size() == 1);
            assertThat(logic.acks().get(0).getAcksList()).extracting(DeviceAck::getStream, DeviceAck::getOffset)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("mid:42", 2L));
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    logic.streamHistory().acks(42, epoch, 2).join().devices().get(0).acked());
        }
    }

    @Test
    void shouldNotRecordGoimSessionsAsDevices() throws Exception {
        long epoch = logic.historyStore().append("mid:43", List.of(StreamKit.message(0)), null,
                StreamKit.HISTORY.members()).join().epoch();
        try (TestClient c = TestClient.connect(Mode.TCP, comet)) {
            c.auth(2, StreamKit.token(43, "goim-43", "live://goim-43"));
            assertThat(TestClient.op(c.next(3000))).isEqualTo(Op.AUTH_REPLY);
            assertThat(logic.streamHistory().acks(43, epoch, 1).join().devices()).isEmpty();
        }
    }
}
