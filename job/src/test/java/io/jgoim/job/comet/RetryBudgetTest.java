package io.jgoim.job.comet;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-comet retry budget: a floor per second plus a share of first attempts. */
class RetryBudgetTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldAllowTheFloorEachSecondThenNoMore() {
        RetryBudget b = new RetryBudget(0.0, 3);
        long t = 5 * SECOND;
        assertThat(b.tryRetry(t)).isTrue();
        assertThat(b.tryRetry(t)).isTrue();
        assertThat(b.tryRetry(t)).isTrue();
        assertThat(b.tryRetry(t)).isFalse();
        assertThat(b.tryRetry(t + SECOND)).isTrue();
    }

    @Test
    void shouldEarnRetriesFromFirstAttempts() {
        RetryBudget b = new RetryBudget(0.2, 0);
        long t = 5 * SECOND;
        assertThat(b.tryRetry(t)).isFalse();
        for (int i = 0; i < 10; i++) {
            b.onRequest();
        }
        assertThat(b.tryRetry(t)).isTrue();
        assertThat(b.tryRetry(t)).isTrue();
        assertThat(b.tryRetry(t)).isFalse();
    }

    @Test
    void shouldNeverRetryWithAnEmptyBudget() {
        RetryBudget b = new RetryBudget(0.0, 0);
        for (int i = 0; i < 100; i++) {
            b.onRequest();
        }
        assertThat(b.tryRetry(SECOND)).isFalse();
    }
}
