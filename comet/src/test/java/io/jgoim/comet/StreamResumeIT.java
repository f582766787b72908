package io.jgoim.comet;

import io.jgoim.comet.TestClient.Mode;
import io.jgoim.comet.metrics.CometMetrics.DropReason;
import io.jgoim.comet.metrics.CometMetrics.HistorySource;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.stream.StreamPosition;
import io.jgoim.protocol.stream.StreamState;
import io.jgoim.testkit.LeakCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.jgoim.comet.StreamKit.authReply;
import static io.jgoim.comet.StreamKit.authV3;
import static io.jgoim.comet.StreamKit.expected;
import static io.jgoim.comet.StreamKit.messages;
import static io.jgoim.comet.StreamKit.received;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Position-aware sessions (auth ver 3) resuming on a comet on real sockets, with the logic twin's history store
 * filled as job fills it: the missed messages then the live ones with no gap and no duplicate at the switch-over,
 * every resume outcome code, the malformed position list, the resume timeout, a gap after slow-consumer drops, and
 * the single flight and recent-message cache that keep a crowd's resume to one History call. A ver-1 bystander must
 * stay served after each case.
 */
@ExtendWith(LeakCheck.class)
@Timeout(90)
class StreamResumeIT {
    private static final AtomicInteger KEYS = new AtomicInteger();
    private static LogicTwin logic;
    private static CometServer comet;
    private static StreamKit kit;
    private static StreamComet fixture;
    private CompletableFuture<Void> gate;

    @BeforeAll
    static void start() throws Exception {
        fixture = new StreamComet(Map.of(
                "JGOIM_HISTORY_RESUME_TIMEOUT", "1500ms",
                "JGOIM_OUTBOUND_HIGH_WATER_MARK_BYTES", "16384",
                "JGOIM_OUTBOUND_LOW_WATER_MARK_BYTES", "8192",
                "JGOIM_OUTBOUND_SLOW_CLOSE_AFTER", "20s",
                "JGOIM_TCP_SEND_BUFFER_BYTES", "8192"));
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
        return "r" + KEYS.incrementAndGet();
    }

    private static long mid(String key) {
        return 100_000 + Long.parseLong(key.substring(1));
    }

    private static long historyCalls(String stream) {
        return logic.histories().stream().filter(r -> r.getStream().equals(stream)).count();
    }

