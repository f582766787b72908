package io.jgoim.comet.limit;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The comet-wide accept bucket ({@code limits.acceptRate} with {@code limits.acceptBurst}): a {@link Gcra} state in
 * one atomic, advanced by compare-and-set, so every listener's event loops share it without a lock or allocation.
 * A refused connection is also given a time to come back ({@link #retryAfterSeconds}) from a reservation calendar:
 * a second atomic holding the virtual time of the next free place, one interval apart, so the refused clients of a
 * reconnect storm are told to return at the bucket's rate instead of all after the same second.
 */
public final class AcceptRate {
    /** The furthest ahead a refused client is booked: past it the last second is overbooked. */
    public static final int HORIZON_SECONDS = 30;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long HORIZON = TimeUnit.SECONDS.toNanos(HORIZON_SECONDS);

    private final long interval;
    private final long tolerance;
    private final LongSupplier clock;
    private final AtomicLong tat;
    /** The virtual time the next refused client is booked at (when it is at least a second from now). */
    private final AtomicLong nextFree;

    public AcceptRate(int perSecond, int burst, LongSupplier clock) {
        this.interval = Gcra.interval(perSecond);
        this.tolerance = Gcra.tolerance(interval, burst);
        this.clock = clock;
        long now = clock.getAsLong();
        this.tat = new AtomicLong(now);
        this.nextFree = new AtomicLong(now);
    }

    /** Takes a token for one accepted connection; false when the bucket is empty (always true when off). */
    public boolean tryAcquire() {
        if (interval == 0) {
            return true;
        }
        long now = clock.getAsLong();
        while (true) {
            long t = tat.get();
            long n = Gcra.next(t, now, interval, tolerance);
            if (n == Gcra.REFUSED) {
                return false;
            }
            if (tat.compareAndSet(t, n)) {
                return true;
            }
        }
    }

    /**
     * Books a place for a connection the bucket just refused and returns the whole seconds to stay away, 1 to
     * {@link #HORIZON_SECONDS}. The place is the later of a second from now and the calendar's next free one, which
     * then moves on by one interval: refusals at one moment are told 1, 1, ..., 2, 2, ... seconds, {@code acceptRate}
     * of each, and a client that waits its seconds plus a uniform draw within one second (the SDKs) comes back in the
     * second its place is in. Past the horizon every refusal is told the horizon and nothing is booked. Lock-free,
     * no allocation; called on the refusal path only.
     */
    public int retryAfterSeconds() {
        if (interval == 0) {
            return 1;
        }
        long now = clock.getAsLong();
        long earliest = now + SECOND;
        while (true) {
            long f = nextFree.get();
            long place = f - earliest < 0 ? earliest : f;
            if (place - now >= HORIZON) {
                return HORIZON_SECONDS;
            }
            if (nextFree.compareAndSet(f, place + interval)) {
                return (int) ((place - now) / SECOND);
            }
        }
    }
}
