package io.jgoim.common.overload;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden behaviour of the BBR limiter with an injected CPU and clock: 100 ms buckets over a 1 s window, threshold
 * 800 per mille, 1 s cool-down. The history fed to it (passes per bucket, response times) fixes its capacity, so
 * every admission below is exact: while shedding it admits up to capacity + max(1, ceil(capacity / 4)) in flight
 * (capacity 10: 13). {@link BbrConvergenceTest} drives it with a simulated server instead.
 */
class BbrLimiterTest {
    private static final long MS = 1_000_000L;
    private static final OverloadConfig CONFIG = new OverloadConfig(true, 0.8, "system", Duration.ofMillis(250),
            0.8, Duration.ofSeconds(1), 10, Duration.ofSeconds(1));

    private long now = 10_000 * MS;
    private int cpu = 100;
    private final BbrLimiter limiter = new BbrLimiter(CONFIG, () -> cpu, () -> now);

    /** {@code count} requests of {@code rtMs} each, all ending at the current time (one bucket). */
    private void passes(int count, long rtMs) {
        long end = now;
        for (int i = 0; i < count; i++) {
            now = end - rtMs * MS;
            long t = limiter.tryAcquire();
            assertThat(t).isNotEqualTo(BbrLimiter.REJECTED);
            now = end;
            limiter.release(t);
        }
    }

    /** Acquires {@code n} without releasing; returns how many were admitted. */
    private int hold(int n) {
        int admitted = 0;
        for (int i = 0; i < n; i++) {
            if (limiter.tryAcquire() != BbrLimiter.REJECTED) {
                admitted++;
            }
        }
        return admitted;
    }

    /** 50 passes of 20 ms in one bucket: capacity 50 × 20 ms / 100 ms = 10 in flight. */
    private void learnCapacityOfTen() {
        now = 10_050 * MS;
        passes(50, 20);
        now = 10_150 * MS; // next bucket: the learned one is complete
        assertThat(limiter.maxInFlight()).isEqualTo(10);
    }

    @Test
    void shouldNeverShedWhileCpuIsBelowThreshold() {
        learnCapacityOfTen();
        cpu = 799;
        assertThat(hold(1_000)).isEqualTo(1_000);
        assertThat(limiter.inFlight()).isEqualTo(1_000);
    }

    @Test
    void shouldShedUnderHighCpuOnlyWhatExceedsCapacityAndItsProbingMargin() {
        learnCapacityOfTen();
        cpu = 900;
        assertThat(limiter.admitLimit()).isEqualTo(13); // 10 + ceil(10 / 4)
        // admitted while in-flight (before this one) is at most the limit: 0..13 → 14 admitted
        assertThat(hold(20)).isEqualTo(14);
        assertThat(limiter.inFlight()).isEqualTo(14);
    }

    @Test
    void shouldPassAgainWhenInFlightDropsEvenWithHighCpu() {
        learnCapacityOfTen();
        cpu = 900;
        long[] held = new long[14];
        for (int i = 0; i < held.length; i++) {
            held[i] = limiter.tryAcquire();
        }
        assertThat(limiter.tryAcquire()).isEqualTo(BbrLimiter.REJECTED);
        limiter.release(held[0]);
        limiter.release(held[1]);
        assertThat(hold(1)).isEqualTo(1); // 12 in flight: under the limit
    }

    @Test
    void shouldKeepSheddingDuringCoolDownThenStop() {
        learnCapacityOfTen();
        cpu = 900;
        hold(14);
        assertThat(limiter.tryAcquire()).isEqualTo(BbrLimiter.REJECTED); // the last drop: t = 10 150 ms
        cpu = 500;
        now += 999 * MS;
        assertThat(limiter.isCoolingDown()).isTrue();
        assertThat(limiter.tryAcquire()).isEqualTo(BbrLimiter.REJECTED); // healthy CPU, but cooling down
        now += 2 * MS;
        assertThat(limiter.isCoolingDown()).isFalse();
        assertThat(hold(100)).isEqualTo(100); // cool-down over: a healthy node never sheds
    }

    @Test
    void shouldMeasureCoolDownFromTheLastDropUnderHighCpu() {
        learnCapacityOfTen();
        cpu = 900;
        hold(14);
        assertThat(limiter.tryAcquire()).isEqualTo(BbrLimiter.REJECTED);
        now += 800 * MS;
        assertThat(limiter.tryAcquire()).isEqualTo(BbrLimiter.REJECTED); // a later drop renews the cool-down
        cpu = 500;
        now += 900 * MS; // 1.7 s after the first drop, 0.9 s after the last
        assertThat(limiter.tryAcquire()).isEqualTo(BbrLimiter.REJECTED);
        now += 200 * MS;
        assertThat(limiter.tryAcquire()).isNotEqualTo(BbrLimiter.REJECTED);
    }

