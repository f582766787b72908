package io.jgoim.benchmarks;

import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A JMH executor whose threads are Netty {@code FastThreadLocalThread}s, like the event loops that run the hot paths
 * in production. Netty 4.2 pools recycled objects (Proto, buffer slices, pooled buffer shells) only on such threads,
 * so measuring allocation on JMH's plain threads would count garbage production never makes. Selected in the forked
 * JVM with {@code -Djmh.executor=CUSTOM -Djmh.executor.class=io.jgoim.benchmarks.EventLoopThreads}.
 */
public final class EventLoopThreads extends ThreadPoolExecutor {
    public EventLoopThreads(int maxThreads, String prefix) {
        super(maxThreads, maxThreads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(prefix, true));
    }
}
