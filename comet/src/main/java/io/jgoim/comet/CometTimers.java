package io.jgoim.comet;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The comet's periodic tasks (the ack flush, the online report, the registry refresh), all on one boss loop and
 * cancelled together at close. Apart from {@link CometServer} so that its start reads as what runs, not how each is
 * scheduled and remembered. Scheduled from {@code start()} and cancelled from {@code close()}, both under the
 * server's lock. A task that throws is logged (a line a run at most) and runs again at its next period: a periodic
 * task on a Netty loop that throws is otherwise never run again, and a comet whose registry refresh stopped once would
 * drop out of the registry for good while still serving.
 */
final class CometTimers {
    private static final Logger log = LoggerFactory.getLogger(CometTimers.class);
    private final EventExecutor loop;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();

    CometTimers(EventExecutor loop) {
        this.loop = loop;
    }

    /** The loop the tasks run on (the drain schedules its batches there too). */
    EventExecutor loop() {
        return loop;
    }

    /**
     * Runs {@code task} ({@code name} in the log) every {@code period} (millisecond precision), the first time one
     * period from now.
     */
    void every(String name, Duration period, Runnable task) {
        long millis = period.toMillis();
        timers.add(loop.scheduleAtFixedRate(() -> runGuarded(name, task, period), millis, millis,
                TimeUnit.MILLISECONDS));
    }

    private static void runGuarded(String name, Runnable task, Duration period) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.warn("{} failed, runs again in {} ms: {}", name, period.toMillis(), e.toString());
        }
    }

    /** Cancels every task; a run in progress finishes. */
    void cancelAll() {
        for (ScheduledFuture<?> t : timers) {
            t.cancel(false);
        }
    }
}
