package io.jgoim.loadtest;

import io.jgoim.client.Backoff;
import io.jgoim.client.CloseStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which refusals the load tool retries and how long it waits: the SDK's backoff (1 s, ceiling 2^(n+1) s, here with a
 * fixed draw of 0.5) above the reason's retry-after, the longest backoff for a BANNED close that names none.
 */
class RefusalRetryTest {
    private static final long S = 1_000_000_000L;
    private final RefusalRetry retry = new RefusalRetry(true,
            new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), () -> 0.5), Duration.ofSeconds(10));

    @Test
    void shouldRetryOnlyCodesOfTheReconnectClass() {
        assertThat(retry.retries(new CloseStatus(4004, "comet has 128 Connects waiting for logic; retry later")))
                .isTrue();
        assertThat(retry.retries(new CloseStatus(4016, "too many connects retry-after=1"))).isTrue();
        assertThat(retry.retries(new CloseStatus(4499, ""))).isTrue();
        assertThat(retry.retries(new CloseStatus(4500, ""))).isFalse();
        assertThat(retry.retries(new CloseStatus(4502, "kicked"))).isFalse();
        assertThat(retry.retries(CloseStatus.abnormal("Connection refused"))).isFalse();
        assertThat(retry.retries(null)).isFalse();
        assertThat(RefusalRetry.OFF.retries(new CloseStatus(4004, ""))).isFalse();
    }

    @Test
    void shouldWaitTheSdksBackoffAboveTheReasonsRetryAfter() {
        CloseStatus unavailable = new CloseStatus(4004, "retry later");
        // attempt 0: [1 s, 2 s] -> 1.5 s; attempt 2: [1 s, 8 s] -> 4.5 s
        assertThat(retry.delayNanos(unavailable, 1)).isEqualTo(1_500_000_000L);
        assertThat(retry.delayNanos(unavailable, 3)).isEqualTo(4_500_000_000L);
        // a retry-after of 5 s is the floor, the jitter above it
        assertThat(retry.delayNanos(new CloseStatus(4016, "too many connects retry-after=5"), 1))
                .isEqualTo(5 * S + 500_000_000L);
        // BANNED without a retry-after: the longest backoff, plus the jitter
        assertThat(retry.delayNanos(new CloseStatus(4018, "banned"), 1)).isEqualTo(30 * S + 500_000_000L);
    }
}
