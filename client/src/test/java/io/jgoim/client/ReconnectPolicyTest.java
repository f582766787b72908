package io.jgoim.client;

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
}
