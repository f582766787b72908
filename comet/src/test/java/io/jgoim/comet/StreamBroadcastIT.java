package io.jgoim.comet;

import io.jgoim.comet.TestClient.Mode;
import io.jgoim.common.history.HistoryConfig;
import io.jgoim.common.history.HistoryStore;
import io.jgoim.common.history.Retention;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.rpc.comet.BroadcastReq;
import io.jgoim.protocol.stream.StreamPosition;
import io.jgoim.protocol.stream.StreamState;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.jgoim.comet.StreamKit.authV3;
import static io.jgoim.comet.StreamKit.message;
import static io.jgoim.comet.StreamKit.raw;
import static io.jgoim.comet.StreamKit.received;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broadcast stream on real sockets: every position-aware session tracks it (listed in its auth reply when it
 * keeps history), a broadcast of an op the session does not watch advances it silently, a reconnect resumes it with
 * only the watched broadcasts, and a resume position from the future or of another epoch gets the usual codes. A
 * goim client gets exactly its plain frames of the watched op, as before.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class StreamBroadcastIT {
    private static final String B = StreamPosition.BROADCAST;
    private static final Retention KEEP = new Retention(100, Duration.ofMinutes(10));
    private static LogicTwin logic;
    private static CometServer comet;

    @BeforeAll
    static void start() throws Exception {
        logic = LogicTwin.create(new HistoryConfig(StreamKit.HISTORY.rooms(), StreamKit.HISTORY.members(), KEEP))
                .heartbeatSeconds(0);
        comet = new CometServer(TestConfigs.ephemeral(Map.of()), logic, null,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        comet.start();
    }

    @AfterAll
    static void stop() {
        comet.close();
        logic.close();
    }

    /** Job's path for a broadcast: append message {@code i} of op {@code op}, then push it with its position. */
    private static HistoryStore.Appended broadcast(int i, int op) {
        HistoryStore.Appended a = logic.historyStore().append(B, List.of(message(i, 0, op)), null, KEEP).join();
        comet.pushService().broadcast(BroadcastReq.newBuilder().setProtoOp(op).setProto(raw(message(i, 0, op)))
                .setPosition(io.jgoim.protocol.rpc.comet.StreamPosition.newBuilder().setStream(B)
                        .setEpoch(a.epoch()).setOffset(a.offsets()[0])).build()).join();
        return a;
    }

    private static StreamState state(List<StreamState> reply, String stream) {
        return reply.stream().filter(s -> s.stream().equals(stream)).findFirst().orElseThrow();
    }

    @Test
    void shouldSkipABroadcastOfAnUnwatchedOpWithoutAGapAndResumeOnlyWatchedOnes() throws Exception {
        long epoch;
        long top;
        try (TestClient v3 = TestClient.connect(Mode.TCP, comet); TestClient v1 = TestClient.connect(Mode.TCP,
                comet)) {
            List<StreamState> reply = authV3(v3, 0, "bc-v3", "", null);
            assertThat(reply).extracting(StreamState::stream).containsExactly(B);
            top = state(reply, B).offset();
            v1.auth(1, StreamKit.token(0, "bc-v1", ""));
            assertThat(TestClient.op(v1.next(3000))).isEqualTo(Op.AUTH_REPLY);
            int reads = logic.histories().size();

            broadcast(1, 1005); // the token accepts 1000 and 1001
            epoch = broadcast(2, 1000).epoch();
            assertThat(received(v3, 1)).containsExactly(B + "@" + (top + 2) + "=m2");
            assertThat(v3.next(300)).as("no stream state, nothing else").isNull();
            assertThat(v1.next(3000)).as("goim: the watched op's plain frame").isEqualTo(message(2, 0, 1000));
            assertThat(v1.next(300)).isNull();
            assertThat(logic.histories()).as("no gap fill").hasSize(reads);
        }
        broadcast(3, 1005);
        broadcast(4, 1001);
        try (TestClient again = TestClient.connect(Mode.TCP, comet)) {
            List<StreamState> reply = authV3(again, 0, "bc-v3", "", List.of(new StreamState(B, epoch, top + 2,
                    false, 0)));
            assertThat(reply).containsExactly(new StreamState(B, epoch, top + 4, true, 0));
            assertThat(received(again, 1)).containsExactly(B + "@" + (top + 4) + "=m4");
            assertThat(again.next(300)).isNull();
        }
    }

    @Test
    void shouldAnswerABroadcastPositionFromTheFutureOrAnotherEpochWithTheirCodes() throws Exception {
        HistoryStore.Appended a = broadcast(10, 1000);
        long top = a.offsets()[0];
        try (TestClient c = TestClient.connect(Mode.TCP, comet)) {
            assertThat(authV3(c, 0, "bc-ahead", "", List.of(new StreamState(B, a.epoch(), top + 50, false, 0))))
                    .containsExactly(new StreamState(B, a.epoch(), top, true, ErrorCode.POSITION_AHEAD.code()));
        }
        try (TestClient c = TestClient.connect(Mode.TCP, comet)) {
            assertThat(authV3(c, 0, "bc-epoch", "", List.of(new StreamState(B, a.epoch() - 1, 1, false, 0))))
                    .containsExactly(new StreamState(B, a.epoch(), 0, true, ErrorCode.EPOCH_CHANGED.code()));
            // the whole new epoch follows (history holds it from offset 1), the unwatched broadcasts left out
            List<String> got = received(c, 1);
            assertThat(got.get(0)).startsWith(B + "@");
        }
    }
}
