package io.jgoim.client;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.CloseReasons;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ReconnectPolicyTest {
    private static final long MS = 1_000_000L;
    // always the top of the window, so each delay shows the ceiling it was drawn under
    private final ReconnectPolicy policy = new ReconnectPolicy(
            new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> Math.nextDown(1.0)),
            Duration.ofSeconds(30));

    @Test
    void shouldGrowWhileAttemptsFailAndCapAtTheMax() {
        assertThat(policy.nextDelayNanos(-1)).isBetween(199 * MS, 200 * MS);
        assertThat(policy.nextDelayNanos(-1)).isBetween(399 * MS, 400 * MS);
        assertThat(policy.nextDelayNanos(-1)).isBetween(799 * MS, 800 * MS);
        assertThat(policy.nextDelayNanos(-1)).isBetween(999 * MS, 1000 * MS);
        for (int i = 0; i < 100; i++) {
            assertThat(policy.nextDelayNanos(-1)).isLessThanOrEqualTo(1000 * MS);
        }
    }

    @Test
    void shouldKeepGrowingWhenConnectionsDieBeforeTheStablePeriod() {
        policy.nextDelayNanos(-1);
        policy.nextDelayNanos(Duration.ofSeconds(29).toNanos());
        assertThat(policy.attempt()).isEqualTo(2);
    }

    @Test
    void shouldResetAfterAConnectionThatLivedTheStablePeriod() {
        policy.nextDelayNanos(-1);
        policy.nextDelayNanos(-1);
        policy.nextDelayNanos(-1);

        assertThat(policy.nextDelayNanos(Duration.ofSeconds(30).toNanos())).isBetween(199 * MS, 200 * MS);
        assertThat(policy.attempt()).isEqualTo(1);
    }

    @Test
    void shouldWaitAtLeastTheBanTimeTheBannedCloseNames() {
        CloseStatus banned = new CloseStatus(CloseCode.BANNED.code(), "address banned retry-after=300");
        assertThat(policy.nextDelayNanos(-1, banned)).isBetween(300_000 * MS, 300_100 * MS);
        assertThat(policy.nextDelayNanos(-1, banned)).isBetween(300_000 * MS, 300_300 * MS);
    }

    @Test
    void shouldWaitTheLongestBackoffWhenABanNamesNoTime() {
        CloseStatus banned = new CloseStatus(CloseCode.BANNED.code(), "address banned");
        assertThat(policy.nextDelayNanos(-1, banned)).isBetween(1_000 * MS, 1_100 * MS);
    }

    @Test
    void shouldWaitARateLimitedConnectsRetryAfterPlusAJitterWithinOneSecond() {
        CloseStatus rate = new CloseStatus(CloseCode.CONNECT_RATE_LIMITED.code(), "too many connects retry-after=3");
        ReconnectPolicy low = new ReconnectPolicy(
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), () -> 0.0), Duration.ofSeconds(30));
        ReconnectPolicy high = new ReconnectPolicy(
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), () -> 0.999_999), Duration.ofSeconds(30));
        for (int i = 0; i < 8; i++) {
            // the attempt's backoff window (up to 10 s by now) does not widen it: the comet named the second
            assertThat(low.nextDelayNanos(-1, rate)).isEqualTo(3_000 * MS);
            assertThat(high.nextDelayNanos(-1, rate)).isBetween(3_999 * MS, 3_999_999_999L);
        }
        assertThat(low.attempt()).as("the count still grows, for the next lost connection").isEqualTo(8);
        assertThat(low.nextDelayNanos(-1, CloseStatus.abnormal("connection reset"))).isEqualTo(100 * MS);
        assertThat(high.nextDelayNanos(-1, CloseStatus.abnormal("connection reset")))
                .isBetween(9_999 * MS, 10_000 * MS);
    }

    @Test
    void shouldSpreadTheClientsToldOneSecondAcrossThatSecond() {
        java.util.Random seeded = new java.util.Random(19);
        ReconnectPolicy p = new ReconnectPolicy(
                new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), seeded::nextDouble), Duration.ofSeconds(30));
        CloseStatus rate = new CloseStatus(CloseCode.CONNECT_RATE_LIMITED.code(), "too many connects retry-after=1");
        int[] tenths = new int[10];
        for (int i = 0; i < 10_000; i++) {
            long d = p.nextDelayNanos(-1, rate);
            assertThat(d).isBetween(1_000 * MS, 1_999_999_999L);
            tenths[(int) ((d - 1_000 * MS) / (100 * MS))]++;
        }
        for (int t = 0; t < 10; t++) {
            // 1,000 expected in each 100 ms; a binomial sd of 30, so 150 off would be a 5-sigma miss
            assertThat(tenths[t]).as("returns in the %d-th 100 ms of the second", t).isBetween(850, 1_150);
        }
    }

    @Test
    void shouldBackOffAsForALostConnectionWhenARateLimitedConnectNamesNoTime() {
        ReconnectPolicy lost = new ReconnectPolicy(
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), () -> 0.5), Duration.ofSeconds(30));
        ReconnectPolicy limited = new ReconnectPolicy(
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), () -> 0.5), Duration.ofSeconds(30));
        CloseStatus network = CloseStatus.abnormal("connection reset");
        CloseStatus rate = new CloseStatus(CloseCode.CONNECT_RATE_LIMITED.code(), "too many connects");
        for (int i = 0; i < 6; i++) {
            long a = lost.nextDelayNanos(-1, network);
            long b = limited.nextDelayNanos(-1, rate);
            assertThat(b).as("attempt %d: the same growing draw", i).isEqualTo(a).isEqualTo(
                    100 * MS + (Math.min(10_000, 100 << (i + 1)) - 100) * MS / 2);
        }
    }

    @Test
    void shouldWaitTooManyConnectionsRetryAfterPlusTheAttemptsJitter() {
        CloseStatus tooMany = new CloseStatus(CloseCode.TOO_MANY_CONNECTIONS.code(),
                "too many connections from this address retry-after=10");
        assertThat(policy.nextDelayNanos(-1, tooMany)).isBetween(10_099 * MS, 10_100 * MS);
        assertThat(policy.nextDelayNanos(-1, tooMany)).isBetween(10_299 * MS, 10_300 * MS);
        ReconnectPolicy low = new ReconnectPolicy(
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0.0), Duration.ofSeconds(30));
        assertThat(low.nextDelayNanos(-1, tooMany)).isEqualTo(10_000 * MS);
    }

    @Test
    void shouldBackOffAsForALostConnectionWhenTooManyConnectionsNamesNoTime() {
        ReconnectPolicy lost = new ReconnectPolicy(
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0.5), Duration.ofSeconds(30));
        ReconnectPolicy limited = new ReconnectPolicy(
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0.5), Duration.ofSeconds(30));
        CloseStatus tooMany = new CloseStatus(CloseCode.TOO_MANY_CONNECTIONS.code(),
                "too many connections from this address");
        for (int i = 0; i < 5; i++) {
            long b = limited.nextDelayNanos(-1, tooMany);
            assertThat(b).as("attempt %d: the same growing draw", i)
                    .isEqualTo(lost.nextDelayNanos(-1, CloseStatus.abnormal("connection reset")))
                    .isLessThan(1_000 * MS);
        }
    }

    @Test
    void shouldHonourARetryAfterOnlyOnARetryableClose() {
        ReconnectPolicy p = new ReconnectPolicy(
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0.0), Duration.ofSeconds(30));
        assertThat(p.nextDelayNanos(-1, new CloseStatus(CloseCode.OVERLOADED.code(), "overloaded retry-after=7")))
                .isEqualTo(7_000 * MS);
        assertThat(p.nextDelayNanos(-1, new CloseStatus(CloseStatus.ABNORMAL_CODE, "upgrade refused retry-after=7")))
                .isEqualTo(100 * MS);
        assertThat(p.nextDelayNanos(-1, new CloseStatus(CloseCode.AUTH_FAILED.code(), "refused retry-after=7")))
                .isEqualTo(100 * MS);
    }

    @Test
    void shouldReadTheRetryAfterTokenOnlyInItsDocumentedForm() {
        assertThat(CloseReasons.retryAfterSeconds("banned retry-after=42")).isEqualTo(42);
        assertThat(CloseReasons.retryAfterSeconds(CloseReasons.withRetryAfter("x", 7))).isEqualTo(7);
        assertThat(CloseReasons.retryAfterSeconds("banned retry-after=")).isEqualTo(-1);
        assertThat(CloseReasons.retryAfterSeconds("banned retry-after=4x")).isEqualTo(-1);
        assertThat(CloseReasons.retryAfterSeconds("bannedretry-after=4")).isEqualTo(-1);
        assertThat(CloseReasons.retryAfterSeconds("")).isEqualTo(-1);
    }
}
