package io.jgoim.comet.limit;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The comet-wide accept bucket ({@code limits.acceptRate} with {@code limits.acceptBurst}): a {@link Gcra} state in
 * one atomic, advanced by compare-and-set, so every listener's event loops share it without a lock or allocation.
 */
public final class AcceptRate {
    private final long interval;
    private final long tolerance;
    private final LongSupplier clock;
    private final AtomicLong tat;

    public AcceptRate(int perSecond, int burst, LongSupplier clock) {
        this.interval = Gcra.interval(perSecond);
        this.tolerance = Gcra.tolerance(interval, burst);
        this.clock = clock;
        this.tat = new AtomicLong(clock.getAsLong());
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
}
