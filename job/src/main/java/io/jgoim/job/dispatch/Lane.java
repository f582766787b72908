package io.jgoim.job.dispatch;

import io.jgoim.common.history.HistoryStore;
import io.jgoim.common.session.SessionDirectory;
import io.jgoim.common.tracing.Tracing;
import io.jgoim.job.JobConfig;
import io.jgoim.job.JobMetrics;
import io.jgoim.job.comet.CometDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * One ordered dispatch lane and its thread, an Agrona-style agent: every room or key hashes to exactly one lane, whose
 * duty cycle fires due retry timers, lets its {@link PushRouter} flush due room batches, then drains at most
 * {@value #DRAIN_LIMIT} inbox entries (tasks from the producers in arrival order, comet answers, lookups), parking
 * until the next deadline when idle. What each task becomes is the router's business. Everything but
 * {@link #submit}, {@link #execute} and the lifecycle runs on the lane thread, so the lane's state needs no locks.
 * The idle lane parks until a producer wakes it ({@link LaneInbox}) rather than polling with one of Agrona's idle
 * strategies, which cost ~3 % of a core per idle lane (BENCHMARKS.md, issue 17).
 */
final class Lane implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Lane.class);
    /**
     * Longest park of an idle lane with no deadline. A producer's add wakes it and stop() interrupts it, so this is
     * only a safety net: at 50 ms four idle lanes woke 80 times a second for nothing (~0.8 % of a core on the
     * 2-core box, charged to every delivery at a light rate; BENCHMARKS.md, issue 17's 2 msgs/s cell).
     */
    private static final long MAX_PARK_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int DRAIN_LIMIT = 256;

    /** {@link PushTask}s to route and {@link Runnable}s to run, in arrival order; no wrapper object per task. */
    private final LaneInbox inbox;
    private final PriorityQueue<Send> timers = new PriorityQueue<>((a, b) -> Long.compare(a.dueNanos(), b.dueNanos()));
    private final PushRouter router;
    private final Tracing tracing;
    private final Thread thread;
    private volatile boolean running = true;

    Lane(int index, JobConfig config, CometDirectory comets, SessionDirectory sessions, JobMetrics metrics,
         HistoryStore history, Tracing tracing) {
        this.tracing = tracing;
        this.router = new PushRouter(this, config, comets, sessions, metrics, history);
        this.thread = new Thread(this, "job-lane-" + index);
        this.thread.setDaemon(true);
        this.inbox = new LaneInbox(thread);
    }

    /** The job's tracing (its comet calls are spans when enabled). */
    Tracing tracing() {
        return tracing;
    }

    void start() {
        thread.start();
    }

    /** Any thread: routes {@code task} on this lane, after everything submitted before it. */
    void submit(PushTask task) {
        inbox.add(task);
    }

    /** Any thread: runs {@code r} on this lane. */
    void execute(Runnable r) {
        inbox.add(r);
    }

    /** True on this lane's own thread (a callback that completed synchronously may then skip the hop). */
    boolean onLaneThread() {
        return Thread.currentThread() == thread;
    }

    /** Stops the thread; pending work is dropped (the caller waited for it or is crashing). */
    void stop() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        while (running) {
            try {
                long now = System.nanoTime();
                fireTimers(now);
                router.flushDue(now);
                long next = Math.min(timers.isEmpty() ? Long.MAX_VALUE : timers.peek().dueNanos(),
                        router.nextDeadline());
                long park = next == Long.MAX_VALUE ? MAX_PARK_NANOS : Math.min(MAX_PARK_NANOS, next - now);
                Object work = inbox.poll(park);
                if (Thread.interrupted() && !running) {
                    return; // stop(): the interrupt only ends the park
                }
                int n = 0;
                while (work != null) {
                    if (work instanceof PushTask task) {
                        router.accept(task);
                    } else {
                        ((Runnable) work).run();
                    }
                    if (++n == DRAIN_LIMIT) {
                        break;
                    }
                    work = inbox.poll();
                }
            } catch (RuntimeException | Error e) {
                log.error("lane {} task failed", thread.getName(), e);
            }
        }
    }

    private void fireTimers(long now) {
        Send s;
        while ((s = timers.peek()) != null && s.dueNanos() - now <= 0) {
            timers.poll();
            s.retry();
        }
    }

    /** Lane thread: retries {@code s} once its backoff ({@link Send#retryAt}) is over. */
    void schedule(Send s) {
        timers.add(s);
    }

    /** Lane thread: flushes every open room batch now. */
    void flushAll() {
        router.flushAll();
    }
}
