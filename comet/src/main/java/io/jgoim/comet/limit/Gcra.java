package io.jgoim.comet.limit;

/**
 * The generic cell rate algorithm: a token bucket kept as one number, the theoretical arrival time (TAT) of the
 * next event. An event at {@code now} conforms when {@code TAT - now <= tolerance}, and then moves the TAT on by one
 * interval. Rate r per second with burst b: interval = 1 s / r, tolerance = (b - 1) intervals. One {@code long} per
 * limited thing (a session, an address), no allocation, no refill loop. Pure functions; callers own the state and
 * its thread-safety.
 */
public final class Gcra {
    /** Returned by {@link #next} for an event that does not conform (TATs are nanoTime values, never this one). */
    public static final long REFUSED = Long.MIN_VALUE;

    private Gcra() {
    }

    /**
     * The TAT after an event at {@code now} when it conforms, else {@link #REFUSED} (the state stays as it was).
     * Times are {@link System#nanoTime()}-style and compared by difference, so they may wrap.
     */
    public static long next(long tat, long now, long intervalNanos, long toleranceNanos) {
        long t = tat - now < 0 ? now : tat;
        if (t - now > toleranceNanos) {
            return REFUSED;
        }
        return t + intervalNanos;
    }

    /** Nanoseconds between events at {@code perSecond} (0 for an unlimited rate). */
    public static long interval(int perSecond) {
        return perSecond <= 0 ? 0 : 1_000_000_000L / perSecond;
    }

    /** Tolerance of a burst of {@code burst} events at once. */
    public static long tolerance(long intervalNanos, int burst) {
        return intervalNanos * Math.max(0, burst - 1);
    }
}
