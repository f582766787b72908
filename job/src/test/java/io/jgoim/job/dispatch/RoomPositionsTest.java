package io.jgoim.job.dispatch;

import com.google.protobuf.ByteString;
import io.jgoim.common.history.HistoryStore;
import io.jgoim.common.history.MemoryHistoryStore;
import io.jgoim.common.history.Retention;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.job.CountingHistoryStore;
import io.jgoim.job.JobConfig;
import io.jgoim.job.JobMetrics;
import io.jgoim.job.RecordingCometService;
import io.jgoim.job.RecordingCometService.Call;
import io.jgoim.job.TestConfigs;
import io.jgoim.job.comet.DirectCometDirectory;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.rpc.comet.StreamPosition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Room stream positions assigned on job's lane: one history append per batch, contiguous offsets across batches,
 * strict per-room order whatever order the store answers in, runs split at a replayed record's old offset, a failed
 * or slow store never drops or holds a push beyond its timeout, member positions forwarded, history off = goim.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoomPositionsTest {
    private final RecordingCometService c1 = new RecordingCometService("c1");
    private final RecordingCometService c2 = new RecordingCometService("c2");
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<String> done = new CopyOnWriteArrayList<>();
    private PushDispatcher dispatcher;

    @AfterEach
    void stop() {
        if (dispatcher != null) {
            dispatcher.close();
        }
    }

    private void start(JobConfig cfg, HistoryStore store) {
        DirectCometDirectory dir = new DirectCometDirectory(cfg.comet(), cfg.retry()).add("c1", c1).add("c2", c2);
        dispatcher = new PushDispatcher(cfg, dir, new InMemorySessionDirectory(Duration.ofMinutes(1)),
                new JobMetrics(meters), store);
        dispatcher.start();
    }

    private PushTask room(String room, String body) {
        PushMsg m = PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setOperation(1000).setRoom(room)
                .setMsg(ByteString.copyFromUtf8(body)).build();
        return PushTask.of(room, m, (t, ok) -> done.add(body + ":" + ok));
    }

    /** Every room call of {@code comet}: [position offset or 0] + the frame bodies. */
    private static List<String> roomCalls(RecordingCometService comet, String room) {
        List<String> out = new ArrayList<>();
        for (Call c : comet.calls()) {
            if (room.equals(c.room())) {
                out.add((c.position() == null ? 0 : c.position().getOffset()) + " "
                        + c.frames().stream().map(RecordingCometService.Frame::body).toList());
            }
        }
        return out;
    }

    private void barrier() {
        // Lanes run their inbox in order: once this flush ran, every completion hopped before it was handled.
        assertThat(dispatcher.flush(10, TimeUnit.SECONDS)).isTrue();
    }

    private double failures(String reason) {
        var c = meters.find("jgoim.job.history.append.failures").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void shouldGiveEachRoomContiguousPositionsWithOneAppendPerBatch() {
        CountingHistoryStore store = new CountingHistoryStore();
        start(TestConfigs.config("JGOIM_BATCH_SIZE", "5", "JGOIM_BATCH_WINDOW", "30ms"), store);
        for (int i = 0; i < 23; i++) {
            dispatcher.dispatch(room("live://1", "a" + i));
            if (i < 17) {
                dispatcher.dispatch(room("live://2", "b" + i));
            }
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> done.size() == 40);
        assertThat(done).allMatch(s -> s.endsWith(":true"));
        for (String r : List.of("live://1", "live://2")) {
            String prefix = r.equals("live://1") ? "a" : "b";
            int n = r.equals("live://1") ? 23 : 17;
            Map<String, Long> offsets = c1.roomOffsets(r);
            assertThat(offsets.keySet()).containsExactlyElementsOf(
                    LongStream.range(0, n).mapToObj(i -> prefix + i).toList());
            assertThat(offsets.values()).containsExactlyElementsOf(LongStream.rangeClosed(1, n).boxed().toList());
            assertThat(c2.roomOffsets(r)).isEqualTo(offsets);
            // One store call per batch (each batch is one request per comet here: no replay, no split).
            List<CountingHistoryStore.Append> appends = store.appends(r);
            assertThat(appends).hasSize(roomCalls(c1, r).size());
            assertThat(appends.stream().mapToInt(CountingHistoryStore.Append::entries).sum()).isEqualTo(n);
            assertThat(appends).allMatch(a -> a.dedupeIds() == null); // in-process: no Kafka record
            // The history holds exactly the frames the comets got.
            HistoryStore.Slice s = store.read(r, 0, 100, false).join();
            assertThat(s.top()).isEqualTo(n);
            assertThat(s.entries()).hasSize(n);
            assertThat(bodyOf(s.entries().get(n - 1))).isEqualTo(prefix + (n - 1));
            assertThat(c1.calls().stream().filter(c -> r.equals(c.room())).map(c -> c.position().getEpoch())
                    .distinct().toList()).containsExactly(s.epoch());
        }
        assertThat(meters.find("jgoim.job.batch.messages").summary().max()).isLessThanOrEqualTo(5.0);
    }

    private static String bodyOf(byte[] frame) {
        return new String(frame, 16, frame.length - 16, StandardCharsets.UTF_8);
    }

    @Test
    void shouldSendARoomsBatchesInOrderWhenAppendsCompleteInReverse() {
        HandCompletedStore store = new HandCompletedStore();
        start(TestConfigs.config("JGOIM_DISPATCH_LANES", "1", "JGOIM_BATCH_SIZE", "1"), store);
        for (int i = 1; i <= 3; i++) {
            dispatcher.dispatch(room("live://a", "a" + i));
        }
        dispatcher.dispatch(room("live://b", "b1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> store.held() == 4);
        // Another room of the same lane goes as soon as its own append is answered.
        store.complete(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> c1.roomBodies("live://b").equals(List.of("b1")));
        store.complete(2);
        store.complete(1);
        barrier();
        assertThat(c1.roomBodies("live://a")).isEmpty();
        assertThat(c2.roomBodies("live://a")).isEmpty();
        store.complete(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 4);
        for (RecordingCometService c : List.of(c1, c2)) {
            assertThat(roomCalls(c, "live://a")).containsExactly("1 [a1]", "2 [a2]", "3 [a3]");
            assertThat(roomCalls(c, "live://b")).containsExactly("1 [b1]");
        }
    }

    @Test
    void shouldSplitABatchAtAReplayedRecordsOldOffset() {
        CountingHistoryStore store = new CountingHistoryStore();
        start(TestConfigs.config("JGOIM_DISPATCH_LANES", "1", "JGOIM_BATCH_SIZE", "4", "JGOIM_BATCH_WINDOW", "10s"),
                store);
        dispatcher.dispatch(room("live://r", "A").fromRecord("t", 0, 1)); // a quiet room: sent at once
        dispatcher.dispatch(room("live://r", "B").fromRecord("t", 0, 2));
        barrier(); // flushes B's batch
        // C is new, A and B are consumed again (a restart before the commit), D is new: one batch of four.
        dispatcher.dispatch(room("live://r", "C").fromRecord("t", 0, 3));
        dispatcher.dispatch(room("live://r", "A").fromRecord("t", 0, 1));
        dispatcher.dispatch(room("live://r", "B").fromRecord("t", 0, 2));
        dispatcher.dispatch(room("live://r", "D").fromRecord("t", 0, 4));
        await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 6);
        for (RecordingCometService c : List.of(c1, c2)) {
            assertThat(roomCalls(c, "live://r")).containsExactly("1 [A]", "2 [B]", "3 [C]", "1 [A, B]", "4 [D]");
        }
        assertThat(store.appends("live://r")).extracting(CountingHistoryStore.Append::dedupeIds).containsExactly(
                List.of("t/0/1"), List.of("t/0/2"), List.of("t/0/3", "t/0/1", "t/0/2", "t/0/4"));
        assertThat(store.read("live://r", 0, 100, false).join().top()).isEqualTo(4);
    }

    private PushTask room(String room, String body, String pushId) {
        PushMsg m = PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setOperation(1000).setRoom(room)
                .setMsg(ByteString.copyFromUtf8(body)).setPushId(pushId).build();
        return PushTask.of(room, m, (t, ok) -> done.add(body + ":" + ok));
    }

    @Test
    void shouldGiveARetriedPushWithTheCallersIdItsFirstPositionAndStoreItOnce() {
        CountingHistoryStore store = new CountingHistoryStore();
        start(TestConfigs.config("JGOIM_DISPATCH_LANES", "1", "JGOIM_BATCH_SIZE", "1"), store);
        dispatcher.dispatch(room("live://r", "A", "order-1").fromRecord("t", 0, 1));
        dispatcher.dispatch(room("live://r", "B").fromRecord("t", 0, 2));
        // A again, as a new record: the caller retried after a 503 although the first attempt was stored
        dispatcher.dispatch(room("live://r", "A", "order-1").fromRecord("t", 0, 3));
        dispatcher.dispatch(room("live://r", "C", "order-2").fromRecord("t", 0, 4));
        // without an id, the same body as a new record is a new message
        dispatcher.dispatch(room("live://r", "B").fromRecord("t", 0, 5));
        await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 5);
        for (RecordingCometService c : List.of(c1, c2)) {
            assertThat(roomCalls(c, "live://r")).containsExactly("1 [A]", "2 [B]", "1 [A]", "3 [C]", "4 [B]");
        }
        assertThat(store.appends("live://r")).extracting(CountingHistoryStore.Append::dedupeIds).containsExactly(
                List.of("id:order-1"), List.of("t/0/2"), List.of("id:order-1"), List.of("id:order-2"),
                List.of("t/0/5"));
        HistoryStore.Slice s = store.read("live://r", 0, 100, false).join();
        assertThat(s.top()).isEqualTo(4);
        assertThat(s.entries()).extracting(RoomPositionsTest::bodyOf).containsExactly("A", "B", "C", "B");
    }

    @Test
    void shouldKeepABroadcastsPositionForTheCallersIdInProcessToo() {
        CountingHistoryStore store = new CountingHistoryStore();
        start(TestConfigs.config(), store);
        PushMsg m = PushMsg.newBuilder().setType(PushMsg.Type.BROADCAST).setOperation(1000)
                .setMsg(ByteString.copyFromUtf8("x1")).setPushId("b-1").build();
        dispatcher.dispatch(PushTask.of("broadcast", m, (t, ok) -> done.add("x1:" + ok))); // in-process: no record
        dispatcher.dispatch(broadcast("x2", 1000));
        dispatcher.dispatch(PushTask.of("broadcast", m, (t, ok) -> done.add("x1:" + ok)));
        await().atMost(Duration.ofSeconds(20)).until(() -> done.size() == 3);
        assertThat(broadcasts(c1)).containsExactly("1 x1/1000", "2 x2/1000", "1 x1/1000");
        assertThat(store.read("broadcast", 0, 10, false).join().top()).isEqualTo(2);
    }

    @Test
    void shouldSendWithoutPositionAndCountWhenTheAppendFails() {
        HistoryStore failing = new FailingStore();
        start(TestConfigs.config("JGOIM_BATCH_SIZE", "1"), failing);
        dispatcher.dispatch(room("live://f", "f1"));
        dispatcher.dispatch(room("live://f", "f2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 2);
        assertThat(done).containsExactly("f1:true", "f2:true");
        assertThat(roomCalls(c1, "live://f")).containsExactly("0 [f1]", "0 [f2]");
        assertThat(failures("UNAVAILABLE")).isEqualTo(2.0);
    }

    @Test
    void shouldSendWithoutPositionOnceTheAppendTimesOutAndKeepTheRoomsOrder() {
        HandCompletedStore store = new HandCompletedStore();
        start(TestConfigs.config("JGOIM_BATCH_SIZE", "1", "JGOIM_HISTORY_APPEND_TIMEOUT", "200ms"), store);
        dispatcher.dispatch(room("live://s", "s1"));
        dispatcher.dispatch(room("live://s", "s2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 2);
        assertThat(roomCalls(c1, "live://s")).containsExactly("0 [s1]", "0 [s2]");
        assertThat(failures("TIMEOUT")).isEqualTo(2.0);
        store.complete(0); // the store answers late: the batch is not sent again
        barrier();
        assertThat(c1.roomBodies("live://s")).containsExactly("s1", "s2");
    }

    @Test
    void shouldAppendRecordsAgainAfterATimeoutAndKeepTheirFirstPositions() {
        AnswerLostStore store = new AnswerLostStore();
        start(TestConfigs.config("JGOIM_BATCH_SIZE", "1", "JGOIM_HISTORY_APPEND_TIMEOUT", "200ms"), store);
        // The store ran the first append, but its answer is lost (a timeout): the records' ids make the repeat
        // return the same positions instead of appending twice, and no batch goes without a position.
        dispatcher.dispatch(room("live://t", "t1").fromRecord("push", 0, 10));
        dispatcher.dispatch(room("live://t", "t2").fromRecord("push", 0, 11));
        await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 2);
        assertThat(roomCalls(c1, "live://t")).containsExactly("1 [t1]", "2 [t2]");
        assertThat(store.store.read("live://t", 0, 10, false).join().top()).as("appended once each").isEqualTo(2);
        assertThat(failures("TIMEOUT")).isZero();
        assertThat(meters.get("jgoim.job.history.append.retries").counter().count()).isEqualTo(2.0);
    }

    @Test
    void shouldNotAppendAgainWhatHasNoRecordId() {
        AnswerLostStore store = new AnswerLostStore();
        start(TestConfigs.config("JGOIM_BATCH_SIZE", "1", "JGOIM_HISTORY_APPEND_TIMEOUT", "200ms"), store);
        dispatcher.dispatch(room("live://u", "u1")); // the in-process bus: a repeat would append a second copy
        await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 1);
        assertThat(roomCalls(c1, "live://u")).containsExactly("0 [u1]");
        assertThat(store.store.read("live://u", 0, 10, false).join().top()).isEqualTo(1);
        assertThat(failures("TIMEOUT")).isEqualTo(1.0);
    }

    @Test
    void shouldNeitherAppendNorPositionARoomTypeWithoutHistory(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("job.yaml");
        Files.writeString(f, "history:\n  rooms:\n    \"chat\": {size: 0, ttl: 1s}\n");
        Map<String, String> env = new HashMap<>(Map.of("JGOIM_METRICS_ENABLED", "false", "JGOIM_BUS_MODE",
                "in-process", "JGOIM_BATCH_SIZE", "1"));
        JobConfig cfg = JobConfig.load(f, env);
        assertThat(cfg.history().streams().retention("chat://1").enabled()).isFalse();
        assertThat(cfg.history().streams().retention("live://1")).isEqualTo(new Retention(100,
                Duration.ofMinutes(10)));
        CountingHistoryStore store = new CountingHistoryStore();
        start(cfg, store);
        dispatcher.dispatch(room("chat://1", "c"));
        dispatcher.dispatch(room("live://1", "l"));
        await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 2);
        assertThat(roomCalls(c1, "chat://1")).containsExactly("0 [c]");
        assertThat(roomCalls(c1, "live://1")).containsExactly("1 [l]");
        assertThat(store.appends("chat://1")).isEmpty();
        assertThat(store.appendCount()).isEqualTo(1);
    }

    @Test
    void shouldSendRoomPushesWithoutPositionWhenThereIsNoStore() {
        start(TestConfigs.config("JGOIM_BATCH_SIZE", "1"), null);
        dispatcher.dispatch(room("live://n", "n1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 1);
        assertThat(roomCalls(c1, "live://n")).containsExactly("0 [n1]");
    }

    @Test
    void shouldCopyAMemberPushsPositionIntoItsRequest() {
        start(TestConfigs.config(), new CountingHistoryStore());
        PushMsg sequenced = PushMsg.newBuilder().setType(PushMsg.Type.PUSH).setOperation(1001).setServer("c1")
                .addKeys("k1").setMsg(ByteString.copyFromUtf8("m1")).setStream("mid:7").setEpoch(1_700_000_000_000_000L)
                .setOffset(5).build();
        PushMsg old = sequenced.toBuilder().clearStream().clearEpoch().clearOffset().setMsg(
                ByteString.copyFromUtf8("m2")).build();
        dispatcher.dispatch(PushTask.of("k1", sequenced, (t, ok) -> done.add("m1")));
        dispatcher.dispatch(PushTask.of("k1", old, (t, ok) -> done.add("m2")));
        await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 2);
        List<Call> calls = c1.calls();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).position()).isEqualTo(StreamPosition.newBuilder().setStream("mid:7")
                .setEpoch(1_700_000_000_000_000L).setOffset(5).build());
        assertThat(calls.get(1).position()).isNull();
    }

    /**
     * The store seam's test twin: every append is applied to a real memory store when submitted (as Redis runs the
     * script in submission order) but its answer is held until the test completes it, in any order.
     */
    private static final class HandCompletedStore implements HistoryStore {
        private final MemoryHistoryStore store = new MemoryHistoryStore();
        private final List<CompletableFuture<Appended>> futures = new CopyOnWriteArrayList<>();
        private final List<Appended> answers = new CopyOnWriteArrayList<>();

        @Override
        public synchronized CompletableFuture<Appended> append(String stream, List<byte[]> entries,
                                                               List<String> dedupeIds, Retention retention,
                                                               boolean pinned) {
            answers.add(store.append(stream, entries, dedupeIds, retention, pinned).join());
            CompletableFuture<Appended> f = new CompletableFuture<>();
            futures.add(f);
            return f;
        }

        int held() {
            return futures.size();
        }

        void complete(int call) {
            futures.get(call).complete(answers.get(call));
        }

        @Override
        public CompletableFuture<Slice> read(String stream, long since, int limit, boolean last) {
            return store.read(stream, since, limit, last);
        }

        @Override
        public CompletableFuture<Boolean> acknowledge(String stream, String deviceKey, long epoch, long offset,
                                                      Retention retention) {
            return store.acknowledge(stream, deviceKey, epoch, offset, retention);
        }

        @Override
        public CompletableFuture<Devices> devices(String stream, Retention retention) {
            return store.devices(stream, retention);
        }

        @Override
        public void close() {
        }
    }

    /** A store that runs every append, but loses the answer of each batch's first one (it never comes). */
    private static final class AnswerLostStore implements HistoryStore {
        final MemoryHistoryStore store = new MemoryHistoryStore();
        private final java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override
        public CompletableFuture<Appended> append(String stream, List<byte[]> entries, List<String> dedupeIds,
                                                  Retention retention, boolean pinned) {
            Appended a = store.append(stream, entries, dedupeIds, retention, pinned).join();
            String batch = stream + "|" + new String(entries.get(0), java.nio.charset.StandardCharsets.ISO_8859_1);
            return seen.add(batch) ? new CompletableFuture<>() : CompletableFuture.completedFuture(a);
        }

        @Override
        public CompletableFuture<Slice> read(String stream, long since, int limit, boolean last) {
            return store.read(stream, since, limit, last);
        }

        @Override
        public CompletableFuture<Boolean> acknowledge(String stream, String deviceKey, long epoch, long offset,
                                                      Retention retention) {
            return store.acknowledge(stream, deviceKey, epoch, offset, retention);
        }

        @Override
        public CompletableFuture<Devices> devices(String stream, Retention retention) {
            return store.devices(stream, retention);
        }

        @Override
        public void close() {
        }
    }

    /** A store that is down: every append fails with UNAVAILABLE, as a store client does. */
    private static final class FailingStore implements HistoryStore {
        @Override
        public CompletableFuture<Appended> append(String stream, List<byte[]> entries, List<String> dedupeIds,
                                                  Retention retention, boolean pinned) {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.UNAVAILABLE, "store down"));
        }

        @Override
        public CompletableFuture<Boolean> acknowledge(String stream, String deviceKey, long epoch, long offset,
                                                      Retention retention) {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.UNAVAILABLE, "store down"));
        }

        @Override
        public CompletableFuture<Devices> devices(String stream, Retention retention) {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.UNAVAILABLE, "store down"));
        }

        @Override
        public CompletableFuture<Slice> read(String stream, long since, int limit, boolean last) {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.UNAVAILABLE, "store down"));
        }

        @Override
        public void close() {
        }
    }

    private PushTask broadcast(String body, int op) {
        PushMsg m = PushMsg.newBuilder().setType(PushMsg.Type.BROADCAST).setOperation(op)
                .setMsg(ByteString.copyFromUtf8(body)).build();
        return PushTask.of("broadcast", m, (t, ok) -> done.add(body + ":" + ok));
    }

    /** Every broadcast of {@code comet}: "offset body/op" (offset 0: no position). */
    private static List<String> broadcasts(RecordingCometService comet) {
        List<String> out = new ArrayList<>();
        for (Call c : comet.calls()) {
            if (c.kind().equals("broadcast")) {
                out.add((c.position() == null ? 0 : c.position().getOffset()) + " " + c.frames().get(0).body() + "/"
                        + c.protoOp());
            }
        }
        return out;
    }

    @Test
    void shouldSequenceBroadcastsInTheBroadcastStreamAndKeepAReplayedRecordsPosition() {
        CountingHistoryStore store = new CountingHistoryStore();
        start(TestConfigs.config(), store);
        dispatcher.dispatch(broadcast("x1", 1000).fromRecord("t", 3, 10));
        dispatcher.dispatch(broadcast("x2", 1001).fromRecord("t", 3, 11));
        dispatcher.dispatch(broadcast("x1", 1000).fromRecord("t", 3, 10)); // consumed again after a rebalance
        dispatcher.dispatch(broadcast("x3", 1000).fromRecord("t", 3, 12));
        await().atMost(Duration.ofSeconds(20)).until(() -> done.size() == 4);
        assertThat(done).allMatch(s -> s.endsWith(":true"));
        assertThat(broadcasts(c1)).containsExactly("1 x1/1000", "2 x2/1001", "1 x1/1000", "3 x3/1000");
        assertThat(broadcasts(c2)).isEqualTo(broadcasts(c1));
        assertThat(c1.calls()).filteredOn(c -> c.kind().equals("broadcast"))
                .allSatisfy(c -> assertThat(c.position().getStream()).isEqualTo("broadcast"));
        assertThat(store.appends("broadcast")).hasSize(4).allSatisfy(a -> assertThat(a.entries()).isEqualTo(1));
        HistoryStore.Slice s = store.read("broadcast", 0, 10, false).join();
        assertThat(s.top()).isEqualTo(3);
    }

    @Test
    void shouldSendBroadcastsPlainWhenTheBroadcastStreamKeepsNoHistory() {
        CountingHistoryStore store = new CountingHistoryStore();
        start(TestConfigs.config("JGOIM_HISTORY_BROADCAST_SIZE", "0"), store);
        dispatcher.dispatch(broadcast("p1", 1000));
        await().atMost(Duration.ofSeconds(20)).until(() -> done.size() == 1);
        assertThat(broadcasts(c1)).containsExactly("0 p1/1000");
        assertThat(store.appends("broadcast")).isEmpty();
    }
}
