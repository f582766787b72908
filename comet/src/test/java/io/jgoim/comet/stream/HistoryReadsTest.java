package io.jgoim.comet.stream;

import com.google.protobuf.ByteString;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.comet.metrics.CometMetrics.HistorySource;
import io.jgoim.common.history.HistoryConfig;
import io.jgoim.common.history.HistoryStore;
import io.jgoim.common.history.Retention;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.rpc.logic.HistoryReq;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The comet's history reads against the logic twin (production's in-memory logic and history store): single flight,
 * the recent messages of room streams, paging, the timeout. History calls are counted on the twin.
 */
class HistoryReadsTest {
    private static final String ROOM = "live://r";
    private LogicTwin logic = LogicTwin.create();
    private final CometMetrics metrics = CometMetrics.noop();
    private HistoryReads reads = new HistoryReads(logic, 100, Duration.ofSeconds(5), metrics);

    @AfterEach
    void close() {
        logic.close();
    }

    static byte[] message(int i) {
        byte[] body = ("m" + i).getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(16 + body.length).putInt(16 + body.length).putShort((short) 16)
                .putShort((short) 1).putInt(1000).putInt(0).put(body).array();
    }

    /** Appends messages from..to to {@code stream} as job would; returns the epoch. */
    private long append(String stream, int from, int to) {
        List<byte[]> entries = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            entries.add(message(i));
        }
        HistoryStore.Appended a = logic.historyStore().append(stream, entries, null,
                LogicTwin.HISTORY.retention(stream)).join();
        return a.epoch();
    }

    private static List<ByteString> frames(int from, int to) {
        List<ByteString> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(ByteString.copyFrom(message(i)));
        }
        return out;
    }

    private static List<String> bodies(History h) {
        List<String> out = new ArrayList<>();
        for (ByteString e : h.entries()) {
            out.add(e.substring(16).toStringUtf8());
        }
        return out;
    }

    @Test
    void shouldJoinTwoHundredIdenticalReadsIntoOneHistoryCall() throws Exception {
        long epoch = append(ROOM, 1, 5);
        CompletableFuture<Void> gate = logic.holdHistory();
        List<CompletableFuture<History>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add(reads.read(ROOM, epoch, 2));
        }
        assertThat(logic.histories()).hasSize(1);
        gate.complete(null);
        for (CompletableFuture<History> f : all) {
            assertThat(bodies(f.get(5, TimeUnit.SECONDS))).containsExactly("m3", "m4", "m5");
        }
        assertThat(metrics.historyReads(HistorySource.STORE)).isEqualTo(1);
        assertThat(metrics.historyReads(HistorySource.JOINED)).isEqualTo(199);
        assertThat(reads.inFlight()).isZero();
    }

    @Test
    void shouldAnswerFromTheRecentMessagesOfALiveRoomWithoutAnyCall() throws Exception {
        reads.feed(ROOM, 9, 1, frames(1, 3));
        reads.feed(ROOM, 9, 4, frames(4, 5));
        reads.feed(ROOM, 9, 3, frames(3, 4)); // a duplicate: no change
        History h = reads.read(ROOM, 9, 2).get();
        assertThat(bodies(h)).containsExactly("m3", "m4", "m5");
        assertThat(h.first()).isEqualTo(3);
        assertThat(h.top()).isEqualTo(5);
        assertThat(h.complete()).isTrue();
        assertThat(reads.latest(ROOM).get().top()).isEqualTo(5);
        assertThat(reads.read(ROOM, 9, 5).get().entries()).isEmpty();
        assertThat(logic.histories()).isEmpty();
        assertThat(metrics.historyReads(HistorySource.CACHE)).isEqualTo(3);
    }

    @Test
    void shouldAskLogicWhenTheRecentMessagesDoNotCoverTheRead() throws Exception {
        long epoch = append(ROOM, 1, 5);
        reads.feed(ROOM, epoch, 3, frames(3, 5));
        assertThat(bodies(reads.read(ROOM, epoch, 0).get())).containsExactly("m1", "m2", "m3", "m4", "m5");
        assertThat(logic.histories()).hasSize(1);
        reads.read(ROOM, epoch + 1, 3).get();
        assertThat(logic.histories()).as("another epoch").hasSize(2);
        reads.read(ROOM, epoch, 6).get();
        assertThat(logic.histories()).as("past what the comet saw").hasSize(3);
    }

    @Test
    void shouldRestartTheWindowOnAnEpochChangeOrAHole() throws Exception {
        reads.feed(ROOM, 9, 1, frames(1, 3));
        reads.feed(ROOM, 10, 1, frames(1, 1));
        assertThat(reads.read(ROOM, 10, 0).get().top()).isEqualTo(1);
        assertThat(logic.histories()).isEmpty();
        reads.read(ROOM, 9, 1).get();
        assertThat(logic.histories()).as("epoch 9 is gone from the window").hasSize(1);
        reads.feed(ROOM, 10, 5, frames(5, 6)); // offsets 2..4 never came: the window starts again at 5
        assertThat(bodies(reads.read(ROOM, 10, 4).get())).containsExactly("m5", "m6");
        reads.read(ROOM, 10, 1).get();
        assertThat(logic.histories()).hasSize(2);
        reads.invalidate(ROOM);
        reads.read(ROOM, 10, 5).get();
        assertThat(logic.histories()).hasSize(3);
    }

    @Test
    void shouldKeepOnlyTheLastCacheSizeMessages() throws Exception {
        reads = new HistoryReads(logic, 3, Duration.ofSeconds(5), metrics);
        reads.feed(ROOM, 9, 1, frames(1, 5));
        assertThat(bodies(reads.read(ROOM, 9, 2).get())).containsExactly("m3", "m4", "m5");
        assertThat(logic.histories()).isEmpty();
        reads.read(ROOM, 9, 1).get();
        assertThat(logic.histories()).hasSize(1);
    }

    @Test
    void shouldSeedTheWindowFromALatestReadSoLaterResumesCostNoCall() throws Exception {
        long epoch = append(ROOM, 1, 5);
        History latest = reads.latest(ROOM).get();
        assertThat(latest.epoch()).isEqualTo(epoch);
        assertThat(latest.top()).isEqualTo(5);
        HistoryReq asked = logic.histories().get(0);
        assertThat(asked.getLast()).isTrue();
        assertThat(asked.getLimit()).isEqualTo(100);
        assertThat(bodies(reads.read(ROOM, epoch, 1).get())).containsExactly("m2", "m3", "m4", "m5");
        assertThat(reads.latest(ROOM).get().top()).isEqualTo(5);
        assertThat(logic.histories()).hasSize(1);
    }

    @Test
    void shouldNeverCacheMemberStreams() throws Exception {
        long epoch = append("mid:7", 1, 2);
        reads.feed("mid:7", epoch, 1, frames(1, 2));
        reads.read("mid:7", epoch, 0).get();
        reads.latest("mid:7").get();
        assertThat(logic.histories()).hasSize(2);
        assertThat(logic.histories().get(1).getLimit()).isEqualTo(1);
        assertThat(reads.cachedStreams()).isZero();
    }

    @Test
    void shouldReadEveryPageUpToTheTop() throws Exception {
        logic.close();
        logic = LogicTwin.create(new HistoryConfig(
                Map.of(HistoryConfig.ANY_TYPE, new Retention(5000, Duration.ofMinutes(10))), Retention.OFF));
        reads = new HistoryReads(logic, 0, Duration.ofSeconds(5), metrics);
        List<byte[]> entries = new ArrayList<>();
        for (int i = 1; i <= 2500; i++) {
            entries.add(message(i));
        }
        long epoch = logic.historyStore().append(ROOM, entries, null, new Retention(5000, Duration.ofMinutes(10)))
                .join().epoch();
        History h = reads.readAll(ROOM, epoch, 10).get();
        assertThat(h.entries()).hasSize(2490);
        assertThat(h.first()).isEqualTo(11);
        assertThat(h.last()).isEqualTo(2500);
        assertThat(bodies(h).get(0)).isEqualTo("m11");
        assertThat(bodies(h).get(2489)).isEqualTo("m2500");
        assertThat(logic.histories()).hasSize(3);
        assertThat(reads.read("mid:1", 0, 0).get().off()).as("members keep none here").isTrue();
    }

    @Test
    void shouldFailReadsThatOutlastTheTimeoutAndFreeTheirSlot() throws Exception {
        reads = new HistoryReads(logic, 100, Duration.ofMillis(200), metrics);
        logic.holdHistory();
        CompletableFuture<History> f = reads.read(ROOM, 1, 0);
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TimeoutException.class);
        assertThat(reads.inFlight()).isZero();
        reads.read(ROOM, 1, 0);
        assertThat(logic.histories()).as("a new read after the failed one").hasSize(2);
    }

    @Test
    void shouldReadTheBroadcastStreamOnceWhileItHasNoMessageUntilABroadcastArrives() throws Exception {
        String b = io.jgoim.protocol.stream.StreamPosition.BROADCAST;
        // without broadcast history: one call says so
        assertThat(reads.latest(b).get().off()).isTrue();
        assertThat(reads.latest(b).get().off()).isTrue();
        assertThat(logic.histories()).hasSize(1);
        logic.close();
        logic = LogicTwin.create(new io.jgoim.common.history.HistoryConfig(LogicTwin.HISTORY.rooms(),
                LogicTwin.HISTORY.members(), new io.jgoim.common.history.Retention(100, Duration.ofMinutes(10))));
        reads = new HistoryReads(logic, 100, Duration.ofSeconds(5), metrics);
        for (int i = 0; i < 5; i++) {
            History h = reads.latest(b).get(5, TimeUnit.SECONDS);
            assertThat(h.top()).isZero();
            // a client resuming from before the first broadcast: nothing missed, no call either
            History from0 = reads.read(b, 0, 0).get(5, TimeUnit.SECONDS);
            assertThat(from0.entries()).isEmpty();
            assertThat(from0.complete()).isTrue();
        }
        assertThat(logic.histories()).hasSize(1);
        reads.feed(b, 7, 1, frames(1, 1)); // the first broadcast reached this comet
        assertThat(reads.latest(b).get().top()).isEqualTo(1);
        assertThat(reads.latest(b).get().epoch()).isEqualTo(7);
        assertThat(logic.histories()).hasSize(1);
    }

    @Test
    void shouldRememberARoomWithoutMessagesOnlyBriefly() throws Exception {
        assertThat(reads.latest("live://empty").get().top()).isZero();
        assertThat(reads.latest("live://empty").get().top()).isZero();
        assertThat(logic.histories()).hasSize(1);
        Thread.sleep(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(HistoryReads.QUIET_NANOS) + 100);
        long epoch = append("live://empty", 1, 2);
        History h = reads.latest("live://empty").get();
        assertThat(h.epoch()).isEqualTo(epoch);
        assertThat(h.top()).isEqualTo(2);
        assertThat(logic.histories()).hasSize(2);
    }
}
