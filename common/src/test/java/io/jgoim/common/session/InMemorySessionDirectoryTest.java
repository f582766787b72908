package io.jgoim.common.session;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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

    /**
     * 15,000 sessions closing at once (a comet drained or dead in standalone): every one is gone, the 5,000 others
     * are intact, members that keep another device keep exactly it, and the closes scanned the away map only as it
     * doubled (two scans, not one per close above 4,096 as before).
     */
    @Test
    void shouldRemoveFifteenThousandSessionsAndKeepEveryOtherSession() {
        MutableClock clock = new MutableClock();
        InMemorySessionDirectory d = new InMemorySessionDirectory(Duration.ofMinutes(5), clock);
        Map<String, Long> closing = new HashMap<>();
        for (int i = 0; i < 15_000; i++) {
            // 13,500 members of their own, 1,000 members that keep a second device, 500 anonymous (mid 0).
            long mid = i < 13_500 ? 1 + i : i < 14_500 ? 50_000 + i - 13_500 : 0;
            closing.put("c" + i, mid);
            d.addSession(mid, "c" + i, "comet-a").join();
        }
        Map<String, String> staying = new HashMap<>();
        List<Long> stayingMids = new ArrayList<>();
        for (int j = 0; j < 5_000; j++) {
            String server = j % 2 == 0 ? "comet-a" : "comet-b";
            staying.put("s" + j, server);
            stayingMids.add(50_000L + j);
            d.addSession(50_000 + j, "s" + j, server).join();
        }
        assertThat(d.size()).isEqualTo(20_000);
        assertThat(d.members()).isEqualTo(13_500 + 5_000);

        int removed = 0;
        for (Map.Entry<String, Long> e : closing.entrySet()) {
            removed += d.removeSession(e.getValue(), e.getKey(), "comet-a").join() ? 1 : 0;
        }
        assertThat(removed).isEqualTo(15_000);
        assertThat(d.size()).isEqualTo(5_000);
        assertThat(d.members()).isEqualTo(5_000);
        assertThat(d.serversByKeys(closing.keySet()).join()).isEmpty();
        List<Long> closedMids = new ArrayList<>();
        for (long mid = 1; mid <= 13_500; mid++) {
            closedMids.add(mid);
        }
        assertThat(d.keysByMids(closedMids).join()).isEmpty();
        assertThat(d.keysByMids(stayingMids).join()).isEqualTo(staying);
        assertThat(d.serversByKeys(staying.keySet()).join()).isEqualTo(staying);
        // Member sessions stay known as away (their device may resume); anonymous ones do not.
        assertThat(d.away()).isEqualTo(14_500);
        assertThat(d.routesByKeys(closing.keySet()).join()).hasSize(14_500)
                .allSatisfy((k, r) -> assertThat(r.server()).isNull());
        assertThat(d.awayPrunes()).as("scans at 4,097 and 8,195 away routes").isEqualTo(2);

        // Past the ttl the next closes drop the lapsed away-routes (at the threshold the last scan set: 2 × 8,195).
        clock.now += Duration.ofMinutes(6).toMillis();
        for (int j = 0; j < 5_000; j++) {
            assertThat(d.removeSession(50_000 + j, "s" + j, staying.get("s" + j)).join()).isTrue();
        }
        assertThat(d.size()).isZero();
        assertThat(d.members()).isZero();
        assertThat(d.keysByMids(stayingMids).join()).isEmpty();
        assertThat(d.awayPrunes()).isEqualTo(3);
        assertThat(d.away()).as("only the closes after the scan are held").isLessThan(5_000);
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
