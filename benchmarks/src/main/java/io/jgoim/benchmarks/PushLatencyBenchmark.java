package io.jgoim.benchmarks;

import io.jgoim.comet.metrics.PushLatency;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The cost the end-to-end latency histogram adds to a comet's fan-out: one {@link PushLatency#written} per push per
 * comet (a room batch of n messages: n), into the Prometheus registry as in production. Run with {@code -prof gc}:
 * it must allocate nothing. {@code java -jar benchmarks/target/benchmarks.jar PushLatencyBenchmark -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PushLatencyBenchmark {
    private final PushLatency latency = new PushLatency(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    private final long now = System.currentTimeMillis();
    private int i;

    /** One observation (spread over the buckets up to about a second). */
    @Benchmark
    public void record() {
        latency.written(PushLatency.Kind.ROOM, now - (i++ & 1023), now);
    }
}
