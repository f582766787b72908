package io.jgoim.common.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The process meters every node exports next to its own {@code jgoim_*} ones: JVM memory, GC, threads, classes, CPU
 * (process and system), open and max file descriptors ({@link OpenFiles}: the open count at most 10 s old), uptime,
 * and Netty's direct memory. All are read when
 * Prometheus scrapes (or, for GC pauses, by the JVM's GC notification thread): nothing here runs on a push path.
 *
 * <p>Bound once per registry however many nodes share it (standalone runs comet, logic and job on one registry):
 * {@link #bind} counts its callers and the last {@link Share#close()} unhooks the GC listener. Every meter is
 * registered at bind time, so dashboards find the series before the first GC. Thread-safe.
 */
public final class NodeMeters {
    private static final Map<MeterRegistry, NodeMeters> BOUND = new IdentityHashMap<>();

    private final MeterRegistry registry;
    private final JvmGcMetrics gcPauses = new JvmGcMetrics();
    private int users;

    private NodeMeters(MeterRegistry registry) {
        this.registry = registry;
        new JvmMemoryMetrics().bindTo(registry);
        gcPauses.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        OpenFiles.bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        bindGcTotals(registry);
        bindNettyMemory(registry);
    }

    /**
     * Binds the process meters to {@code registry} unless a node already did; the returned handle releases this
     * caller's share (idempotent), and the last share unhooks the GC listener.
     */
    public static Share bind(MeterRegistry registry) {
        synchronized (BOUND) {
            NodeMeters m = BOUND.computeIfAbsent(registry, NodeMeters::new);
            m.users++;
            return new Share(m);
        }
    }

    /** One node's share of the bound meters; {@link #close()} releases it once. */
    public static final class Share implements AutoCloseable {
        private final NodeMeters meters;
        private final AtomicBoolean released = new AtomicBoolean();

        private Share(NodeMeters meters) {
            this.meters = meters;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                meters.release();
            }
        }
    }

    /** How many nodes hold a share of {@code registry}'s process meters (0: not bound). Tests. */
    static int shares(MeterRegistry registry) {
        synchronized (BOUND) {
            NodeMeters m = BOUND.get(registry);
            return m == null ? 0 : m.users;
        }
    }

    private void release() {
        synchronized (BOUND) {
            if (--users == 0) {
                BOUND.remove(registry);
                gcPauses.close();
            }
        }
    }

    /**
     * Collections and time spent per collector, read from the MXBeans on scrape: present from the start (Micrometer's
     * {@code jvm_gc_pause_seconds} only appears after the first collection it sees). Labels: the collector names.
     */
    private static void bindGcTotals(MeterRegistry registry) {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            FunctionCounter.builder("jgoim.jvm.gc.collections", gc, b -> Math.max(0, b.getCollectionCount()))
                    .tag("gc", gc.getName()).description("collections run by this collector since start")
                    .register(registry);
            FunctionCounter.builder("jgoim.jvm.gc.time", gc, b -> Math.max(0, b.getCollectionTime()) / 1000.0)
                    .tag("gc", gc.getName()).baseUnit("seconds")
                    .description("time this collector ran since start (pauses, and concurrent work for concurrent "
                            + "collectors)").register(registry);
        }
    }

    /**
     * Netty's memory: what the default allocator (pooled or adaptive) holds, by direct and heap, and the direct
     * memory Netty allocated without a cleaner (not in {@code jvm_buffer_memory_used_bytes}) against its limit.
     */
    private static void bindNettyMemory(MeterRegistry registry) {
        ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
        if (alloc instanceof ByteBufAllocatorMetricProvider) {
            ByteBufAllocatorMetric metric = ((ByteBufAllocatorMetricProvider) alloc).metric();
            Gauge.builder("jgoim.netty.allocator.used", metric, ByteBufAllocatorMetric::usedDirectMemory)
                    .tag("memory", "direct").baseUnit("bytes")
                    .description("memory held by Netty's default allocator (arenas and chunks)").register(registry);
            Gauge.builder("jgoim.netty.allocator.used", metric, ByteBufAllocatorMetric::usedHeapMemory)
                    .tag("memory", "heap").baseUnit("bytes")
                    .description("memory held by Netty's default allocator (arenas and chunks)").register(registry);
        }
        Gauge.builder("jgoim.netty.direct.memory.used", () -> Math.max(0, PlatformDependent.usedDirectMemory()))
                .baseUnit("bytes").description("direct memory Netty allocated itself, without a cleaner "
                        + "(0 when Netty uses cleaner-backed buffers, then see jvm_buffer_memory_used_bytes)")
                .register(registry);
        Gauge.builder("jgoim.netty.direct.memory.max", PlatformDependent::maxDirectMemory).baseUnit("bytes")
                .description("the direct memory limit Netty allocates against (-XX:MaxDirectMemorySize or "
                        + "io.netty.maxDirectMemory)").register(registry);
    }
}
