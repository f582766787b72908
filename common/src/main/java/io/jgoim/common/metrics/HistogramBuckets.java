package io.jgoim.common.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/**
 * The explicit bucket bounds ({@code le}) of every jgoim histogram, instead of Micrometer's percentile histogram.
 * Micrometer's default set is about 70 buckets a series (69 for a timer: 1 ms to 30 s), and it was 2,100 of a
 * standalone server's 2,800 /metrics lines (1,380 of them the push API's 19 routes x codes). Each set here is dense
 * (a step of 1.5-2x: {@code histogram_quantile}'s linear interpolation inside one bucket is then off by about 10 % at
 * most for a p99) over the range a healthy node lives in, and coarse (2.5x) above it, where a figure only has to say
 * "an incident"; the bounds the shipped alerts compare against (2 s) are exact edges, so an alert fires exactly when
 * it did before. docs/operations.md ("Histogram buckets") lists the sets and the error against the old ones.
 */
public final class HistogramBuckets {
    /**
     * In-process and one-hop calls measured with {@code System.nanoTime()}: the HTTP API's requests, Kafka sends,
     * Redis calls, the upstream HTTP route, the comet's fan-out and its auth round trip to logic. Dense from 100 µs
     * (a Redis call, a push answered on the event loop; Micrometer's set began at 1 ms, so sub-millisecond API
     * latencies all fell in its first bucket) to 10 ms, coarse to 10 s (every timeout jgoim configures is below);
     * 21 buckets.
     */
    private static final Duration[] CALL = millis(0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 25, 50, 100,
            250, 500, 1000, 2500, 5000, 10000);

    /**
     * Ages from a push's {@code created_at_ms} (logic's wall clock, whole milliseconds) to a later stage on another
     * host: the comet's push latency, job's push and consume ages. Dense from 1 ms (the clock's resolution) to 1 s
     * (a room pass to 15,000 sessions on two cores takes 100-300 ms: that range must read true), coarse to 60 s (a
     * backlog after a Kafka or comet outage); 2 s is an edge because the comet push latency alert fires above it;
     * 22 buckets.
     */
    private static final Duration[] AGE = millis(1, 2, 3, 5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750,
            1000, 2000, 5000, 10000, 30000, 60000);

    /** Room messages per batch: powers of two, 1 to job's largest batch (4096); 13 buckets. */
    private static final double[] BATCH = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096};

    private HistogramBuckets() {
    }

    /** {@code builder} with the {@link #CALL} buckets: 100 µs to 10 s. */
    public static Timer.Builder call(Timer.Builder builder) {
        return builder.serviceLevelObjectives(CALL.clone());
    }

    /** {@code builder} with the {@link #AGE} buckets: 1 ms to 60 s, an edge at 2 s. */
    public static Timer.Builder age(Timer.Builder builder) {
        return builder.serviceLevelObjectives(AGE.clone());
    }

    /** {@code builder} with the {@link #BATCH} buckets: 1 to 4096 by powers of two. */
    public static DistributionSummary.Builder batch(DistributionSummary.Builder builder) {
        return builder.serviceLevelObjectives(BATCH.clone());
    }

    /** The call bounds in seconds, ascending (tests, docs). */
    public static double[] callSeconds() {
        return seconds(CALL);
    }

    /** The age bounds in seconds, ascending (tests, docs). */
    public static double[] ageSeconds() {
        return seconds(AGE);
    }

    private static double[] seconds(Duration[] bounds) {
        double[] out = new double[bounds.length];
        for (int i = 0; i < bounds.length; i++) {
            out[i] = bounds[i].toNanos() / 1e9;
        }
        return out;
    }

    private static Duration[] millis(double... ms) {
        Duration[] out = new Duration[ms.length];
        for (int i = 0; i < ms.length; i++) {
            out[i] = Duration.ofNanos(Math.round(ms[i] * 1_000_000));
        }
        return out;
    }
}
