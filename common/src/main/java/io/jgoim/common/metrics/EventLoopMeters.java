package io.jgoim.common.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;

/**
 * {@code jgoim_event_loop_pending_tasks{group, loop}}: the tasks waiting in each event loop of a group, read on
 * scrape. A loop whose queue grows is a loop that cannot keep up. Labels are the group's name (one per server role)
 * and the loop's index in the group, so the series are bounded by the thread count.
 */
public final class EventLoopMeters {
    private EventLoopMeters() {
    }

    /** Registers one gauge per loop of {@code group} (loops that are not single-threaded executors are skipped). */
    public static void bind(MeterRegistry registry, String groupName, EventLoopGroup group) {
        int i = 0;
        for (EventExecutor loop : group) {
            if (loop instanceof SingleThreadEventExecutor) {
                Gauge.builder("jgoim.event.loop.pending.tasks", (SingleThreadEventExecutor) loop,
                                SingleThreadEventExecutor::pendingTasks)
                        .tag("group", groupName).tag("loop", Integer.toString(i))
                        .description("tasks waiting in the event loop").register(registry);
            }
            i++;
        }
    }
}
