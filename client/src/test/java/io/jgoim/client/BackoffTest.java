package io.jgoim.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {
    private static final Duration MIN = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofSeconds(10);

    @Test
    void shouldDoubleTheCeilingUntilTheMax() {
        Backoff b = new Backoff(MIN, MAX, () -> 0.5);
        assertThat(b.ceilingNanos(0)).isEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(b.ceilingNanos(1)).isEqualTo(Duration.ofMillis(400).toNanos());
        assertThat(b.ceilingNanos(5)).isEqualTo(Duration.ofMillis(6400).toNanos());
        assertThat(b.ceilingNanos(6)).isEqualTo(MAX.toNanos());
        assertThat(b.ceilingNanos(1000)).isEqualTo(MAX.toNanos());
        assertThat(b.ceilingNanos(Integer.MAX_VALUE)).isEqualTo(MAX.toNanos());
    }

    @Test
    void shouldUseTheWholeRangeAtTheRandomExtremes() {
        assertThat(new Backoff(MIN, MAX, () -> 0.0).delayNanos(3)).isEqualTo(MIN.toNanos());
        long top = new Backoff(MIN, MAX, () -> Math.nextDown(1.0)).delayNanos(3);
        assertThat(top).isLessThanOrEqualTo(Duration.ofMillis(1600).toNanos())
                .isGreaterThan(Duration.ofMillis(1599).toNanos());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 7, 20, 62, 100})
    void shouldStayWithinMinAndCeilingForEveryAttempt(int attempt) {
        SplittableRandom r = new SplittableRandom(attempt);
        Backoff b = new Backoff(MIN, MAX, r::nextDouble);
        long lo = Long.MAX_VALUE;
        long hi = 0;
        for (int i = 0; i < 10_000; i++) {
            long d = b.delayNanos(attempt);
            assertThat(d).isBetween(MIN.toNanos(), b.ceilingNanos(attempt));
            assertThat(d).isLessThanOrEqualTo(MAX.toNanos());
            lo = Math.min(lo, d);
            hi = Math.max(hi, d);
        }
        // Full jitter: the samples spread over (nearly) the whole window, not around one point.
        long window = b.ceilingNanos(attempt) - MIN.toNanos();
        assertThat(hi - lo).isGreaterThan(window * 9 / 10);
    }

    @Test
    void shouldRejectBadBounds() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, MAX, () -> 0.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(MAX, MIN, () -> 0.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldAllowMinEqualToMax() {
        Backoff b = new Backoff(MIN, MIN, () -> 0.7);
        assertThat(b.delayNanos(0)).isEqualTo(MIN.toNanos());
        assertThat(b.delayNanos(40)).isEqualTo(MIN.toNanos());
    }
}
