package io.jgoim.common.history;

import io.jgoim.common.history.HistoryStore.Appended;
import io.jgoim.common.history.HistoryStore.Slice;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** The behaviour every {@link HistoryStore} must have; run against the in-memory twin and Redis (node and Cluster). */
@Timeout(30)
abstract class HistoryStoreContract {
    static final Retention TEN = new Retention(10, Duration.ofMinutes(5));

    /** A store over an empty backend; closed after each test. */
    abstract HistoryStore newStore();

    HistoryStore store;

    /**
     * The store for the tests that put hundreds of calls in flight at once, where what is asserted is the outcome and
     * not the time: {@link #store} unless the backend needs a longer command timeout for them (Redis: its 500 ms
     * timed out an EVAL of such a burst once on a loaded CI machine).
     */
    HistoryStore burstStore() {
        return store;
    }

    @BeforeEach
    void open() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static List<byte[]> frames(String... s) {
        List<byte[]> out = new ArrayList<>();
        for (String x : s) {
            out.add(bytes(x));
        }
        return out;
    }

    static List<String> texts(Slice s) {
        List<String> out = new ArrayList<>();
        for (byte[] e : s.entries()) {
            out.add(new String(e, StandardCharsets.UTF_8));
        }
        return out;
    }

    Appended append(String stream, Retention r, String... entries) {
        return store.append(stream, frames(entries), null, r).join();
    }

    static ErrorCode codeOf(Throwable t) {
        Throwable c = t.getCause() != null ? t.getCause() : t;
        assertThat(c).isInstanceOf(JgoimException.class);
        return ((JgoimException) c).code();
    }

    @Test
    void shouldNumberOffsetsFromOnePerStreamAndKeepTheEpoch() {
        Appended a1 = append("live://1", TEN, "a", "b");
        Appended b1 = append("mid:7", TEN, "x");
        Appended a2 = append("live://1", TEN, "c");
        Appended b2 = append("mid:7", TEN, "y", "z");
        assertThat(a1.offsets()).containsExactly(1, 2);
        assertThat(a2.offsets()).containsExactly(3);
        assertThat(b1.offsets()).containsExactly(1);
        assertThat(b2.offsets()).containsExactly(2, 3);
        assertThat(a1.epoch()).isPositive().isEqualTo(a2.epoch());
        assertThat(b1.epoch()).isPositive().isEqualTo(b2.epoch());
        Slice s = store.read("live://1", 0, 100, false).join();
        assertThat(s.epoch()).isEqualTo(a1.epoch());
        assertThat(s.top()).isEqualTo(3);
        assertThat(s.first()).isEqualTo(1);
        assertThat(texts(s)).containsExactly("a", "b", "c");
        assertThat(s.complete()).isTrue();
    }

    @Test
    void shouldReadAnUnknownStreamAsEpochZeroTopZero() {
        Slice s = store.read("live://none", 0, 10, false).join();
        assertThat(s.epoch()).isZero();
        assertThat(s.top()).isZero();
        assertThat(s.entries()).isEmpty();
        assertThat(s.complete()).isTrue();
        assertThat(store.read("live://none", 0, 10, true).join().complete()).isTrue();
        // a position in a stream that no longer exists cannot be filled
        Slice lost = store.read("live://none", 5, 10, false).join();
        assertThat(lost.epoch()).isZero();
        assertThat(lost.entries()).isEmpty();
        assertThat(lost.complete()).isFalse();
    }

