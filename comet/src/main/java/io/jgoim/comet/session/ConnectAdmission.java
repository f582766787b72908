package io.jgoim.comet.session;

import io.jgoim.comet.metrics.AdmissionMetrics;

import io.netty.util.concurrent.EventExecutor;

import java.time.Duration;
import java.util.ArrayDeque;
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
 * {@code protocol.maxPendingConnects} (the fixed ceiling, 0 = no bound and no adaptation).
 *
 * <p>An auth that finds every place taken waits for one in a FIFO queue, at most {@code protocol.connectWait} and
 * behind at most {@code protocol.maxWaitingConnects} others ({@link ConnectWait}); one that does not get a place in
 * that time, or finds the queue full, is refused (4004, retryable). The queue is what keeps the admitted rate at the
 * rate logic answers when more auths arrive than it can take (issue 19's "graceful degradation" past saturation):
 * refusing every auth beyond the bound at once turned each passing slow spell of logic into refusals, so the comet
 * admitted less than logic could answer while the excess came back as retries. Waiting costs an idle session's memory,
 * which the session already holds, and nothing at logic or Redis: the Connects in flight stay at the concurrency logic
 * answers in time, so its latency stays low and the bound stays up. A storm beyond what logic answers in
 * {@code connectWait} is still refused, so no auth queues past the point where its Connect would outlast the client's
 * patience — the congestion collapse of issue 19, where 2,048 Connects in flight to a cold logic all timed out and
 * almost nothing got in.
 *
 * <p>One instance per comet, shared by every handshake; thread-safe: the count is atomic, the limit changes under the
 * instance's lock (once per answered Connect), the queue under its own.
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

    /** {@link #acquire}: a place is held, send the Connect now. */
    public static final ConnectWait PLACED = new ConnectWait(null, null, null);
    /** {@link #acquire}: refused, the queue is full or waiting is off (counted as shed). */
    public static final ConnectWait REFUSED = new ConnectWait(null, null, null);

    private final int max;
    private final long maxWaitNanos;
    private final int maxWaiting;
    /** Auths waiting for a place, in arrival order; entries that ended are dropped when they reach the head. */
    private final ArrayDeque<ConnectWait> queue = new ArrayDeque<>(); // guarded by itself
    private final AtomicInteger waiting = new AtomicInteger();
    private final long targetNanos;
    private final AdmissionMetrics metrics;
    private final AtomicInteger pending = new AtomicInteger();
    private final int floor;
    private double limit; // guarded by this
    private volatile int currentLimit;
    /** When the limit last fell; a Connect sent before it says nothing new. Guarded by this. */
    private long decreasedAt = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

    /** A fixed bound of {@code max} (tests of the bound alone): no adaptation, no waiting. */
    public ConnectAdmission(int max, AdmissionMetrics metrics) {
        this(max, null, Duration.ZERO, 0, metrics);
    }

    /** The adaptive bound without a queue: an auth that finds every place taken is refused at once. */
    public ConnectAdmission(int max, Duration logicTimeout, AdmissionMetrics metrics) {
        this(max, logicTimeout, Duration.ZERO, 0, metrics);
    }

    /**
     * @param max          the ceiling ({@code protocol.maxPendingConnects}; 0 = unlimited)
     * @param logicTimeout the comet's wait for a Connect; half of it is the target latency. Null: the limit stays
     *                     at {@code max} (no adaptation)
     * @param maxWait      how long an auth may wait for a place ({@code protocol.connectWait}; zero: refused at once)
     * @param maxWaiting   how many may wait ({@code protocol.maxWaitingConnects}; 0: refused at once)
     */
    public ConnectAdmission(int max, Duration logicTimeout, Duration maxWait, int maxWaiting, AdmissionMetrics metrics) {
        this.max = max;
        this.maxWaitNanos = maxWaiting > 0 ? maxWait.toNanos() : 0;
        this.maxWaiting = maxWaiting;
        this.metrics = metrics;
        this.targetNanos = logicTimeout == null ? 0 : logicTimeout.toNanos() / 2;
        this.floor = Math.min(MIN_LIMIT, max);
        this.limit = logicTimeout == null ? max : Math.min(INITIAL_LIMIT, max);
        this.currentLimit = (int) limit;
        metrics.connectsPending(pending::get);
        metrics.connectsLimit(() -> currentLimit);
        metrics.connectsWaiting(waiting::get);
    }

    /**
     * Takes a place for the auth of {@code claimant} (on {@code loop}, its event loop): {@link #PLACED} when one was
     * free (send the Connect now), {@link #REFUSED} when none is free and it may not wait, else its place in the
     * queue: {@link ConnectWait.Claimant#placed} or {@link ConnectWait.Claimant#notPlaced} follows on {@code loop},
     * unless the caller {@link ConnectWait#cancel cancels} it first. Arrivals queue behind those already waiting.
     */
    public ConnectWait acquire(EventExecutor loop, ConnectWait.Claimant claimant) {
        if (waiting.get() == 0 && take()) {
            return PLACED;
        }
        if (maxWaitNanos <= 0 || waiting.get() >= maxWaiting) {
            metrics.connectShed();
            return REFUSED;
        }
        ConnectWait w = new ConnectWait(loop, claimant, this);
        waiting.incrementAndGet();
        w.expireAfter(maxWaitNanos);
        synchronized (queue) {
            queue.add(w);
        }
        metrics.connectWaited();
        drain(); // every place may have come back between take() and the add
        return w;
    }

    /** Hands free places to the waiting auths in order, dropping those that ended meanwhile. */
    private void drain() {
        for (;;) {
            ConnectWait w;
            boolean took = false;
            synchronized (queue) {
                w = queue.peek();
                if (w == null) {
                    return;
                }
                if (w.waiting()) {
                    int n = pending.get();
                    if (max > 0 && n >= currentLimit) {
                        return;
                    }
                    if (!pending.compareAndSet(n, n + 1)) {
                        continue;
                    }
                    took = true;
                }
                queue.poll();
            }
            if (took && !w.place()) {
                pending.decrementAndGet(); // it ended between the look and the hand-over: the place goes on
            }
        }
    }

    /** A waiting auth left the queue (placed, expired, cancelled). */
    void leftQueue() {
        waiting.decrementAndGet();
    }

    /** A waiting auth's time ran out without a place. */
    void expired() {
        metrics.connectShed();
    }

    /** Gives back a place taken for a Connect that was not sent (the channel closed first); no latency signal. */
    public void release() {
        pending.decrementAndGet();
        drain();
    }

    /** Auths waiting for a place now. */
    public int waiting() {
        return waiting.get();
    }

    /**
     * Takes a place for a Connect waiting for logic; false, counting the refusal, when all are taken. Every true
     * must be followed by one {@link #done}.
     */
    public boolean tryAcquire() {
        if (take()) {
            return true;
        }
        metrics.connectShed();
        return false;
    }

    private boolean take() {
        int n = pending.incrementAndGet();
        if (max > 0 && n > currentLimit) {
            pending.decrementAndGet();
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
            drain();
            return;
        }
        adapt(inFlight, nanos, answered);
        drain();
    }

    private void adapt(int inFlight, long nanos, boolean answered) {
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
