package io.jgoim.benchmarks;

import io.jgoim.comet.index.ForwardedPosition;
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
 * The comet's repeat rule ({@link ForwardedPosition}: which of the last 256 offsets were handed): the work added to
 * every positioned room batch and broadcast a comet takes, once per batch (O(messages in it)) whatever the room's size. {@code next}: the usual case, each batch after the last
 * (nothing repeated); {@code repeat}: a batch the room already had (job's redelivery). Run with {@code -prof gc}: both
 * are meant to be 0 B/op. One thread: job keeps one call in flight per comet link, so a room's batches do not race.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Dio.netty.leakDetection.level=disabled"})
public class ForwardedPositionBenchmark {
    private final ForwardedPosition room = new ForwardedPosition();
    private long next = 1;

    @Benchmark
    public int next() {
        int repeated = room.repeated(7, next, 4);
        next += 4;
        return repeated;
    }

    @Benchmark
    public int repeat() {
        return room.repeated(7, 1, 4); // the first call ever sets the position; every later one is a whole repeat
    }
}
