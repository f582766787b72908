package io.jgoim.common.http.access;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenBucketTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    // Any start, including a negative nanoTime, must work the same.
    private final AtomicLong now = new AtomicLong(-5 * SECOND);

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 10, 200})
    void shouldAdmitBurstAtOnceThenRefuseWithTheWaitForOneToken(int burst) {
        TokenBucket bucket = new TokenBucket(10, burst, now::get);
        for (int i = 0; i < burst; i++) {
            assertThat(bucket.tryAcquire()).as("request %d of the burst", i).isZero();
        }
        assertThat(bucket.tryAcquire()).isEqualTo(SECOND / 10);
        // A refusal takes no token: the wait stays the same.
        assertThat(bucket.tryAcquire()).isEqualTo(SECOND / 10);
    }

    @Test
    void shouldRefillAtTheRate() {
        TokenBucket bucket = new TokenBucket(4, 1, now::get);
        assertThat(bucket.tryAcquire()).isZero();
        now.addAndGet(SECOND / 4 - 1);
        assertThat(bucket.tryAcquire()).isEqualTo(1);
        now.addAndGet(1);
        assertThat(bucket.tryAcquire()).isZero();
        assertThat(bucket.tryAcquire()).isEqualTo(SECOND / 4);
    }

    @Test
    void shouldBankNoMoreThanBurstWhileIdle() {
        TokenBucket bucket = new TokenBucket(100, 3, now::get);
        now.addAndGet(3600 * SECOND);
        int admitted = 0;
        while (bucket.tryAcquire() == 0) {
            admitted++;
        }
        assertThat(admitted).isEqualTo(3);
    }

    @Test
    void shouldHoldTheRateOverTime() {
        TokenBucket bucket = new TokenBucket(50, 5, now::get);
        int admitted = 0;
        for (int ms = 0; ms < 10_000; ms++) {
            if (bucket.tryAcquire() == 0) {
                admitted++;
            }
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
        }
        // 10 s at 50/s, plus the initial burst.
        assertThat(admitted).isBetween(500, 505);
    }

    @Test
    void shouldAdmitEverythingWhenUnlimited() {
        TokenBucket bucket = new TokenBucket(0, 0, now::get);
        assertThat(bucket.isUnlimited()).isTrue();
        for (int i = 0; i < 10_000; i++) {
            assertThat(bucket.tryAcquire()).isZero();
        }
    }

    @Test
    void shouldAllowRatesBelowOnePerSecond() {
        TokenBucket bucket = new TokenBucket(0.5, 1, now::get);
        assertThat(bucket.isUnlimited()).isFalse();
        assertThat(bucket.tryAcquire()).isZero();
        assertThat(bucket.tryAcquire()).isEqualTo(2 * SECOND);
    }

    @Test
    void shouldRefuseARatedBucketWithoutBurst() {
        assertThatThrownBy(() -> new TokenBucket(10, 0, now::get)).isInstanceOf(IllegalArgumentException.class);
    }
}
