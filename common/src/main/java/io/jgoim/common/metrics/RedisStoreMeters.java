package io.jgoim.common.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;

/**
 * The call meters of one Redis-backed store: {@code jgoim.redis.latency} (a timer with the {@link HistogramBuckets}
 * call bounds) and {@code jgoim.redis.errors} (a counter), both tagged {@code store=<store>}, so the session
 * directory and the history store report alike and differ only in the tag. Without a registry it records nothing.
 * Lives here rather than in {@code common.redis}: that package is below {@code metrics} ({@code health} pings Redis),
 * so it cannot import {@link HistogramBuckets} without a cycle. Thread-safe.
 */
public final class RedisStoreMeters {
    private final Timer latency;
    private final Counter errors;

    /**
     * @param registry where to record, or null for no meters
     * @param store    the {@code store} tag: which store's calls ("sessions", "history")
     * @param calls    whose calls, for the descriptions ("session directory", "history store")
     */
    public RedisStoreMeters(MeterRegistry registry, String store, String calls) {
        if (registry != null) {
            this.latency = HistogramBuckets.call(Timer.builder("jgoim.redis.latency")
                    .description(calls + " call latency").tag("store", store)).register(registry);
            this.errors = Counter.builder("jgoim.redis.errors").description(calls + " calls that failed")
                    .tag("store", store).register(registry);
        } else {
            this.latency = null;
            this.errors = null;
        }
    }

    /** Records a call that started at {@code startNanos} ({@link System#nanoTime()}) and ended now. */
    public void recordSince(long startNanos) {
        if (latency != null) {
            latency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Counts a call that failed. */
    public void failed() {
        if (errors != null) {
            errors.increment();
        }
    }
}
