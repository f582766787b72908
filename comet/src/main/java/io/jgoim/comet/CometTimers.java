package io.jgoim.comet;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The comet's periodic tasks (the ack flush, the online report, the registry refresh), all on one boss loop and
 * cancelled together at close. Apart from {@link CometServer} so that its start reads as what runs, not how each is
 * scheduled and remembered. Scheduled from {@code start()} and cancelled from {@code close()}, both under the
 * server's lock.
 */
final class CometTimers {
    private final EventExecutor loop;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();

    CometTimers(EventExecutor loop) {
        this.loop = loop;
    }

    /** The loop the tasks run on (the drain schedules its batches there too). */
    EventExecutor loop() {
        return loop;
    }

    /** Runs {@code task} every {@code period} (millisecond precision), the first time one period from now. */
    void every(Duration period, Runnable task) {
        long millis = period.toMillis();
        timers.add(loop.scheduleAtFixedRate(task, millis, millis, TimeUnit.MILLISECONDS));
    }

    /** Cancels every task; a run in progress finishes. */
    void cancelAll() {
        for (ScheduledFuture<?> t : timers) {
            t.cancel(false);
        }
    }
}
