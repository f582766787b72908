package io.jgoim.comet.index;

import io.jgoim.comet.TestSessions;
import io.jgoim.comet.frame.SessionTransport;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class SessionTableTest {
    private final TestSessions sessions = new TestSessions();
    private final EmbeddedChannel ch = new EmbeddedChannel();

    private Session session(String key) {
        return sessions.session(ch, SessionTransport.TCP, key, 0);
    }

    @Test
    void shouldFindNothingInAnEmptyTable() {
        SessionTable t = new SessionTable(16);
        assertThat(t.get("k")).isNull();
        assertThat(t.remove(session("k"))).isFalse();
        assertThat(t.size()).isZero();
    }

    @Test
    void shouldReplaceByKeyAndRemoveOnlyTheSameSession() {
        SessionTable t = new SessionTable(16);
        Session old = session("k");
        Session newer = session("k");
        assertThat(t.put(old)).isNull();
        assertThat(t.put(newer)).isSameAs(old);
        assertThat(t.size()).isEqualTo(1);
        assertThat(t.remove(old)).isFalse();
        assertThat(t.get("k")).isSameAs(newer);
        assertThat(t.remove(newer)).isTrue();
        assertThat(t.get("k")).isNull();
        assertThat(t.size()).isZero();
    }

    @Test
    void shouldKeepEveryKeyThroughGrowthRemovalsAndReuse() {
        SessionTable t = new SessionTable(4);
        List<Session> all = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            Session s = session("key-" + i);
            all.add(s);
            assertThat(t.put(s)).isNull();
        }
        assertThat(t.size()).isEqualTo(20_000);
        for (int i = 0; i < 20_000; i += 2) {
            assertThat(t.remove(all.get(i))).isTrue();
        }
        for (int i = 0; i < 20_000; i++) {
            assertThat(t.get("key-" + i)).isSameAs(i % 2 == 0 ? null : all.get(i));
        }
        // Churn: tombstones are reused or cleared by rehashes, and no key is lost on the way.
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 20_000; i += 2) {
                assertThat(t.put(all.get(i))).isNull();
            }
            for (int i = 0; i < 20_000; i += 2) {
                assertThat(t.remove(all.get(i))).isTrue();
            }
        }
        assertThat(t.size()).isEqualTo(10_000);
        for (int i = 1; i < 20_000; i += 2) {
            assertThat(t.get("key-" + i)).isSameAs(all.get(i));
        }
    }

    @Test
    void shouldFindKeysThatShareTheirBucketBits() {
        // Every key of one bucket has the same low bits of h ^ (h >>> 16); the table must still spread them.
        SessionTable t = new SessionTable(16);
        List<Session> same = new ArrayList<>();
        for (int i = 0; same.size() < 2_000; i++) {
            String k = "m" + i;
            int h = k.hashCode();
            if (((h ^ (h >>> 16)) & 31) == 7) {
                same.add(session(k));
            }
        }
        same.forEach(t::put);
        for (Session s : same) {
            assertThat(t.get(s.key())).isSameAs(s);
        }
    }

    @Test
    void shouldNeverMissAStayingSessionWhileOthersComeAndGo() throws Exception {
        SessionTable t = new SessionTable(8);
        List<Session> staying = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            Session s = session("stay-" + i);
            staying.add(s);
            t.put(s);
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong misses = new AtomicLong();
        AtomicLong lookups = new AtomicLong();
        AtomicInteger writerRounds = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(3);
        Runnable reader = () -> {
            try {
                while (!stop.get()) {
                    for (Session s : staying) {
                        if (t.get(s.key()) != s) {
                            misses.incrementAndGet();
                        }
                        lookups.incrementAndGet();
                    }
                }
            } finally {
                done.countDown();
            }
        };
        Runnable writer = () -> {
            try {
                List<Session> churn = new ArrayList<>();
                for (int i = 0; i < 3_000; i++) {
                    churn.add(session("churn-" + i));
                }
                for (int round = 0; round < 30; round++) {
                    churn.forEach(t::put);
                    churn.forEach(t::remove);
                    writerRounds.incrementAndGet();
                }
            } finally {
                stop.set(true);
                done.countDown();
            }
        };
        new Thread(reader, "reader-1").start();
        new Thread(reader, "reader-2").start();
        new Thread(writer, "writer").start();
        done.await();
        assertThat(writerRounds.get()).isEqualTo(30);
        assertThat(lookups.get()).isPositive();
        assertThat(misses.get()).isZero();
        assertThat(t.size()).isEqualTo(64);
    }
}
