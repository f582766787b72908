package io.jgoim.comet.session;

import io.jgoim.comet.metrics.CometMetrics;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the Connects of the whole comet that wait for logic at once, adaptively: at most {@link #limit()} of them,
 * a limit that follows logic's answers (AIMD, as Netflix's concurrency-limits' {@code AIMDLimit}). A Connect
 * answered within the target latency ({@code protocol.logicTimeout} / 2: half the deadline, so a
 * loaded logic that still answers every Connect in time is not cut) while at least half the limit was in use
 * raises it by one; one answered later, or failed (timed out, logic unreachable, refused locally by the throttle),
 * lowers it to 0.9 of itself, at most once per {@link #DECREASE_EVERY_NANOS}. It lies between {@link #MIN_LIMIT} and
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

    private final int max;
    private final long targetNanos;
    private final CometMetrics metrics;
    private final AtomicInteger pending = new AtomicInteger();
    private final int floor;
    private double limit; // guarded by this
    private volatile int currentLimit;
    private long decreasedAt = System.nanoTime() - DECREASE_EVERY_NANOS; // guarded by this

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
                if (now - decreasedAt >= DECREASE_EVERY_NANOS) {
                    decreasedAt = now;
                    limit = Math.max(floor, limit * 0.9);
                }
            }
            currentLimit = (int) limit;
        }
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
