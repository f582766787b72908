package io.jgoim.loadtest;

import io.jgoim.loadtest.metrics.EpochClock;
import io.jgoim.loadtest.metrics.RunMetrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Splits a push run's replies for a node that sheds load (issue 19): the latency of accepted pushes alone
 * ({@link #ACCEPTED} histogram) apart from the refusals of adaptive shedding, HTTP 429 ({@link #REFUSED} histogram,
 * counter {@link #REFUSED_COUNT}, sampled per second), and when the first and last 429 arrived beside when the
 * schedule started and ended, so a run tells how long shedding outlasted the load. The {@code push} histogram and the
 * failure counts are unchanged: a 429 is still a failure. Thread-safe: replies are recorded from the connections'
 * event loops, the schedule from the publishing thread.
 */
final class ReplySplit {
    static final String ACCEPTED = "accepted";
    static final String REFUSED = "refused";
    static final String REFUSED_COUNT = "messages.refused";
    static final int TOO_MANY_REQUESTS = 429;

    private final RunMetrics metrics;
    private final AtomicLong firstRefusal = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastRefusal = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong lastRefusedDue = new AtomicLong(Long.MIN_VALUE);
    private volatile long scheduleStart;
    private volatile long scheduleEnd;

    /** Records into {@code metrics}, which must hold the {@link #ACCEPTED} and {@link #REFUSED} histograms. */
    ReplySplit(RunMetrics metrics) {
        metrics.recorder(ACCEPTED);
        metrics.recorder(REFUSED);
        this.metrics = metrics;
    }

    /** The schedule runs from {@code startNanos} to {@code endNanos} ({@link System#nanoTime()}). */
    void schedule(long startNanos, long endNanos) {
        scheduleStart = startNanos;
        scheduleEnd = endNanos;
    }

    void accepted(long latencyMicros) {
        metrics.recorder(ACCEPTED).recordValue(latencyMicros);
    }

    /**
     * A reply that is not an acceptance, arrived at {@code nowNanos} for the request due at {@code dueNanos}; only
     * HTTP 429 counts as a refusal.
     */
    void notAccepted(int status, long dueNanos, long latencyMicros, long nowNanos) {
        if (status != TOO_MANY_REQUESTS) {
            return;
        }
        metrics.recorder(REFUSED).recordValue(latencyMicros);
        metrics.counter(REFUSED_COUNT).increment();
        firstRefusal.accumulateAndGet(nowNanos, Math::min);
        lastRefusal.accumulateAndGet(nowNanos, Math::max);
        lastRefusedDue.accumulateAndGet(dueNanos, Math::max);
    }

    /**
     * The times as epoch milliseconds: {@code schedule.startEpochMillis}, {@code schedule.endEpochMillis} (the load
     * stops there), and {@code refused.firstEpochMillis}, {@code refused.lastEpochMillis} (when the first and last
     * 429 arrived) and {@code refused.lastDueEpochMillis} (when the latest request that got a 429 was due: the server
     * refused it after that, before its reply arrived); absent when no 429 came.
     */
    Map<String, Long> times() {
        Map<String, Long> t = new LinkedHashMap<>();
        t.put("schedule.startEpochMillis", epochMillis(scheduleStart));
        t.put("schedule.endEpochMillis", epochMillis(scheduleEnd));
        if (lastRefusal.get() != Long.MIN_VALUE) {
            t.put("refused.firstEpochMillis", epochMillis(firstRefusal.get()));
            t.put("refused.lastEpochMillis", epochMillis(lastRefusal.get()));
            t.put("refused.lastDueEpochMillis", epochMillis(lastRefusedDue.get()));
        }
        return t;
    }

    private static long epochMillis(long nanoTime) {
        return EpochClock.toEpochNanos(nanoTime) / 1_000_000;
    }
}
