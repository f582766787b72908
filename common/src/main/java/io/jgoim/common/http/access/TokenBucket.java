package io.jgoim.common.http.access;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One API key's rate: a token bucket of {@code burst} tokens refilled at {@code ratePerSecond}, kept as the single
 * number of the equivalent GCRA (the time at which the bucket would be full again), so a decision is one clock read
 * and one compare-and-set and allocates nothing. Thread-safe and lock-free: the listener's event loops share it.
 */
public final class TokenBucket {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long intervalNanos;
    private final long capacityNanos;
    private final LongSupplier nanoClock;
    /** When the bucket is full again; at or before now = full. */
    private final AtomicLong fullAt;

    /**
     * @param ratePerSecond tokens added per second; 0 = unlimited (every request admitted)
     * @param burst         tokens the bucket holds (requests admitted at once after a pause); >= 1 when rated
     * @param nanoClock     a monotonic clock in nanoseconds ({@code System::nanoTime}; tests inject their own)
     */
    public TokenBucket(double ratePerSecond, int burst, LongSupplier nanoClock) {
        if (ratePerSecond < 0 || (ratePerSecond > 0 && burst < 1)) {
            throw new IllegalArgumentException("rate " + ratePerSecond + " with burst " + burst);
        }
        this.intervalNanos = ratePerSecond == 0 ? 0 : Math.max(1, Math.round(NANOS_PER_SECOND / ratePerSecond));
        this.capacityNanos = intervalNanos * burst;
        this.nanoClock = nanoClock;
        this.fullAt = new AtomicLong(nanoClock.getAsLong());
    }

    /** True when every request is admitted (ratePerSecond 0). */
    public boolean isUnlimited() {
        return intervalNanos == 0;
    }

    /**
     * Takes one token if there is one.
     *
     * @return 0 when admitted; otherwise the nanoseconds until a token is free (nothing was taken)
     */
    public long tryAcquire() {
        if (intervalNanos == 0) {
            return 0;
        }
        while (true) {
            long now = nanoClock.getAsLong();
            long full = fullAt.get();
            // A bucket that has been full since `full` starts from now: idle time does not bank more than burst.
            long base = full - now < 0 ? now : full;
            long next = base + intervalNanos;
            long over = next - now - capacityNanos;
            if (over > 0) {
                return over;
            }
            if (fullAt.compareAndSet(full, next)) {
                return 0;
            }
        }
    }
}
