package io.jgoim.comet.session;

import io.jgoim.comet.metrics.AdmissionMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The queue of auths waiting for a place among the Connects sent to logic ({@link ConnectAdmission#acquire}): first
 * come first served, each wait ends exactly once (placed, expired, cancelled), no place is lost or handed twice, and a
 * full queue or a zero wait refuses at once. A fixed bound (no logic timeout: no adaptation) keeps the counts exact;
 * claimants are told on a real Netty executor.
 */
class ConnectWaitTest {
    private final EventExecutor loop = new DefaultEventExecutor();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void stop() throws InterruptedException {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    /** Records what it was told, in order. */
    private static class Recorder implements ConnectWait.Claimant {
        final String name;
        final ConcurrentLinkedQueue<String> log;
        final AtomicInteger told = new AtomicInteger();

        Recorder(String name, ConcurrentLinkedQueue<String> log) {
            this.name = name;
            this.log = log;
        }

        @Override
        public void placed() {
            told.incrementAndGet();
            log.add(name + " placed");
        }

        @Override
        public void notPlaced(long waited) {
            told.incrementAndGet();
            log.add(name + " not placed");
        }
    }

    private ConnectAdmission admission(int places, Duration wait, int maxWaiting) {
        return new ConnectAdmission(places, null, wait, maxWaiting, new AdmissionMetrics(registry));
    }

    private double shed() {
        return registry.get("jgoim_comet_connects_shed").counter().count();
    }

    @Test
    void shouldPlaceWaitingAuthsInArrivalOrderAsPlacesComeBack() {
        ConnectAdmission a = admission(2, Duration.ofSeconds(30), 10);
        ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
        assertThat(a.acquire(loop, new Recorder("a", log))).isSameAs(ConnectAdmission.PLACED);
        assertThat(a.acquire(loop, new Recorder("b", log))).isSameAs(ConnectAdmission.PLACED);
        List<ConnectWait> waits = new ArrayList<>();
        for (String n : List.of("c", "d", "e")) {
            ConnectWait w = a.acquire(loop, new Recorder(n, log));
            assertThat(w).isNotSameAs(ConnectAdmission.PLACED).isNotSameAs(ConnectAdmission.REFUSED);
            waits.add(w);
        }
        assertThat(a.waiting()).isEqualTo(3);
        assertThat(a.pending()).isEqualTo(2);
        assertThat(registry.get("jgoim_comet_connects_waited").counter().count()).isEqualTo(3.0);

        a.done(1_000_000L, true);
        await().atMost(Duration.ofSeconds(5)).until(() -> log.size() == 1);
        a.done(1_000_000L, true);
        await().atMost(Duration.ofSeconds(5)).until(() -> log.size() == 2);
        assertThat(log).containsExactly("c placed", "d placed");
        assertThat(a.pending()).isEqualTo(2);
        assertThat(a.waiting()).isEqualTo(1);
        assertThat(shed()).isZero();
    }

    @Test
    void shouldRefuseAWaiterWhoseTimeRanOutAndGiveTheNextPlaceToTheOneBehind() {
        ConnectAdmission a = admission(1, Duration.ofMillis(200), 10);
        ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
        assertThat(a.acquire(loop, new Recorder("a", log))).isSameAs(ConnectAdmission.PLACED);
        a.acquire(loop, new Recorder("b", log));
        await().atMost(Duration.ofSeconds(5)).until(() -> log.contains("b not placed"));
        assertThat(a.waiting()).isZero();
        assertThat(a.pending()).as("an expired wait holds no place").isEqualTo(1);
        assertThat(shed()).isEqualTo(1.0);

        ConnectAdmission b = admission(1, Duration.ofSeconds(30), 10);
        assertThat(b.acquire(loop, new Recorder("x", log))).isSameAs(ConnectAdmission.PLACED);
        ConnectWait y = b.acquire(loop, new Recorder("y", log));
        b.acquire(loop, new Recorder("z", log));
        assertThat(y.cancel()).as("the channel closed while it waited").isTrue();
        assertThat(y.cancel()).as("ends once").isFalse();
        b.done(1_000_000L, true);
        await().atMost(Duration.ofSeconds(5)).until(() -> log.contains("z placed"));
        assertThat(log).doesNotContain("y placed", "y not placed");
        assertThat(b.pending()).isEqualTo(1);
        assertThat(b.waiting()).isZero();
    }

    @Test
    void shouldRefuseAtOnceWhenTheQueueIsFullOrWaitingIsOff() {
        ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
        ConnectAdmission full = admission(1, Duration.ofSeconds(30), 2);
        full.acquire(loop, new Recorder("a", log));
        full.acquire(loop, new Recorder("b", log));
        full.acquire(loop, new Recorder("c", log));
        assertThat(full.acquire(loop, new Recorder("d", log))).isSameAs(ConnectAdmission.REFUSED);
        assertThat(full.waiting()).isEqualTo(2);
        assertThat(shed()).isEqualTo(1.0);

        ConnectAdmission off = new ConnectAdmission(1, Duration.ofSeconds(3), new AdmissionMetrics(new SimpleMeterRegistry()));
        assertThat(off.acquire(loop, new Recorder("e", log))).isSameAs(ConnectAdmission.PLACED);
        assertThat(off.acquire(loop, new Recorder("f", log))).isSameAs(ConnectAdmission.REFUSED);
        assertThat(log).isEmpty();
    }

    /**
     * Four threads acquire, answer and cancel at random against 8 places: every wait ends exactly once and, when all
     * is over, no place is held and nobody waits — nothing lost or handed twice in the races of queue, timer and close.
     */
    @Test
    void shouldNeitherLoseNorDoubleAPlaceUnderConcurrentAcquireAnswerAndCancel() throws Exception {
        ConnectAdmission a = admission(8, Duration.ofMillis(50), 1_000);
        ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Recorder> all = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<ConnectWait> cancelled = new ConcurrentLinkedQueue<>();
        AtomicInteger placedNow = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(4);
        for (int t = 0; t < 4; t++) {
            int id = t;
            new Thread(() -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                List<ConnectWait> mine = new ArrayList<>();
                for (int i = 0; i < 2_000; i++) {
                    Recorder c = new Recorder(id + "-" + i, log) {
                        @Override
                        public void placed() {
                            super.placed();
                            a.done(1_000L, true); // its Connect answered at once
                        }
                    };
                    all.add(c);
                    ConnectWait w = a.acquire(loop, c);
                    if (w == ConnectAdmission.PLACED) {
                        placedNow.incrementAndGet();
                        c.told.incrementAndGet();
                        a.done(1_000L, true);
                    } else if (w == ConnectAdmission.REFUSED) {
                        c.told.incrementAndGet();
                    } else if (r.nextInt(4) == 0) {
                        if (w.cancel()) {
                            c.told.incrementAndGet();
                            cancelled.add(w);
                        }
                    }
                }
                done.countDown();
            }).start();
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> a.waiting() == 0 && a.pending() == 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> all.stream().allMatch(c -> c.told.get() >= 1));
        assertThat(all).hasSize(8_000).allSatisfy(c -> assertThat(c.told.get()).as(c.name).isEqualTo(1));
        assertThat(placedNow.get()).as("some placed at once, the rest waited").isPositive();
    }
}