    @Test
    void shouldAdmitUnderCpuWhileCoolingDownIfUnderCapacity() {
        learnCapacityOfTen();
        cpu = 900;
        long[] held = new long[14];
        for (int i = 0; i < held.length; i++) {
            held[i] = limiter.tryAcquire();
        }
        assertThat(limiter.tryAcquire()).isEqualTo(BbrLimiter.REJECTED);
        cpu = 500;
        for (long t : held) {
            limiter.release(t);
        }
        assertThat(hold(5)).isEqualTo(5);
    }

    @Test
    void shouldNeverShedWhenDisabled() {
        BbrLimiter off = new BbrLimiter(new OverloadConfig(false, 0.8, "system", Duration.ofMillis(250), 0.8,
                Duration.ofSeconds(1), 10, Duration.ofSeconds(1)), () -> 1000, () -> now);
        for (int i = 0; i < 100; i++) {
            assertThat(off.tryAcquire()).isNotEqualTo(BbrLimiter.REJECTED);
        }
    }

    @Test
    void shouldEstimateCapacityFromBestPassRateAndTheResponseTimeAtIt() {
        now = 10_050 * MS;
        passes(30, 40);          // bucket 100: 30 passes, mean 40 ms
        now = 10_150 * MS;
        passes(80, 10);          // bucket 101: 80 passes, mean 10 ms
        now = 10_250 * MS;
        passes(20, 5);           // bucket 102: 20 passes, mean 5 ms
        now = 10_350 * MS;       // bucket 103: max pass 80 × its RT 10 ms / 100 ms = 8 (Kratos: × min RT 5 ms = 4)
        assertThat(limiter.maxPassPerBucket()).isEqualTo(80);
        assertThat(limiter.minRtNanos()).isEqualTo(5 * MS);
        assertThat(limiter.capacityRtNanos()).isEqualTo(10 * MS);
        assertThat(limiter.maxInFlight()).isEqualTo(8);
    }

    @Test
    void shouldTakeTheLowestResponseTimeAmongTheBucketsNearTheBestPassRate() {
        now = 10_050 * MS;
        passes(80, 10);          // bucket 100: 80 passes, mean 10 ms
        now = 10_150 * MS;
        passes(78, 30);          // bucket 101: 78 ≥ 31/32 × 80 passes, mean 30 ms (queueing: no more passed)
        now = 10_250 * MS;
        passes(77, 2);           // bucket 102: 77 < 78 passes: not near the best, its 2 ms does not count
        now = 10_350 * MS;       // 80 × 10 ms / 100 ms = 8
        assertThat(limiter.capacityRtNanos()).isEqualTo(10 * MS);
        assertThat(limiter.minRtNanos()).isEqualTo(2 * MS);
        assertThat(limiter.maxInFlight()).isEqualTo(8);
        assertThat(limiter.admitLimit()).isEqualTo(10);
    }

    @Test
    void shouldIgnoreTheBucketStillFilling() {
        now = 10_050 * MS;
        passes(10, 50);
        now = 10_150 * MS;
        passes(500, 1);          // current bucket: not yet counted
        assertThat(limiter.maxPassPerBucket()).isEqualTo(10);
        assertThat(limiter.minRtNanos()).isEqualTo(50 * MS);
        assertThat(limiter.maxInFlight()).isEqualTo(5);
        now = 10_250 * MS;       // now it is complete: 500 × 1 ms / 100 ms = 5; max pass 500, min rt 1 ms
        assertThat(limiter.maxPassPerBucket()).isEqualTo(500);
        assertThat(limiter.minRtNanos()).isEqualTo(MS);
    }

    @Test
    void shouldForgetBucketsThatLeftTheWindow() {
        now = 10_050 * MS;
        passes(100, 30);         // capacity 30 from this bucket
        now = 10_550 * MS;
        passes(10, 30);
        now = 10_650 * MS;
        assertThat(limiter.maxInFlight()).isEqualTo(30);
        now = 11_050 * MS;       // bucket 100 is 10 buckets old: out of the 1 s window
        assertThat(limiter.maxPassPerBucket()).isEqualTo(10);
        assertThat(limiter.maxInFlight()).isEqualTo(3);
    }

