package io.jgoim.common.session;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InMemorySessionDirectoryTest extends SessionDirectoryContract {
    @Override
    SessionDirectory directory(Duration ttl) {
        return new InMemorySessionDirectory(ttl);
    }

    /** A member's routes are an array edited in place of a map: first, middle and last removals, re-adds by key. */
    @Test
    void shouldKeepEachDeviceOfAMemberThroughRemovalsAndReAdds() {
        SessionDirectory d = directory(Duration.ofMinutes(5));
        d.addSession(7, "k1", "comet-a").join();
        d.addSession(7, "k2", "comet-a").join();
        d.addSession(7, "k3", "comet-b").join();
        d.addSession(7, "k2", "comet-b").join(); // same key again: replaced, not duplicated
        assertThat(d.keysByMids(List.of(7L)).join())
                .isEqualTo(Map.of("k1", "comet-a", "k2", "comet-b", "k3", "comet-b"));
        assertThat(d.removeSession(7, "k2", "comet-b").join()).isTrue();
        assertThat(d.keysByMids(List.of(7L)).join()).isEqualTo(Map.of("k1", "comet-a", "k3", "comet-b"));
        assertThat(d.removeSession(7, "k3", "comet-b").join()).isTrue();
        assertThat(d.removeSession(7, "k1", "comet-b").join()).isFalse(); // another server's key stays
        assertThat(d.keysByMids(List.of(7L)).join()).isEqualTo(Map.of("k1", "comet-a"));
        assertThat(d.removeSession(7, "k1", "comet-a").join()).isTrue();
        assertThat(d.keysByMids(List.of(7L)).join()).isEmpty();
        d.addSession(7, "k4", "comet-a").join();
        assertThat(d.keysByMids(List.of(7L)).join()).isEqualTo(Map.of("k4", "comet-a"));
    }

    /** Routes of sessions whose comet died without removing them are purged, as Redis expires them. */
    @Test
    void shouldPurgeExpiredRoutesWhenCometsReport() {
        MutableClock clock = new MutableClock();
        InMemorySessionDirectory d = new InMemorySessionDirectory(Duration.ofSeconds(60), clock);
        d.putOnline("comet-a", Map.of(), Duration.ofSeconds(30)).join(); // the first report purges nothing
        d.addSession(7, "k1", "comet-a").join();
        d.addSession(7, "k2", "comet-a").join();
        d.addSession(0, "k3", "comet-a").join();
        clock.now += 40_000;
        d.refreshSession(7, "k2", "comet-a").join(); // k2 lives on to 100 s
        clock.now += 30_000;                          // 70 s: k1 and k3 expired
        d.putOnline("comet-a", Map.of(), Duration.ofSeconds(30)).join();
        assertThat(d.size()).isEqualTo(1);
        assertThat(d.members()).isEqualTo(1);
        assertThat(d.keysByMids(List.of(7L)).join()).isEqualTo(Map.of("k2", "comet-a"));
        clock.now += 5_000;                           // not due again before ttl / 4 = 15 s
        d.addSession(0, "k4", "comet-a").join();
        clock.now += 61_000;                           // 136 s: everything expired, the purge is due
        d.putOnline("comet-a", Map.of(), Duration.ofSeconds(30)).join();
        assertThat(d.size()).isZero();
        assertThat(d.members()).isZero();
    }

    private static final class MutableClock extends java.time.Clock {
        long now = 1_000_000;

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.ofEpochMilli(now);
        }

        @Override
        public long millis() {
            return now;
        }
    }
}
