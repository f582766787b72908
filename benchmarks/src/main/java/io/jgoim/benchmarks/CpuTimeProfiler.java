package io.jgoim.benchmarks;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A JMH profiler that reports CPU time per operation, so figures stay meaningful on a machine shared with other work,
 * where JMH's wall-clock ns/op also counts the time the benchmark thread waited for a core. {@code cpu.thread} is the
 * CPU time of the benchmark's worker threads (those whose name starts with the benchmark's name, as both JMH's own
 * executor and {@link EventLoopThreads} name them) divided by the iteration's operations (JMH's count, which includes
 * {@code @OperationsPerInvocation}); {@code cpu.process} is the whole forked JVM's CPU time (worker, JIT and GC threads)
 * per operation. Use with {@code -prof io.jgoim.benchmarks.CpuTimeProfiler}. Runs on JMH's control thread, between
 * iterations only; keeps per-iteration snapshots, nothing shared.
 */
public final class CpuTimeProfiler implements InternalProfiler {
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> before = new HashMap<>();
    private long processBefore;

    @Override
    public String getDescription() {
        return "CPU time per operation: benchmark worker threads and whole JVM";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        before.clear();
        String prefix = benchmarkParams.getBenchmark();
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith(prefix)) {
                before.put(t.getThreadId(), threads.getThreadCpuTime(t.getThreadId()));
            }
        }
        processBefore = processCpu();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
                                                       IterationParams iterationParams, IterationResult result) {
        long process = processCpu() - processBefore;
        long worker = 0;
        String prefix = benchmarkParams.getBenchmark();
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith(prefix)) {
                long now = threads.getThreadCpuTime(t.getThreadId());
                if (now >= 0) {
                    worker += now - before.getOrDefault(t.getThreadId(), 0L);
                }
            }
        }
        long ops = result.getMetadata().getMeasuredOps();
        List<Result> out = new ArrayList<>(2);
        if (ops > 0) {
            out.add(new ScalarResult("cpu.thread", (double) worker / ops, "ns/op", AggregationPolicy.AVG));
            out.add(new ScalarResult("cpu.process", (double) process / ops, "ns/op", AggregationPolicy.AVG));
        }
        return out;
    }

    private static long processCpu() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean
                ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : -1;
    }
}
