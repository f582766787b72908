package io.jgoim.comet;

import io.jgoim.comet.TestClient.Mode;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.stream.Publications;
import io.jgoim.protocol.stream.RecentRequest;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Late joiners asking for a room's last messages (op 25, a live stream's recent comments) on real sockets: the first
 * asker costs one store read, which seeds the comet's recent messages of the room, and every later asker is served
 * from them with no store read; the answer (op 26) carries the stream, epoch and first offset like op 20. Refusals
 * keep the session open (another stream, a room type without history) or close it (malformed body; a goim session).
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class RecentMessagesIT {
    private static final AtomicInteger KEYS = new AtomicInteger();
    private static LogicTwin logic;
    private static CometServer comet;
    private static StreamKit kit;

    @BeforeAll
    static void start() throws Exception {
        logic = LogicTwin.create(StreamKit.HISTORY).heartbeatSeconds(0);
        comet = new CometServer(TestConfigs.ephemeral(Map.of("JGOIM_HISTORY_CACHE_SIZE", "20")), logic, null,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        comet.start();
        kit = new StreamKit(logic, comet);
    }

    @AfterAll
    static void stop() {
        comet.close();
        logic.close();
    }

    private static long historyCalls(String stream) {
        return logic.histories().stream().filter(r -> r.getStream().equals(stream)).count();
    }

    private static byte[] request(String stream, int count) {
        ByteBuf b = Unpooled.buffer();
        new RecentRequest(stream, count).write(b);
        return ByteBufUtil.getBytes(b);
    }

    /** Sends op 25 and reads op 26: "offset=body" of each message. */
    private static List<String> ask(TestClient c, String stream, int count, int seq) throws InterruptedException {
        c.send(PacketLayout.VERSION_POSITIONS, Op.RECENT, seq, request(stream, count));
        byte[] f = c.next(5000);
        assertThat(f).as("recent reply").isNotNull();
        assertThat(TestClient.op(f)).as("op of %s", TestClient.body(f)).isEqualTo(Op.RECENT_REPLY);
        assertThat(TestClient.seq(f)).isEqualTo(seq);
        Publications.Batch b = Publications.read(Unpooled.wrappedBuffer(f, 16, f.length - 16));
        assertThat(b.stream()).isEqualTo(stream);
        byte[] frames = ByteBufUtil.getBytes(b.frames());
        List<String> out = new ArrayList<>();
        long offset = b.firstOffset();
        for (int at = 0; at < frames.length; offset++) {
            int len = ByteBuffer.wrap(frames, at, 4).getInt();
            out.add(offset + "=" + new String(frames, at + 16, len - 16, StandardCharsets.UTF_8));
            at += len;
        }
        return out;
    }

    private static TestClient joiner(Mode mode, String room) throws Exception {
        String key = "late" + KEYS.incrementAndGet();
        TestClient c = TestClient.connect(mode, comet);
        StreamKit.authV3(c, 0, key, room, null);
        return c;
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"TCP", "WS"})
    void shouldServeLateJoinersTheLastMessagesWithOneStoreRead(Mode mode) throws Exception {
        String room = "live://recent-" + mode;
        kit.publish(room, 1, 30); // before anyone is here: only the store has them
        long before = historyCalls(room);
        try (TestClient first = joiner(mode, room)) {
            assertThat(ask(first, room, 10, 5)).containsExactly("21=m21", "22=m22", "23=m23", "24=m24", "25=m25",
                    "26=m26", "27=m27", "28=m28", "29=m29", "30=m30");
            long afterFirst = historyCalls(room);
            // One read for the first joiner's auth and question together (the auth's read of the room's newest
            // messages seeds the comet's window, which then answers the question).
            assertThat(afterFirst - before).as("store reads for the first joiner").isEqualTo(1);
            for (int i = 0; i < 20; i++) {
                try (TestClient later = joiner(mode, room)) {
                    assertThat(ask(later, room, 3, 6)).containsExactly("28=m28", "29=m29", "30=m30");
                }
            }
            assertThat(historyCalls(room)).as("store reads after 20 more askers").isEqualTo(afterFirst);
            // More than the comet keeps (20 here): the store answers.
            assertThat(ask(first, room, 25, 7)).hasSize(25).startsWith("6=m6").endsWith("30=m30");
        }
    }

    @Test
    void shouldNotAnswerFromWhatTheCometKnewBeforeTheRoomEmptied() throws Exception {
        String room = "live://recent-stale";
        kit.publish(room, 1, 5);
        try (TestClient c = joiner(Mode.TCP, room)) {
            assertThat(ask(c, room, 2, 3)).containsExactly("4=m4", "5=m5");
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> comet.index().room(room) == null);
        // Job stops sending a room's batches to a comet that no longer hosts it: only the store sees these.
        kit.append(room, 6, 8, 0);
        try (TestClient c = joiner(Mode.TCP, room)) {
            assertThat(ask(c, room, 2, 4)).containsExactly("7=m7", "8=m8");
        }
    }

    @Test
    void shouldAnswerAnEmptyRoomWithNoMessages() throws Exception {
        String room = "live://recent-empty";
        try (TestClient c = joiner(Mode.TCP, room)) {
            assertThat(ask(c, room, 5, 3)).isEmpty();
        }
    }

    @Test
    void shouldRefuseOtherStreamsAndRoomsWithoutHistoryAndStayOpen() throws Exception {
        try (TestClient c = joiner(Mode.TCP, "live://recent-own")) {
            c.send(PacketLayout.VERSION_POSITIONS, Op.RECENT, 8, request("live://someone-else", 5));
            assertError(c.next(5000), 8, ErrorCode.STREAM_FORBIDDEN);
            c.send(PacketLayout.VERSION_POSITIONS, Op.RECENT, 9, request("mid:424242", 5));
            assertError(c.next(5000), 9, ErrorCode.STREAM_FORBIDDEN);
            assertThat(c.isActive()).isTrue();
        }
        try (TestClient c = joiner(Mode.TCP, "nohist://recent")) {
            c.send(PacketLayout.VERSION_POSITIONS, Op.RECENT, 10, request("nohist://recent", 5));
            assertError(c.next(5000), 10, ErrorCode.HISTORY_OFF);
            assertThat(c.isActive()).isTrue();
        }
    }

    @Test
    void shouldCloseOnAMalformedRequest() throws Exception {
        try (TestClient c = joiner(Mode.TCP, "live://recent-bad")) {
            c.send(PacketLayout.VERSION_POSITIONS, Op.RECENT, 11, new byte[] {0, 0, 'x'}); // count 0
            assertError(c.next(5000), 11, ErrorCode.BAD_PARAMETER);
            byte[] goodbye = c.next(5000);
            assertThat(TestClient.op(goodbye)).isEqualTo(Op.DISCONNECT);
            assertThat(TestClient.intBody(goodbye)).isEqualTo(CloseCode.PROTOCOL_ERROR.code());
            c.closed().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldTreatTheRequestAsAnUnknownOpFromAGoimSession() throws Exception {
        try (TestClient c = TestClient.connect(Mode.TCP, comet)) {
            c.auth(1, StreamKit.token(0, "recent-goim", "live://recent-goim"));
            assertThat(TestClient.op(c.next(3000))).isEqualTo(Op.AUTH_REPLY);
            c.send(1, Op.RECENT, 12, request("live://recent-goim", 5));
            c.closed().get(5, TimeUnit.SECONDS);
            await().atMost(5, TimeUnit.SECONDS).until(() -> comet.index().session("recent-goim") == null);
        }
    }

    private static void assertError(byte[] frame, int seq, ErrorCode code) {
        assertThat(frame).as("error reply").isNotNull();
        assertThat(TestClient.op(frame)).isEqualTo(Op.ERROR_REPLY);
        assertThat(TestClient.seq(frame)).isEqualTo(seq);
        assertThat(TestClient.body(frame)).contains("\"code\":" + code.code());
    }
}