    @Test
    void shouldKeepEntriesByteForByte() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        byte[] invalidUtf8 = {(byte) 0xC3, (byte) 0x28, 0, (byte) 0xFF, (byte) 0xFE};
        store.append("live://bin", List.of(all, invalidUtf8, new byte[0]), null, TEN).join();
        Slice s = store.read("live://bin", 0, 10, false).join();
        assertThat(s.entries()).hasSize(3);
        assertThat(s.entries().get(0)).isEqualTo(all);
        assertThat(s.entries().get(1)).isEqualTo(invalidUtf8);
        assertThat(s.entries().get(2)).isEmpty();
    }

    @Test
    void shouldReadSinceWithLimitAndLast() {
        append("live://r", TEN, "1", "2", "3", "4", "5");
        Slice after2 = store.read("live://r", 2, 2, false).join();
        assertThat(after2.first()).isEqualTo(3);
        assertThat(texts(after2)).containsExactly("3", "4");
        assertThat(after2.top()).isEqualTo(5);
        assertThat(after2.complete()).isTrue();

        Slice last2 = store.read("live://r", 0, 2, true).join();
        assertThat(last2.first()).isEqualTo(4);
        assertThat(texts(last2)).containsExactly("4", "5");
        assertThat(last2.complete()).isTrue();

        Slice lastMany = store.read("live://r", 4, 100, true).join(); // last ignores since
        assertThat(texts(lastMany)).containsExactly("1", "2", "3", "4", "5");
        assertThat(lastMany.first()).isEqualTo(1);

        Slice none = store.read("live://r", 1, 0, false).join();
        assertThat(none.entries()).isEmpty();
        assertThat(none.complete()).isTrue();
    }

    @Test
    void shouldReadNothingButCompleteAtOrBeyondTop() {
        Appended a = append("live://top", TEN, "1", "2", "3");
        Slice atTop = store.read("live://top", 3, 10, false).join();
        assertThat(atTop.entries()).isEmpty();
        assertThat(atTop.complete()).isTrue();
        assertThat(atTop.top()).isEqualTo(3);
        assertThat(atTop.first()).isEqualTo(4);
        assertThat(atTop.epoch()).isEqualTo(a.epoch());
        for (long ahead : new long[] {4, 1_000, Long.MAX_VALUE - 1, Long.MAX_VALUE}) {
            Slice s = store.read("live://top", ahead, 10, false).join();
            assertThat(s.entries()).as("since %d", ahead).isEmpty();
            assertThat(s.complete()).as("since %d", ahead).isTrue();
            assertThat(s.top()).isEqualTo(3);
            assertThat(s.first()).as("since %d", ahead).isEqualTo(4);
        }
    }

    @Test
    void shouldTrimToSizeAndReportIncompleteReadsBeforeTheRetainedRange() {
        Retention three = new Retention(3, Duration.ofMinutes(5));
        append("live://trim", three, "1", "2");
        append("live://trim", three, "3", "4", "5");
        Slice all = store.read("live://trim", 0, 100, false).join();
        assertThat(all.first()).isEqualTo(3);
        assertThat(texts(all)).containsExactly("3", "4", "5");
        assertThat(all.complete()).isFalse(); // 1 and 2 were trimmed
        assertThat(store.read("live://trim", 1, 100, false).join().complete()).isFalse();

        Slice from2 = store.read("live://trim", 2, 100, false).join();
        assertThat(from2.first()).isEqualTo(3);
        assertThat(texts(from2)).containsExactly("3", "4", "5");
        assertThat(from2.complete()).isTrue();

        Slice last = store.read("live://trim", 0, 100, true).join();
        assertThat(texts(last)).containsExactly("3", "4", "5");
        assertThat(last.complete()).isTrue();

        // a smaller size on a later append trims what is already kept
        append("live://trim", new Retention(2, Duration.ofMinutes(5)), "6");
        Slice smaller = store.read("live://trim", 0, 100, false).join();
        assertThat(smaller.first()).isEqualTo(5);
        assertThat(texts(smaller)).containsExactly("5", "6");
        assertThat(smaller.top()).isEqualTo(6);
    }

    @Test
    void shouldReturnEachEntrysAudienceWithItsOffsetAndTrimItWithTheEntry() {
        Retention three = new Retention(3, Duration.ofMinutes(5));
        String toA = Audience.encode(List.of("k-a"));
        String toAb = Audience.encode(List.of("k b", "k:a"));
        store.append("mid:9", frames("all-1"), null, three, false, null).join();
        Appended a = store.append("mid:9", frames("a-2"), null, three, false, toA).join();
        store.append("mid:9", frames("all-3"), null, three, false).join();
        store.append("mid:9", frames("ab-4"), List.of("push-4"), three, false, toAb).join();
        assertThat(a.offsets()).containsExactly(2);

        Slice s = store.read("mid:9", 1, 100, false).join();
        assertThat(texts(s)).containsExactly("a-2", "all-3", "ab-4");
        assertThat(s.audiences()).containsOnlyKeys(2L, 4L);
        assertThat(Audience.decode(s.audiences().get(2L))).containsExactly("k-a");
        assertThat(Audience.decode(s.audiences().get(4L))).containsExactlyInAnyOrder("k b", "k:a");
        // only the audiences of the entries read
        assertThat(store.read("mid:9", 2, 1, false).join().audiences()).isEmpty();
        assertThat(store.read("mid:9", 0, 1, true).join().audiences()).containsOnlyKeys(4L);
        // a replayed id keeps its first audience (none would otherwise be stored)
        store.append("mid:9", frames("ab-4"), List.of("push-4"), three, false, toA).join();
        assertThat(store.read("mid:9", 3, 10, false).join().audiences().get(4L)).isEqualTo(toAb);

        // trimmed with its entry: offsets 5..7 retained, 4 gone
        store.append("mid:9", frames("5", "6", "7"), null, three, false).join();
        Slice after = store.read("mid:9", 0, 100, false).join();
        assertThat(after.first()).isEqualTo(5);
        assertThat(after.audiences()).isEmpty();
    }

    @Test
    void shouldStartANewEpochWithoutTheOldEpochsAudiences() {
        Retention shortLived = new Retention(10, Duration.ofMillis(300));
        store.append("mid:10", frames("x"), null, shortLived, false, Audience.encode(List.of("k"))).join();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() ->
                store.read("mid:10", 0, 10, false).join().epoch() == 0);
        store.append("mid:10", frames("y"), null, shortLived, false).join();
        Slice s = store.read("mid:10", 0, 10, false).join();
        assertThat(texts(s)).containsExactly("y");
        assertThat(s.first()).isEqualTo(1);
        assertThat(s.audiences()).isEmpty();
    }

    @Test
    void shouldRoundTripAudiencesOfAnyKeys() {
        List<String> keys = List.of("plain", "with:colon", "12:3", "", "new\nline é");
        assertThat(Audience.decode(Audience.encode(keys))).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(Audience.encode(List.of("b", "a"))).isEqualTo(Audience.encode(List.of("a", "b")));
        assertThat(Audience.contains(Audience.encode(List.of("k-1", "k-12")), "k-1")).isTrue();
        assertThat(Audience.contains(Audience.encode(List.of("k-12")), "k-1")).isFalse();
        assertThat(Audience.decode("garbage")).isEmpty();
    }

    @Test
    void shouldKeepNoEntriesButStillNumberThemWithSizeZero() {
        Retention off = new Retention(0, Duration.ofMinutes(5));
        Appended a = store.append("live://zero", frames("1", "2"), List.of("z/0/1", "z/0/2"), off).join();
        assertThat(a.offsets()).containsExactly(1, 2);
        Slice s = store.read("live://zero", 0, 10, false).join();
        assertThat(s.top()).isEqualTo(2);
        assertThat(s.entries()).isEmpty();
        assertThat(s.complete()).isFalse();
        // nothing is remembered either: the same id is a new entry
        assertThat(store.append("live://zero", frames("1"), List.of("z/0/1"), off).join().offsets())
                .containsExactly(3);
    }

    @Test
    void shouldStartANewEpochAtOffsetOneAfterTheTtl() {
        Retention brief = new Retention(10, Duration.ofMillis(300));
        Appended before = append("live://ttl", brief, "1", "2");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> store.read("live://ttl", 0, 10, false).join().epoch() == 0);
        Appended after = append("live://ttl", brief, "3");
        assertThat(after.offsets()).containsExactly(1);
        assertThat(after.epoch()).isPositive().isNotEqualTo(before.epoch());
        Slice s = store.read("live://ttl", 0, 10, false).join();
        assertThat(texts(s)).containsExactly("3");
        assertThat(s.epoch()).isEqualTo(after.epoch());
    }

    @Test
    void shouldKeepAStreamAliveWhileAppendsComeWithinTheTtl() throws InterruptedException {
        Retention twoSeconds = new Retention(10, Duration.ofSeconds(2));
        Appended first = append("live://alive", twoSeconds, "1");
        Thread.sleep(1_200);
        append("live://alive", twoSeconds, "2");
        Thread.sleep(1_200); // 2.4 s after the first append: alive only because the second one renewed the ttl
        Slice s = store.read("live://alive", 0, 10, false).join();
        assertThat(s.epoch()).isEqualTo(first.epoch());
        assertThat(texts(s)).containsExactly("1", "2");
    }

    @Test
    void shouldKeepTheFirstOffsetOfAReplayedId() {
        Appended first = store.append("live://dd", frames("a", "b", "c"),
                List.of("t/0/1", "t/0/2", "t/0/3"), TEN).join();
        assertThat(first.offsets()).containsExactly(1, 2, 3);
        // a consumer restarted: the batch's prefix again, then new records; and an entry without id in between
        Appended replay = store.append("live://dd", frames("b", "c", "d", "x", "e"),
                Arrays.asList("t/0/2", "t/0/3", "t/0/4", null, "t/0/5"), TEN).join();
        assertThat(replay.epoch()).isEqualTo(first.epoch());
        assertThat(replay.offsets()).containsExactly(2, 3, 4, 5, 6);
        Slice s = store.read("live://dd", 0, 100, false).join();
        assertThat(texts(s)).containsExactly("a", "b", "c", "d", "x", "e");
        assertThat(s.top()).isEqualTo(6);
        // the same id twice in one batch is one entry
        Appended twice = store.append("live://dd", frames("f", "f"), List.of("t/0/6", "t/0/6"), TEN).join();
        assertThat(twice.offsets()).containsExactly(7, 7);
        // ids are per stream
        assertThat(store.append("live://other", frames("b"), List.of("t/0/2"), TEN).join().offsets())
                .containsExactly(1);
    }

    @Test
    void shouldRememberOnlyTheLastSizeIds() {
        Retention three = new Retention(3, Duration.ofMinutes(5));
        for (int i = 1; i <= 5; i++) {
            assertThat(store.append("live://mem", frames("e" + i), List.of("id" + i), three).join().offsets())
                    .containsExactly(i);
        }
        assertThat(store.append("live://mem", frames("e5"), List.of("id5"), three).join().offsets())
                .containsExactly(5);
        assertThat(store.append("live://mem", frames("e3"), List.of("id3"), three).join().offsets())
                .containsExactly(3);
        // id2 left the memory when id5 came: it is a new entry now
        assertThat(store.append("live://mem", frames("e2"), List.of("id2"), three).join().offsets())
                .containsExactly(6);
        // and it pushed id3 out
        assertThat(store.append("live://mem", frames("e3"), List.of("id3"), three).join().offsets())
                .containsExactly(7);
    }

    @Test
    void shouldGiveConcurrentAppendsUniqueContiguousOffsets() throws Exception {
        int threads = 6;
        int perThread = 40;
        Retention big = new Retention(1_000, Duration.ofMinutes(5));
        HistoryStore burst = burstStore();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<long[]>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    go.await();
                    List<CompletableFuture<Appended>> pending = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        int n = 1 + i % 3; // batches of 1..3 entries
                        String[] entries = new String[n];
                        for (int k = 0; k < n; k++) {
                            entries[k] = thread + "/" + i + "/" + k;
                        }
                        pending.add(burst.append("live://busy", frames(entries), null, big));
                    }
                    List<long[]> offsets = new ArrayList<>();
                    for (CompletableFuture<Appended> p : pending) {
                        offsets.add(p.join().offsets());
                    }
                    return offsets;
                }));
            }
            go.countDown();
            List<Long> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long previous = 0;
                for (long[] batch : results.get(t).get()) {
                    for (int k = 0; k < batch.length; k++) {
                        all.add(batch[k]);
                        if (k > 0) {
                            assertThat(batch[k]).isEqualTo(batch[k - 1] + 1); // a batch stays together
                        }
                    }
                    assertThat(batch[0]).isGreaterThan(previous); // one thread's calls keep their order
                    previous = batch[batch.length - 1];
                }
            }
            Collections.sort(all);
            int total = 0;
            for (int i = 0; i < perThread; i++) {
                total += threads * (1 + i % 3);
            }
            assertThat(all).containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
            Slice s = store.read("live://busy", 0, 10_000, false).join();
            assertThat(s.entries()).hasSize(total);
            assertThat(s.top()).isEqualTo(total);
            // each entry sits at the offset its append was given
            for (int t = 0; t < threads; t++) {
                List<long[]> batches = results.get(t).get();
                for (int i = 0; i < batches.size(); i++) {
                    for (int k = 0; k < batches.get(i).length; k++) {
                        long off = batches.get(i)[k];
                        assertThat(new String(s.entries().get((int) off - 1), StandardCharsets.UTF_8))
                                .isEqualTo(t + "/" + i + "/" + k);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- must-deliver pins and device acks ----

    Appended pinned(String stream, Retention r, String... entries) {
        return store.append(stream, frames(entries), null, r, true).join();
    }

    boolean ack(String stream, String device, long epoch, long offset, Retention r) {
        return store.acknowledge(stream, device, epoch, offset, r).join();
    }

    @Test
    void shouldKeepAPinnedEntryPastTheSizeUntilEveryDeviceSeenAckedIt() {
        Retention three = new Retention(3, Duration.ofMinutes(5));
        String s = "mid:pin";
        ack(s, "phone", 0, 0, three);
        ack(s, "laptop", 0, 0, three);
        append(s, three, "1", "2");
        Appended must = pinned(s, three, "p");
        assertThat(must.offsets()).containsExactly(3);
        for (int i = 4; i <= 10; i++) {
            append(s, three, Integer.toString(i));
        }
        Slice held = store.read(s, 2, 100, false).join();
        assertThat(held.first()).isEqualTo(3);
        assertThat(texts(held)).containsExactly("p", "4", "5", "6", "7", "8", "9", "10");
        assertThat(held.complete()).isTrue();
        assertThat(store.read(s, 1, 100, false).join().complete()).isFalse(); // 2 was trimmed: retention contiguous

        long e = must.epoch();
        assertThat(ack(s, "phone", e, 10, three)).isTrue();
        assertThat(store.read(s, 0, 100, false).join().first()).isEqualTo(3);
        assertThat(ack(s, "laptop", e, 2, three)).isTrue(); // taken, but below the pin
        assertThat(store.read(s, 0, 100, false).join().first()).isEqualTo(3);
        assertThat(store.devices(s, three).join().devices()).containsExactly(
                new HistoryStore.Device("laptop", e, 2), new HistoryStore.Device("phone", e, 10));

        assertThat(ack(s, "laptop", e, 3, three)).isTrue(); // the last device acked the pin: released, trimmed
        Slice trimmed = store.read(s, 0, 100, false).join();
        assertThat(trimmed.first()).isEqualTo(8);
        assertThat(texts(trimmed)).containsExactly("8", "9", "10");
        HistoryStore.Devices d = store.devices(s, three).join();
        assertThat(d.epoch()).isEqualTo(e);
        assertThat(d.top()).isEqualTo(10);
        assertThat(d.devices()).containsExactly(
                new HistoryStore.Device("laptop", e, 3), new HistoryStore.Device("phone", e, 10));
    }

    @Test
    void shouldHoldTheOldestPinAndReleasePinsInOrder() {
        Retention two = new Retention(2, Duration.ofMinutes(5));
        String s = "mid:pins";
        ack(s, "a", 0, 0, two);
        Appended first = pinned(s, two, "p1");
        append(s, two, "x", "y");
        pinned(s, two, "p4");
        append(s, two, "z", "w", "v");
        assertThat(store.read(s, 0, 100, false).join().first()).isEqualTo(1);
        ack(s, "a", first.epoch(), 1, two); // p1 released; p4 holds the history back to 4
        Slice s4 = store.read(s, 0, 100, false).join();
        assertThat(s4.first()).isEqualTo(4);
        assertThat(texts(s4)).containsExactly("p4", "z", "w", "v");
        ack(s, "a", first.epoch(), 7, two);
        assertThat(store.read(s, 0, 100, false).join().first()).isEqualTo(6);
    }

    @Test
    void shouldNotHoldAPinWhenNoDeviceIsKnown() {
        Retention two = new Retention(2, Duration.ofMinutes(5));
        pinned("mid:nobody", two, "p");
        append("mid:nobody", two, "2", "3");
        assertThat(texts(store.read("mid:nobody", 0, 100, false).join())).containsExactly("2", "3");
    }

    @Test
    void shouldReleaseAPinOlderThanTheTtl() {
        Retention brief = new Retention(2, Duration.ofMillis(400));
        String s = "mid:pin-ttl";
        ack(s, "silent", 0, 0, brief);
        pinned(s, brief, "p");
        append(s, brief, "2", "3", "4");
        assertThat(store.read(s, 0, 100, false).join().first()).isEqualTo(1);
        // the device stays seen and the stream alive (appends within the ttl), but the pin ages out
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            ack(s, "silent", 0, 0, brief);
            append(s, brief, "more");
            return store.read(s, 0, 100, false).join().first() > 1;
        });
        Slice after = store.read(s, 0, 100, false).join();
        assertThat(after.entries()).hasSize(2);
        assertThat(after.first()).isEqualTo(after.top() - 1);
        assertThat(store.devices(s, brief).join().devices()).extracting(HistoryStore.Device::key)
                .containsExactly("silent");
    }

    @Test
    void shouldCapPinnedHistoryAtTenTimesTheSize() {
        Retention two = new Retention(2, Duration.ofMinutes(5));
        String s = "mid:cap";
        ack(s, "never-acks", 0, 0, two);
        pinned(s, two, "p");
        int cap = 2 * HistoryStore.PIN_CAP_FACTOR;
        for (int i = 2; i <= cap; i++) {
            append(s, two, Integer.toString(i));
        }
        Slice full = store.read(s, 0, 100, false).join();
        assertThat(full.first()).isEqualTo(1);
        assertThat(full.entries()).hasSize(cap);
        // one more would keep more than the cap: the pin is released and the history trims back to the size
        append(s, two, "over");
        Slice capped = store.read(s, 0, 100, false).join();
        assertThat(capped.top()).isEqualTo(cap + 1);
        assertThat(texts(capped)).containsExactly(Integer.toString(cap), "over");
    }

    @Test
    void shouldTakeOnlyAcksOfTheCurrentEpochAndAnAssignedOffset() {
        Appended a = append("mid:acks", TEN, "1", "2", "3");
        long e = a.epoch();
        assertThat(ack("mid:acks", "k", e + 1, 2, TEN)).isFalse();
        assertThat(ack("mid:acks", "k", e, 4, TEN)).isFalse();
        assertThat(ack("mid:acks", "k", 0, 0, TEN)).isFalse();
        assertThat(ack("mid:acks", "k", e, 2, TEN)).isTrue();
        assertThat(ack("mid:acks", "k", e, 1, TEN)).isTrue(); // cumulative: a lower ack changes nothing
        assertThat(ack("mid:acks", "k", e + 1, 3, TEN)).isFalse();
        HistoryStore.Devices d = store.devices("mid:acks", TEN).join();
        assertThat(d.devices()).containsExactly(new HistoryStore.Device("k", e, 2));
        assertThat(d.devices().get(0).acked(e, 2)).isTrue();
        assertThat(d.devices().get(0).acked(e, 3)).isFalse();
        assertThat(d.devices().get(0).acked(e + 1, 1)).isFalse();
        // nothing about the entries changed
        assertThat(texts(store.read("mid:acks", 0, 10, false).join())).containsExactly("1", "2", "3");
    }

    @Test
    void shouldRememberADeviceOfAStreamWithoutMessagesWithoutStartingIt() {
        assertThat(ack("mid:quiet", "k", 0, 0, TEN)).isFalse();
        HistoryStore.Devices d = store.devices("mid:quiet", TEN).join();
        assertThat(d.epoch()).isZero();
        assertThat(d.top()).isZero();
        assertThat(d.devices()).containsExactly(new HistoryStore.Device("k", 0, 0));
        Slice s = store.read("mid:quiet", 0, 10, false).join();
        assertThat(s.epoch()).isZero();
        assertThat(s.top()).isZero();
        assertThat(store.devices("mid:none", TEN).join().devices()).isEmpty();
    }

    @Test
    void shouldListOnlyDevicesSeenWithinTheTtl() throws InterruptedException {
        Retention brief = new Retention(10, Duration.ofMillis(600));
        ack("mid:seen", "old", 0, 0, brief);
        Thread.sleep(300);
        ack("mid:seen", "new", 0, 0, brief);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() ->
                store.devices("mid:seen", brief).join().devices().size() == 1);
        assertThat(store.devices("mid:seen", brief).join().devices()).extracting(HistoryStore.Device::key)
                .containsExactly("new");
    }

    @Test
    void shouldForgetTheLeastRecentlySeenDevicePastTheBound() throws InterruptedException {
        ack("mid:many", "d-stalest", 0, 0, TEN);
        Thread.sleep(5);
        for (int i = 1; i < HistoryStore.MAX_DEVICES; i++) {
            ack("mid:many", "d" + i, 0, 0, TEN);
        }
        assertThat(store.devices("mid:many", TEN).join().devices()).hasSize(HistoryStore.MAX_DEVICES);
        ack("mid:many", "d-newest", 0, 0, TEN);
        List<HistoryStore.Device> d = store.devices("mid:many", TEN).join().devices();
        assertThat(d).hasSize(HistoryStore.MAX_DEVICES);
        assertThat(d).extracting(HistoryStore.Device::key).contains("d-newest").doesNotContain("d-stalest");
    }

    @Test
    void shouldRefuseBadArgumentsWithBadParameter() {
        List<CompletableFuture<?>> bad = List.of(
                store.append("", frames("a"), null, TEN),
                store.append("live://x", frames("a", "b"), List.of("only-one"), TEN),
                store.append("live://x", Arrays.asList(bytes("a"), null), null, TEN),
                store.read("", 0, 10, false),
                store.read("live://x", -1, 10, false),
                store.read("live://x", 0, -1, false),
                store.acknowledge("", "k", 1, 1, TEN),
                store.acknowledge("mid:1", "", 1, 1, TEN),
                store.acknowledge("mid:1", "k", 1, -1, TEN),
                store.acknowledge("mid:1", "k", 1, 1, null),
                store.devices("", TEN),
                store.devices("mid:1", null));
        for (CompletableFuture<?> f : bad) {
            assertThat(codeOf(catchThrowable(f::join))).isEqualTo(ErrorCode.BAD_PARAMETER);
        }
        // and nothing happened to the stream
        Slice s = store.read("live://x", 0, 10, false).join();
        assertThat(s.epoch()).isZero();
        assertThat(s.top()).isZero();
        assertThat(store.devices("mid:1", TEN).join().devices()).isEmpty();
    }
}