    @Test
    void shouldAssumeOnePassOfOneMillisecondWithoutHistory() {
        assertThat(limiter.maxPassPerBucket()).isEqualTo(1);
        assertThat(limiter.minRtNanos()).isEqualTo(MS);
        assertThat(limiter.maxInFlight()).isEqualTo(0);
        cpu = 900;
        assertThat(hold(5)).isEqualTo(2); // "in flight > 1" guard: the first two always pass
    }

    @Test
    void shouldSayRetryAfterTheCoolDownInWholeSeconds() {
        assertThat(limiter.retryAfterSeconds()).isEqualTo(1);
        BbrLimiter longer = new BbrLimiter(new OverloadConfig(true, 0.8, "system", Duration.ofMillis(250), 0.8,
                Duration.ofSeconds(1), 10, Duration.ofMillis(2_500)), () -> cpu, () -> now);
        assertThat(longer.retryAfterSeconds()).isEqualTo(3);
    }

    /** {@code n} requests in flight at once, all released {@code rtMs} later at the current time. */
    private void batch(int n, long rtMs) {
        long end = now;
        now = end - rtMs * MS;
        long[] held = new long[n];
        for (int i = 0; i < n; i++) {
            held[i] = limiter.tryAcquire();
        }
        now = end;
        for (long t : held) {
            limiter.release(t);
        }
    }

    @Test
    void shouldCountThePeakInFlightOfABucketAtTheBestPassRateAsCarried() {
        now = 10_050 * MS;
        batch(20, 2);            // bucket 100: 20 at once, 2 ms each: Little's law says 20 × 2 / 100 = 0.4
        now = 10_150 * MS;
        assertThat(limiter.carriedInFlight()).isEqualTo(20);
        assertThat(limiter.maxInFlight()).isEqualTo(20);
        assertThat(limiter.admitLimit()).isEqualTo(25);
        cpu = 900;
        assertThat(hold(30)).isEqualTo(26);
    }

    @Test
    void shouldNotCountThePeakOfABucketSlowerThanTheToleranceOrBelowTheBestPassRate() {
        now = 10_050 * MS;
        passes(40, 8);           // bucket 100: 40 one at a time, 8 ms: the capacity RT; Little 3.2 → 3
        now = 10_150 * MS;
        batch(40, 10);           // bucket 101: 40 at once at 10 ms > 1.125 × 8 ms: queueing, not carried
        now = 10_250 * MS;
        batch(30, 8);            // bucket 102: 30 at once at 8 ms, but 30 < 31/32 × 40 passes
        now = 10_350 * MS;
        assertThat(limiter.capacityRtNanos()).isEqualTo(8 * MS);
        assertThat(limiter.carriedInFlight()).isEqualTo(1);
        assertThat(limiter.maxInFlight()).isEqualTo(3);
        now = 10_450 * MS;
        batch(40, 9);            // bucket 103: 40 at once at 9 ms ≤ 1.125 × 8 ms: carried
        now = 10_550 * MS;
        assertThat(limiter.carriedInFlight()).isEqualTo(40);
        assertThat(limiter.maxInFlight()).isEqualTo(40);
    }

    @Test
    void shouldTakeTheProbingMarginAndNearBestShareFromTheConfig() {
        BbrLimiter tuned = new BbrLimiter(new OverloadConfig(true, 0.8, "system", Duration.ofMillis(250), 0.8,
                Duration.ofSeconds(1), 10, Duration.ofSeconds(1), 0.5, 0.5, 1.0), () -> cpu, () -> now);
        now = 10_050 * MS;
        for (int i = 0; i < 80; i++) {       // bucket 100: 80 passes of 10 ms, one at a time
            now = 10_050 * MS - 10 * MS;
            long t = tuned.tryAcquire();
            now = 10_050 * MS;
            tuned.release(t);
        }
        now = 10_150 * MS;
        for (int i = 0; i < 40; i++) {       // bucket 101: 40 ≥ half of 80 passes, 5 ms: near-best with 0.5
            now = 10_150 * MS - 5 * MS;
            long t = tuned.tryAcquire();
            now = 10_150 * MS;
            tuned.release(t);
        }
        now = 10_250 * MS;                   // 80 × 5 ms / 100 ms = 4; margin ceil(4 × 0.5) = 2
        assertThat(tuned.capacityRtNanos()).isEqualTo(5 * MS);
        assertThat(tuned.maxInFlight()).isEqualTo(4);
        assertThat(tuned.admitLimit()).isEqualTo(6);
    }
}
