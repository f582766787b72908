package io.jgoim.common.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** The Redis stores' call meters: one series per store tag, with the names and call buckets dashboards read. */
class RedisStoreMetersTest {
    @Test
    void shouldTimeAndCountEachStoreUnderItsOwnTag() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RedisStoreMeters sessions = new RedisStoreMeters(registry, "sessions", "session directory");
        RedisStoreMeters history = new RedisStoreMeters(registry, "history", "history store");

        sessions.recordSince(System.nanoTime() - 2_000_000);
        sessions.recordSince(System.nanoTime());
        sessions.failed();
        history.recordSince(System.nanoTime());

        Timer sessionLatency = registry.get("jgoim.redis.latency").tag("store", "sessions").timer();
        assertThat(sessionLatency.count()).isEqualTo(2);
        assertThat(sessionLatency.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(2);
        assertThat(sessionLatency.getId().getDescription()).isEqualTo("session directory call latency");
        assertThat(sessionLatency.takeSnapshot().histogramCounts()).hasSize(HistogramBuckets.callSeconds().length);
        Counter sessionErrors = registry.get("jgoim.redis.errors").tag("store", "sessions").counter();
        assertThat(sessionErrors.count()).isEqualTo(1);
        assertThat(sessionErrors.getId().getDescription()).isEqualTo("session directory calls that failed");

        assertThat(registry.get("jgoim.redis.latency").tag("store", "history").timer().count()).isEqualTo(1);
        Counter historyErrors = registry.get("jgoim.redis.errors").tag("store", "history").counter();
        assertThat(historyErrors.count()).isZero();
        assertThat(historyErrors.getId().getDescription()).isEqualTo("history store calls that failed");
    }

    @Test
    void shouldRecordNothingWithoutARegistry() {
        RedisStoreMeters none = new RedisStoreMeters(null, "sessions", "session directory");
        assertThatCode(() -> {
            none.recordSince(System.nanoTime());
            none.failed();
        }).doesNotThrowAnyException();
    }
}
