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
    void shouldBackOffMoreForARateLimitedConnectThanForALostConnection() {
        ReconnectPolicy lost = new ReconnectPolicy(
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), () -> 0.0), Duration.ofSeconds(30));
        ReconnectPolicy limited = new ReconnectPolicy(
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), () -> 0.0), Duration.ofSeconds(30));
        CloseStatus network = CloseStatus.abnormal("connection reset");
        CloseStatus rate = new CloseStatus(CloseCode.CONNECT_RATE_LIMITED.code(), "too many connects retry-after=1");
        for (int i = 0; i < 6; i++) {
            long a = lost.nextDelayNanos(-1, network);
            long b = limited.nextDelayNanos(-1, rate);
            assertThat(a).isEqualTo(100 * MS); // the floor of the window (random 0)
            assertThat(b).isEqualTo(1_000 * MS).isGreaterThan(a); // retry-after, then the draw (0 here)
        }
        // the draw stays full jitter over the attempt's window, above the retry-after: spread, not a wave at the top
        ReconnectPolicy high = new ReconnectPolicy(
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), () -> 0.999_999), Duration.ofSeconds(30));
        for (int i = 0; i < 6; i++) {
            high.nextDelayNanos(-1, rate);
        }
        assertThat(high.nextDelayNanos(-1, rate)).isBetween(10_899 * MS, 10_900 * MS); // 1 s + (10 s - 100 ms)
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
