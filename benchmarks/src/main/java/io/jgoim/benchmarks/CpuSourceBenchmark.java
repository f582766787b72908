package io.jgoim.benchmarks;

import io.jgoim.common.overload.CpuSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What one CPU sample of adaptive shedding costs (the {@code jgoim-cpu} thread takes one per {@code overload.cpuSample}
 * while shedding is on): the {@code OperatingSystemMXBean}'s loads, which a container-aware JVM computes from the
 * container's metric files on every call, against the procfs sources that reread one open file into one buffer. Use
 * with {@code -prof io.jgoim.benchmarks.CpuTimeProfiler} for CPU ns per sample and {@code -prof gc} for its garbage.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CpuSourceBenchmark {
    /** {@code none}: a constant, the harness's own cost (what a paced single shot costs besides the sample). */
    @Param({"mxbean-process", "procfs-process", "mxbean-system", "procfs-system", "none"})
    public String source;

    private CpuSource cpu;

    @Setup(Level.Trial)
    public void open() {
        cpu = switch (source) {
            case "mxbean-process" -> CpuSource.processBean();
            case "procfs-process" -> CpuSource.process();
            case "mxbean-system" -> CpuSource.systemBean();
            case "procfs-system" -> CpuSource.system();
            case "none" -> () -> 0.5;
            default -> throw new IllegalArgumentException(source);
        };
        if (source.startsWith("procfs") && !cpu.toString().startsWith("/proc/")) {
            throw new IllegalStateException("procfs cannot serve here: " + source + " fell back to the MXBean");
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        cpu.close();
    }

    /** Back to back: the cost with warm caches and compiled code. */
    @Benchmark
    public double sample() {
        return cpu.load();
    }

    /**
     * One sample per iteration, 250 ms after the previous one: the sampler's own pace ({@code overload.cpuSample}),
     * with the caches and branch predictors other work cooled in between. Its CPU is the {@code cpu.thread} figure
     * less that of {@code none} (a single shot's harness work: iteration setup, results, profilers).
     */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 8)
    @Measurement(iterations = 40)
    public double sampleAtSamplerPace(Pace pace) {
        return cpu.load();
    }

    /** Waits {@code overload.cpuSample}'s default before each single-shot iteration. */
    @State(Scope.Thread)
    public static class Pace {
        @Setup(Level.Iteration)
        public void pause() throws InterruptedException {
            Thread.sleep(250);
        }
    }
}
