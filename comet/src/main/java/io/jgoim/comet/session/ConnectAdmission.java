package io.jgoim.comet.session;

import io.jgoim.comet.metrics.CometMetrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the Connects of the whole comet that wait for logic at once, adaptively: at most {@link #limit()} of them,
 * a limit that follows logic's answers (AIMD, as Netflix's concurrency-limits' {@code AIMDLimit}). A Connect
 * answered within the target latency ({@code protocol.logicTimeout} / 2: half the deadline, so a
 * loaded logic that still answers every Connect in time is not cut) while at least half the limit was in use
 * raises it by one; one answered later lowers it in proportion (target / latency, between 0.5 and 0.9 of itself: the
 * concurrency at which logic's present pace would answer in the target), one that failed (timed out, logic
 * unreachable, refused locally by the throttle) halves it. A decrease counts only a Connect SENT AFTER the last one
 * (and at most one per {@link #DECREASE_EVERY_NANOS}): the Connects in flight when the limit fell were admitted under
 * the old limit and come back late together, so counting each of them would cut the limit again and again within one
 * round trip (issue 19's quiet-machine ladder: 2,048 to 520 in 1.7 s at ×0.9 per 100 ms, then thousands of refusals
 * a second while logic could have answered far more) — TCP's one decrease per window. It lies between
 * {@link #MIN_LIMIT} and
 * {@code protocol.maxPendingConnects} (the fixed ceiling, 0 = no bound and no adaptation). An auth beyond it is
 * refused at once (4004, retryable), so a storm is admitted at the pace logic answers at a low latency instead of
 * queueing in logic and Redis until every Connect outlasts {@code logicTimeout} — the congestion collapse of issue 19,
 * where 2,048 Connects in flight to a cold logic all timed out and almost nothing got in.
 *
 * <p>One instance per comet, shared by every handshake; thread-safe: the count is atomic, the limit changes under the
 * instance's lock (once per answered Connect).
 */
public final class ConnectAdmission {
    /** The limit never falls below this (or the ceiling, when that is lower). */
    static final int MIN_LIMIT = 16;
    /** Where the limit starts (or the ceiling, when that is lower): a cold logic is not handed thousands at once. */
    static final int INITIAL_LIMIT = 128;
    /** At most one decrease per this long: the Connects of one slow spell fail together. */
    static final long DECREASE_EVERY_NANOS = 100_000_000L;
    /** The deepest cut of one decrease (a failed Connect's). */
    static final double MIN_DECREASE = 0.5;
    /** The mildest cut of one decrease (a Connect just past the target). */
    static final double MAX_DECREASE = 0.9;

    private final int max;
    private final long targetNanos;
    private final CometMetrics metrics;
    private final AtomicInteger pending = new AtomicInteger();
    private final int floor;
    private double limit; // guarded by this
    private volatile int currentLimit;
    /** When the limit last fell; a Connect sent before it says nothing new. Guarded by this. */
    private long decreasedAt = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

    /** A fixed bound of {@code max} (tests of the bound alone): no adaptation. */
    public ConnectAdmission(int max, CometMetrics metrics) {
        this(max, null, metrics);
    }

    /**
     * @param max          the ceiling ({@code protocol.maxPendingConnects}; 0 = unlimited)
     * @param logicTimeout the comet's wait for a Connect; half of it is the target latency. Null: the limit stays
     *                     at {@code max} (no adaptation)
     */
    public ConnectAdmission(int max, Duration logicTimeout, CometMetrics metrics) {
        this.max = max;
        this.metrics = metrics;
        this.targetNanos = logicTimeout == null ? 0 : logicTimeout.toNanos() / 2;
        this.floor = Math.min(MIN_LIMIT, max);
        this.limit = logicTimeout == null ? max : Math.min(INITIAL_LIMIT, max);
        this.currentLimit = (int) limit;
        metrics.connectsPending(pending::get);
        metrics.connectsLimit(() -> currentLimit);
    }

    /**
     * Takes a place for a Connect waiting for logic; false, counting the refusal, when all are taken. Every true
     * must be followed by one {@link #done}.
     */
    public boolean tryAcquire() {
        int n = pending.incrementAndGet();
        if (max > 0 && n > currentLimit) {
            pending.decrementAndGet();
            metrics.connectShed();
            return false;
        }
        return true;
    }

    /**
     * Logic answered (or failed) a Connect that {@link #tryAcquire} admitted, {@code nanos} after it was sent;
     * {@code answered}: logic took it (whatever it said about the token), not a failure of the call.
     */
    public void done(long nanos, boolean answered) {
        int inFlight = pending.getAndDecrement();
        if (max <= 0 || targetNanos <= 0) {
            return;
        }
        synchronized (this) {
            if (answered && nanos <= targetNanos) {
                if (inFlight * 2 >= limit) { // only a limit in use grows
                    limit = Math.min(max, limit + 1);
                }
            } else {
                long now = System.nanoTime();
                long sentAt = now - nanos;
                if (sentAt - decreasedAt >= 0 && now - decreasedAt >= DECREASE_EVERY_NANOS) {
                    decreasedAt = now;
                    limit = Math.max(floor, limit * decreaseFactor(nanos, answered));
                }
            }
            currentLimit = (int) limit;
        }
    }

    /**
     * How far a late or failed Connect lowers the limit: a failure halves it; a late answer scales it by the target
     * over its latency (Little: at logic's present pace, that concurrency is answered in the target), kept within
     * [{@value #MIN_DECREASE}, {@value #MAX_DECREASE}] so one odd answer neither wipes the limit out nor barely moves it.
     */
    private double decreaseFactor(long nanos, boolean answered) {
        if (!answered || nanos <= 0) {
            return MIN_DECREASE;
        }
        return Math.max(MIN_DECREASE, Math.min(MAX_DECREASE, (double) targetNanos / nanos));
    }

    /** Logic answered a Connect (tests of the bound alone: no latency). */
    public void done() {
        done(0, true);
    }

    /** The ceiling (0 = unlimited). */
    public int max() {
        return max;
    }

    /** The bound in force now. */
    public int limit() {
        return currentLimit;
    }

    /** Connects waiting for logic now. */
    public int pending() {
        return pending.get();
    }
}
