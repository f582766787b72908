package io.jgoim.comet;

import io.jgoim.comet.TestClient.Mode;
import io.jgoim.common.history.Audience;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.protocol.rpc.comet.StreamPosition;
import io.jgoim.protocol.stream.StreamState;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.jgoim.comet.StreamKit.authV3;
import static io.jgoim.comet.StreamKit.expected;
import static io.jgoim.comet.StreamKit.message;
import static io.jgoim.comet.StreamKit.raw;
import static io.jgoim.comet.StreamKit.received;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Messages a position-aware session skips but whose offsets it still passes (StreamFilter), on real sockets: a key
 * push in the member's stream reaches only its target device while the member's other devices advance silently (no
 * write, no stream state, no history read), live, in a gap fill and on resume; a member push whose op a session does
 * not watch is skipped the same way.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class StreamSkipIT {
    private static final AtomicLong MIDS = new AtomicLong(700_000);
    private static LogicTwin logic;
    private static CometServer comet;
    private static StreamKit kit;

    @BeforeAll
    static void start() throws Exception {
        logic = LogicTwin.create(StreamKit.HISTORY).heartbeatSeconds(0);
        comet = new CometServer(TestConfigs.ephemeral(Map.of()), logic, null,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        comet.start();
        kit = new StreamKit(logic, comet);
    }

    @AfterAll
    static void stop() {
        comet.close();
        logic.close();
    }

    private static TestClient v3(long mid, String key, List<StreamState> positions) throws Exception {
        TestClient c = TestClient.connect(Mode.TCP, comet);
        authV3(c, mid, key, "", positions);
        return c;
    }

    @Test
    void shouldWriteAKeyPushOnlyToItsTargetAndAdvanceTheOtherDevicesSilently() throws Exception {
        long mid = MIDS.incrementAndGet();
        String stream = io.jgoim.protocol.stream.StreamPosition.memberStream(mid);
        try (TestClient a = v3(mid, "a" + mid, null); TestClient b = v3(mid, "b" + mid, null);
             TestClient v2 = TestClient.connect(Mode.TCP, comet)) {
            v2.auth(PacketLayout.VERSION_EXTENDED, StreamKit.token(mid, "c" + mid, ""));
            assertThat(TestClient.op(v2.next(3000))).isEqualTo(Op.AUTH_REPLY);
            int reads = logic.histories().size();

            assertThat(kit.pushKeys(mid, List.of("a" + mid), List.of("b" + mid, "c" + mid), 1).getDelivered())
                    .isEqualTo(1);
            assertThat(kit.pushMember(List.of("a" + mid, "b" + mid), mid, 2).getDelivered()).isEqualTo(2);
            assertThat(received(a, 2)).containsExactlyElementsOf(expected(stream, 1, 2));
            // b gets 2 as the next message of its stream: no stream state, no gap fill
            assertThat(received(b, 1)).containsExactly(stream + "@2=m2");
            assertThat(b.next(300)).as("nothing else for b").isNull();
            assertThat(v2.next(300)).as("a ver-2 device of the member gets nothing").isNull();
            assertThat(logic.histories()).as("no history read").hasSize(reads);
            assertThat(comet.index().session("b" + mid).streams().cursor().next(stream)).isEqualTo(3);
        }
    }

    @Test
    void shouldSkipEntriesForOtherKeysInAGapFillAndStillPassThem() throws Exception {
        long mid = MIDS.incrementAndGet();
        String stream = io.jgoim.protocol.stream.StreamPosition.memberStream(mid);
        try (TestClient b = v3(mid, "b" + mid, null)) {
            assertThat(kit.pushMember("b" + mid, mid, 1).getDelivered()).isEqualTo(1);
            assertThat(received(b, 1)).containsExactly(stream + "@1=m1");
            // 2 (for device a) and 3 (for every device) never reached this comet
            logic.historyStore().append(stream, List.of(message(2)), null, StreamKit.HISTORY.retention(stream),
                    false, Audience.encode(List.of("a" + mid))).join();
            kit.append(stream, 3, 3, 0);
            int reads = logic.histories().size();
            kit.pushMember("b" + mid, mid, 4);
            assertThat(received(b, 2)).containsExactly(stream + "@3=m3", stream + "@4=m4");
            assertThat(b.next(300)).as("no stream state, nothing else").isNull();
            assertThat(logic.histories()).as("one gap fill").hasSize(reads + 1);
        }
    }

    @Test
    void shouldResumeEachDeviceWithOnlyItsOwnKeyPushesAndNoGap() throws Exception {
        long mid = MIDS.incrementAndGet();
        String stream = io.jgoim.protocol.stream.StreamPosition.memberStream(mid);
        long epoch;
        try (TestClient a = v3(mid, "a" + mid, null); TestClient b = v3(mid, "b" + mid, null)) {
            kit.pushMember(List.of("a" + mid, "b" + mid), mid, 1);
            assertThat(received(a, 1)).containsExactly(stream + "@1=m1");
            assertThat(received(b, 1)).containsExactly(stream + "@1=m1");
            epoch = logic.historyStore().read(stream, 0, 1, false).join().epoch();
        }
        // while both are away: 2 for a, 3 for b, 4 for everyone
        logic.historyStore().append(stream, List.of(message(2)), null, StreamKit.HISTORY.retention(stream), false,
                Audience.encode(List.of("a" + mid))).join();
        logic.historyStore().append(stream, List.of(message(3)), null, StreamKit.HISTORY.retention(stream), false,
                Audience.encode(List.of("b" + mid))).join();
        kit.append(stream, 4, 4, 0);
        List<StreamState> from1 = List.of(new StreamState(stream, epoch, 1, false, 0));
        try (TestClient a = TestClient.connect(Mode.TCP, comet); TestClient b = TestClient.connect(Mode.TCP, comet)) {
            assertThat(authV3(a, mid, "a" + mid, "", from1)).containsExactly(
                    new StreamState(stream, epoch, 4, true, 0));
            assertThat(authV3(b, mid, "b" + mid, "", from1)).containsExactly(
                    new StreamState(stream, epoch, 4, true, 0));
            assertThat(received(a, 2)).containsExactly(stream + "@2=m2", stream + "@4=m4");
            assertThat(received(b, 2)).containsExactly(stream + "@3=m3", stream + "@4=m4");
            // live after the resume: no gap, no duplicate
            kit.pushKeys(mid, List.of("b" + mid), List.of("a" + mid), 5);
            kit.pushMember(List.of("a" + mid, "b" + mid), mid, 6);
            assertThat(received(a, 1)).containsExactly(stream + "@6=m6");
            assertThat(received(b, 2)).containsExactly(stream + "@5=m5", stream + "@6=m6");
            assertThat(a.next(300)).isNull();
            assertThat(b.next(300)).isNull();
        }
    }

    @Test
    void shouldSkipAMemberPushOfAnOpTheSessionDoesNotWatchWithoutAGap() throws Exception {
        long mid = MIDS.incrementAndGet();
        String stream = io.jgoim.protocol.stream.StreamPosition.memberStream(mid);
        try (TestClient c = v3(mid, "k" + mid, null)) {
            int reads = logic.histories().size();
            var a = logic.historyStore().append(stream, List.of(message(1, 0, 1005)), null,
                    StreamKit.HISTORY.retention(stream), false).join();
            assertThat(comet.pushService().pushMsg(PushMsgReq.newBuilder().addKeys("k" + mid).setProtoOp(1005)
                    .setProto(raw(message(1, 0, 1005))).setPosition(StreamPosition.newBuilder().setStream(stream)
                            .setEpoch(a.epoch()).setOffset(1)).build()).join().getDelivered()).isZero();
            kit.pushMember("k" + mid, mid, 2);
            assertThat(received(c, 1)).containsExactly(stream + "@2=m2");
            assertThat(c.next(300)).isNull();
            assertThat(logic.histories()).as("no gap fill for the unwatched op").hasSize(reads);
        }
    }
}
