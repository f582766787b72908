package io.jgoim.common.history;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The history contract on the in-memory twin, plus what only it has: a restart is a new epoch, expired streams go. */
class MemoryHistoryStoreTest extends HistoryStoreContract {
    @Override
    HistoryStore newStore() {
        return new MemoryHistoryStore();
    }

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private volatile long millis = 1_700_000_000_000L;

        void advance(Duration d) {
            millis += d.toMillis();
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @Test
    void shouldStartEveryStreamUnderANewEpochAfterARestart() {
        HistoryStore before = new MemoryHistoryStore();
        long old = before.append("live://1", frames("a"), null, TEN).join().epoch();
        before.close();
        HistoryStore after = new MemoryHistoryStore();
        HistoryStore.Appended fresh = after.append("live://1", frames("b"), null, TEN).join();
        assertThat(fresh.epoch()).isNotEqualTo(old);
        assertThat(fresh.offsets()).containsExactly(1);
        after.close();
    }

    @Test
    void shouldDropExpiredStreamsThatAreNeverTouchedAgain() {
        ManualClock clock = new ManualClock();
        MemoryHistoryStore memory = new MemoryHistoryStore(clock);
        Retention minute = new Retention(10, Duration.ofMinutes(1));
        for (int mid = 1; mid <= 3; mid++) {
            memory.append("mid:" + mid, frames("hello"), null, minute).join();
        }
        assertThat(memory.streams()).isEqualTo(3);
        clock.advance(Duration.ofMinutes(2));
        memory.append("mid:99", frames("hello"), List.of("x"), minute).join();
        assertThat(memory.streams()).isEqualTo(1);
        assertThat(memory.read("mid:1", 0, 10, false).join().epoch()).isZero();
        assertThat(memory.read("mid:99", 0, 10, false).join().top()).isEqualTo(1);
    }
}
