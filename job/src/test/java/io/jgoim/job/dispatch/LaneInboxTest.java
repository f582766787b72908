package io.jgoim.job.dispatch;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class LaneInboxTest {
    private static final long LONG_PARK = TimeUnit.SECONDS.toNanos(30);

    @Test
    void shouldReturnEntriesInArrivalOrderAcrossChunks() {
        LaneInbox inbox = new LaneInbox(Thread.currentThread());
        int n = LaneInbox.CHUNK * 3 + 7;
        for (int i = 0; i < n; i++) {
            inbox.add(i);
        }
        assertThat(inbox.size()).isEqualTo(n);
        for (int i = 0; i < n; i++) {
            assertThat(inbox.poll()).isEqualTo(i);
        }
        assertThat(inbox.poll()).isNull();
    }

    @Test
    void shouldReturnNullAtOnceWhenEmptyAndNotAllowedToPark() {
        LaneInbox inbox = new LaneInbox(Thread.currentThread());
        assertThat(inbox.poll(0)).isNull();
        inbox.add("a");
        assertThat(inbox.poll(0)).isEqualTo("a");
    }

    @Test
    void shouldWakeAParkedConsumerWithTheEntryAddedFromAnotherThread() throws Exception {
        AtomicReference<Object> got = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<LaneInbox> ref = new AtomicReference<>();
        Thread consumer = new Thread(() -> {
            // A 30 s park: the entry can only arrive within the test's wait if the add wakes the consumer.
            got.set(ref.get().poll(LONG_PARK));
            done.countDown();
        });
        LaneInbox inbox = new LaneInbox(consumer);
        ref.set(inbox);
        consumer.start();
        while (consumer.getState() != Thread.State.TIMED_WAITING) {
            Thread.onSpinWait();
        }
        inbox.add("woken");
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(got.get()).isEqualTo("woken");
    }

    @Test
    void shouldDeliverEveryEntryOnceInEachProducersOrder() throws Exception {
        int producers = 4;
        int perProducer = 20_000;
        List<long[]> seen = new ArrayList<>();
        AtomicReference<LaneInbox> ref = new AtomicReference<>();
        long[] lastSeq = new long[producers];
        long[] count = new long[1];
        Thread consumer = new Thread(() -> {
            long total = (long) producers * perProducer;
            while (count[0] < total) {
                Object o = ref.get().poll(LONG_PARK);
                for (; o != null; o = ref.get().poll()) {
                    long v = (Long) o;
                    int p = (int) (v >>> 32);
                    long seq = v & 0xFFFF_FFFFL;
                    if (seq != lastSeq[p] + 1) {
                        seen.add(new long[] {p, lastSeq[p], seq});
                    }
                    lastSeq[p] = seq;
                    count[0]++;
                }
            }
        });
        LaneInbox inbox = new LaneInbox(consumer);
        ref.set(inbox);
        consumer.start();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            long id = p;
            Thread t = new Thread(() -> {
                for (long s = 1; s <= perProducer; s++) {
                    inbox.add(id << 32 | s);
                    if (s % 1_000 == 0) {
                        Thread.yield(); // let the consumer drain and park in between
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(30_000);
        }
        consumer.join(10_000); // a third of one park: a missed wake-up leaves the consumer parked
        assertThat(consumer.isAlive()).as("consumer still waiting: an entry was lost or a wake-up missed").isFalse();
        assertThat(seen).as("out-of-order or duplicate entries (producer, previous, got)").isEmpty();
        assertThat(count[0]).isEqualTo((long) producers * perProducer);
        for (int p = 0; p < producers; p++) {
            assertThat(lastSeq[p]).isEqualTo(perProducer);
        }
    }
}