    private static List<String> only(List<String> got, String stream) {
        return got.stream().filter(s -> s.startsWith(stream + "@")).collect(Collectors.toList());
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"TCP", "WS"})
    void shouldResumeRoomAndMemberStreamThenGoLiveWithNoGapAndNoDuplicate(Mode mode) throws Exception {
        String key = newKey();
        long mid = mid(key);
        String room = "live://" + key;
        String member = StreamPosition.memberStream(mid);
        long epoch = kit.publish(room, 1, 5); // nobody here yet: missed
        long memberEpoch = kit.append(member, 1, 3, 0).epoch();
        gate = logic.holdHistory();
        try (TestClient c = TestClient.connect(mode, comet)) {
            c.send(PacketLayout.VERSION_POSITIONS, Op.AUTH, 1, StreamKit.authBody(StreamKit.token(mid, key, room),
                    List.of(StreamState.of(room, epoch, 2), StreamState.of(member, memberEpoch, 1))));
            await().atMost(5, TimeUnit.SECONDS).until(() -> historyCalls(room) == 1 && historyCalls(member) == 1);
            // Live pushes while the resume reads are held: the session is registered and holds them.
            assertThat(kit.publish(room, 6, 7)).isEqualTo(epoch);
            assertThat(kit.pushMember(key, mid, 4).getDelivered()).isEqualTo(1);
            // Message 8 reaches the comet before the store has it (its read ran before job's append).
            kit.pushRoom(room, epoch, 8, messages(8, 8, 0));
            gate.complete(null);

            List<StreamState> states = authReply(c.next(5000), key);
            assertThat(states).containsExactly(new StreamState(room, epoch, 7, true, 0),
                    new StreamState(member, memberEpoch, 4, true, 0));
            List<String> got = received(c, 5 + 1 + 3);
            assertThat(only(got, room)).containsExactlyElementsOf(expected(room, 3, 8));
            assertThat(only(got, member)).containsExactlyElementsOf(expected(member, 2, 4));

            kit.append(room, 8, 8, 0);
            kit.publish(room, 9, 9);
            kit.pushMember(key, mid, 5);
            List<String> live = received(c, 2);
            assertThat(live).containsExactlyInAnyOrder(room + "@9=m9", member + "@5=m5");
            assertThat(c.next(300)).as("nothing else").isNull();
        }
    }

    @Test
    void shouldRecoverEverythingForAClientThatAskedFromTheStart() throws Exception {
        String key = newKey();
        String room = "live://" + key;
        long epoch = kit.publish(room, 1, 3);
        try (TestClient c = TestClient.connect(Mode.TCP, comet)) {
            List<StreamState> states = authV3(c, 0, key, room, List.of(StreamState.of(room, 0, 0)));
            assertThat(states).containsExactly(new StreamState(room, epoch, 3, true, 0));
            assertThat(received(c, 3)).containsExactlyElementsOf(expected(room, 1, 3));
        }
    }

    @Test
    void shouldAnswerEpochChangedThenDeliverTheNewEpochFromItsStartAndGoOnLive() throws Exception {
        String key = newKey();
        String room = "live://" + key;
        String member = StreamPosition.memberStream(mid(key));
        long epoch = kit.publish(room, 1, 3); // the new epoch's messages (the client held another epoch)
        try (TestClient c = TestClient.connect(Mode.TCP, comet)) {
            List<StreamState> states = authV3(c, mid(key), key, room, List.of(StreamState.of(room, epoch + 1000, 2)));
            // Told: what it held is gone (the stream continues after 0 of the new epoch) ...
            assertThat(states).containsExactly(new StreamState(room, epoch, 0, true, ErrorCode.EPOCH_CHANGED.code()),
                    new StreamState(member, 0, 0, false, 0));
            // ... and given every message of the new epoch, which history still holds from its first.
            assertThat(received(c, 3)).containsExactlyElementsOf(expected(room, 1, 3));
            kit.publish(room, 4, 4);
            assertThat(received(c, 1)).containsExactly(room + "@4=m4");
        }
    }

    @Test
    void shouldAnswerEpochChangedAtTheTopWhenTheNewEpochIsLongerThanItsHistory() throws Exception {
        String key = newKey();
        String room = "short://" + key;
        long epoch = kit.publish(room, 1, 8); // keeps 4..8: the new epoch's start is gone too
        try (TestClient c = TestClient.connect(Mode.TCP, comet)) {
            assertThat(authV3(c, 0, key, room, List.of(StreamState.of(room, epoch + 1000, 2)))).containsExactly(
                    new StreamState(room, epoch, 8, true, ErrorCode.EPOCH_CHANGED.code()));
            kit.publish(room, 9, 9);
            assertThat(received(c, 1)).containsExactly(room + "@9=m9");
        }
    }

    @Test
    void shouldAnswerHistoryTooShortWhenTheStreamWasTrimmedPastThePosition() throws Exception {
        String key = newKey();
        String room = "short://" + key;
        long epoch = kit.publish(room, 1, 10); // keeps 6..10
        try (TestClient c = TestClient.connect(Mode.TCP, comet)) {
            assertThat(authV3(c, 0, key, room, List.of(StreamState.of(room, epoch, 2)))).containsExactly(
                    new StreamState(room, epoch, 10, true, ErrorCode.HISTORY_TOO_SHORT.code()));
            kit.publish(room, 11, 11);
            assertThat(received(c, 1)).as("no recovered message, then live").containsExactly(room + "@11=m11");
        }
    }

    @Test
    void shouldAnswerPositionAheadForAnOffsetNeverAssigned() throws Exception {
        String key = newKey();
        String room = "live://" + key;
        long epoch = kit.publish(room, 1, 3);
        try (TestClient c = TestClient.connect(Mode.TCP, comet)) {
            assertThat(authV3(c, 0, key, room, List.of(StreamState.of(room, epoch, 9)))).containsExactly(
                    new StreamState(room, epoch, 3, true, ErrorCode.POSITION_AHEAD.code()));
            kit.publish(room, 4, 4);
            assertThat(received(c, 1)).containsExactly(room + "@4=m4");
        }
    }

    @Test
    void shouldRefuseStreamsThatAreNotTheSessionsOwn() throws Exception {
        String key = newKey();
        String room = "live://" + key;
        long mid = mid(key);
        long epoch = kit.publish(room, 1, 2);
        try (TestClient c = TestClient.connect(Mode.TCP, comet)) {
            List<StreamState> states = authV3(c, mid, key, room, List.of(StreamState.of("mid:1", 5, 1),
                    StreamState.of("live://elsewhere", 5, 1), StreamState.of(room, epoch, 2)));
            assertThat(states).containsExactly(new StreamState(room, epoch, 2, true, 0),
                    new StreamState(StreamPosition.memberStream(mid), 0, 0, false, 0),
                    new StreamState("mid:1", 0, 0, true, ErrorCode.STREAM_FORBIDDEN.code()),
                    new StreamState("live://elsewhere", 0, 0, true, ErrorCode.STREAM_FORBIDDEN.code()));
            kit.publish(room, 3, 3);
            assertThat(received(c, 1)).containsExactly(room + "@3=m3");
        }
    }

    @Test
    void shouldAnswerHistoryOffAndDeliverThatRoomsPushesPlain() throws Exception {
        String key = newKey();
        String room = "nohist://" + key;
        try (TestClient c = TestClient.connect(Mode.TCP, comet)) {
            assertThat(authV3(c, 0, key, room, List.of(StreamState.of(room, 5, 1)))).containsExactly(
                    new StreamState(room, 0, 0, true, ErrorCode.HISTORY_OFF.code()));
            // Job sends pushes of a stream without history without a position: today's plain frames.
            comet.pushService().broadcastRoom(io.jgoim.protocol.rpc.comet.BroadcastRoomReq.newBuilder()
                    .setRoomId(room).setProto(StreamKit.raw(StreamKit.message(1))).build()).join();
            assertThat(c.next(3000)).isEqualTo(StreamKit.message(1));
        }
        try (TestClient c = TestClient.connect(Mode.TCP, comet)) {
            assertThat(authV3(c, 0, newKey(), room, null)).as("not asked").containsExactly(
                    new StreamState(room, 0, 0, false, ErrorCode.HISTORY_OFF.code()));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"TCP", "WS"})
    void shouldRefuseAMalformedPositionListWithBadPositionBeforeCallingLogic(Mode mode) throws Exception {
        int connects = logic.connects().size();
        byte[] token = StreamKit.token(1, newKey(), "live://x").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[token.length + 3];
        System.arraycopy(token, 0, body, 0, token.length);
        body[token.length] = 0;
        body[token.length + 1] = 1; // one entry ...
        body[token.length + 2] = 0; // ... truncated after its flags
        try (TestClient c = TestClient.connect(mode, comet)) {
            c.send(PacketLayout.VERSION_POSITIONS, Op.AUTH, 5, body);
            assertGoodbye(c, mode, ErrorCode.BAD_POSITION, 5, CloseCode.PROTOCOL_ERROR);
        }
        assertThat(logic.connects()).hasSize(connects);
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"TCP", "WS"})
    void shouldCloseWithResumeWhenHistoryDoesNotAnswerInTime(Mode mode) throws Exception {
        String key = newKey();
        String room = "live://" + key;
        long epoch = kit.publish(room, 1, 3);
        gate = logic.holdHistory();
        try (TestClient c = TestClient.connect(mode, comet)) {
            c.send(PacketLayout.VERSION_POSITIONS, Op.AUTH, 1, StreamKit.authBody(StreamKit.token(0, key, room),
                    List.of(StreamState.of(room, epoch, 1))));
            assertGoodbye(c, mode, ErrorCode.HISTORY_UNAVAILABLE, 1, CloseCode.RESUME);
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> comet.index().session(key) == null);
    }

    /** Error reply (op 19) with {@code error}, then the close with {@code close}: DISCONNECT on TCP, a close frame on WS. */
    private static void assertGoodbye(TestClient c, Mode mode, ErrorCode error, int seq, CloseCode close)
            throws Exception {
        byte[] err = c.next(5000);
        assertThat(err).as("error reply").isNotNull();
        assertThat(TestClient.op(err)).isEqualTo(Op.ERROR_REPLY);
        assertThat(TestClient.seq(err)).isEqualTo(seq);
        assertThat(TestClient.body(err)).startsWith("{\"code\":" + error.code() + ",");
        if (mode == Mode.TCP) {
            byte[] bye = c.next(3000);
            assertThat(TestClient.op(bye)).isEqualTo(Op.DISCONNECT);
            assertThat(TestClient.intBody(bye)).isEqualTo(close.code());
        } else {
            assertThat(c.closeCode().get(3, TimeUnit.SECONDS)).isEqualTo(close.code());
        }
        c.closed().get(3, TimeUnit.SECONDS);
    }

    @Test
    void shouldRecoverTheGapLeftBySlowConsumerDrops() throws Exception {
        String key = newKey();
        String room = "live://" + key;
        double slowDrops = comet.metrics().drops(DropReason.SLOW);
        try (TestClient c = TestClient.connect(Mode.TCP, comet)) {
            assertThat(authV3(c, 0, key, room, null)).containsExactly(new StreamState(room, 0, 0, false, 0));
            c.pauseReading();
            int n = 0;
            while (comet.metrics().drops(DropReason.SLOW) == slowDrops && n < 90) {
                n++;
                kit.publish(room, n, n, 8000);
            }
            assertThat(comet.metrics().drops(DropReason.SLOW)).as("pushes dropped while the client did not read")
                    .isGreaterThan(slowDrops);
            kit.publish(room, n + 1, n + 2, 8000); // dropped too
            c.resumeReading();
            await().atMost(10, TimeUnit.SECONDS).until(() -> comet.index().session(key).channel().isWritable());
            kit.publish(room, n + 3, n + 3); // shows the gap; history fills it
            assertThat(received(c, n + 3)).containsExactlyElementsOf(expected(room, 1, n + 3));
            assertThat(c.next(300)).as("nothing else").isNull();
        }
    }

    @Test
    void shouldResumeTwoHundredSessionsOfOneRoomWithOneHistoryCall() throws Exception {
        String room = "live://crowd-" + newKey();
        long epoch = kit.publish(room, 1, 5);
        gate = logic.holdHistory();
        double joined = comet.metrics().historyReads(HistorySource.JOINED);
        List<TestClient> clients = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                String key = newKey();
                keys.add(key);
                TestClient c = TestClient.connect(Mode.TCP, comet);
                clients.add(c);
                c.send(PacketLayout.VERSION_POSITIONS, Op.AUTH, 1, StreamKit.authBody(StreamKit.token(0, key, room),
                        List.of(StreamState.of(room, epoch, 2))));
            }
            await().atMost(20, TimeUnit.SECONDS).until(() -> comet.index().room(room) != null
                    && comet.index().room(room).online() == 200);
            assertThat(historyCalls(room)).isEqualTo(1);
            gate.complete(null);
            for (int i = 0; i < 200; i++) {
                TestClient c = clients.get(i);
                assertThat(authReply(c.next(10_000), keys.get(i)))
                        .containsExactly(new StreamState(room, epoch, 5, true, 0));
                assertThat(received(c, 3)).containsExactlyElementsOf(expected(room, 3, 5));
            }
            assertThat(historyCalls(room)).as("History calls for 200 resumes").isEqualTo(1);
            assertThat(comet.metrics().historyReads(HistorySource.JOINED) - joined).isEqualTo(199);
        } finally {
            clients.forEach(TestClient::close);
        }
    }

    @Test
    void shouldResumeFromTheRecentMessagesWithoutAnyHistoryCall() throws Exception {
        String room = "live://cached-" + newKey();
        try (TestClient member = TestClient.connect(Mode.TCP, comet)) {
            member.auth(1, StreamKit.token(0, newKey(), room));
            assertThat(TestClient.op(member.next(3000))).isEqualTo(Op.AUTH_REPLY);
            long epoch = kit.publish(room, 1, 5); // delivered here: the comet keeps them
            String key = newKey();
            try (TestClient c = TestClient.connect(Mode.TCP, comet);
                 TestClient late = TestClient.connect(Mode.TCP, comet)) {
                assertThat(authV3(c, 0, key, room, List.of(StreamState.of(room, epoch, 2))))
                        .containsExactly(new StreamState(room, epoch, 5, true, 0));
                assertThat(received(c, 3)).containsExactlyElementsOf(expected(room, 3, 5));
                String lateKey = newKey();
                assertThat(authV3(late, 0, lateKey, room, null))
                        .containsExactly(new StreamState(room, epoch, 5, false, 0));
            }
            assertThat(historyCalls(room)).isZero();
        }
    }
}
