package io.jgoim.common.overload;

/**
 * The admit limit's gain per bucket, after TCP BBR's STARTUP and PROBE_BW: what {@link BbrLimiter} admits while it
 * sheds, given its capacity estimate. A node whose best pass rate still grows is probed in every bucket (capacity +
 * margin: the estimate rises with what it passes). A node that has shed through {@link #STALL_BUCKETS} buckets without
 * its best pass rate growing by the margin is saturated: the margin there buys queue, not passes, and a queued
 * response time would become the next window's capacity (the drift: a quarter more per window). So it cycles over
 * {@code cycle} buckets: the first <em>drains</em> to capacity / (1 + margin), the others admit the capacity, the last
 * <em>probes</em> with the margin (a node that got faster passes more there, grows and probes every bucket again).
 * The drained bucket re-measures the node within each cycle: it keeps the response time in the window free of the
 * probe's queue, and when it still passes at the best rate the node has shown it needs no more in flight than the
 * drain admitted, so the carried peak is capped there (and at the peak it carried when it saturated, which a drained
 * bucket's peak, inherited from the probe before it, would otherwise raise). Not thread-safe: owned by one limiter
 * and used under its window's lock, once per bucket; allocates nothing.
 */
final class ProbeCycle {
    /** Buckets of shedding without the best pass rate growing by the margin before the node counts as saturated. */
    static final int STALL_BUCKETS = 3;
    static final int STARTUP = 0;
    static final int PROBE = 1;
    static final int DRAIN = 2;
    static final int CRUISE = 3;
    private static final long NONE = Long.MIN_VALUE;

    private final double margin;
    private final int cycle;
    private long grownPass;
    private int stalled;
    private long cycleStart = NONE;
    private long peakCap;
    private long drainBucket = NONE;
    private long drainLimit;
    private int phase = STARTUP;

    ProbeCycle(double margin, int cycle) {
        this.margin = margin;
        this.cycle = cycle;
    }

    /**
     * Enters {@code bucket}: {@code shedding} = a request was refused in this bucket or the one before, {@code pass}
     * the best completed bucket's passes, {@code peak} the carried peak, {@code drainPassed} the passes of the last
     * drained bucket (read by {@link #drainBucket}) and {@code nearBestPass} what counts as the best rate.
     * Returns the phase.
     */
    int enter(long bucket, boolean shedding, long pass, long peak, long drainPassed, long nearBestPass) {
        if (!shedding || pass >= grownPass * (1 + margin)) {
            grownPass = pass;
            stalled = 0;
            cycleStart = NONE;
            drainBucket = NONE;
            return phase = STARTUP;
        }
        if (cycleStart == NONE) {
            if (++stalled < STALL_BUCKETS) {
                return phase = STARTUP;
            }
            cycleStart = bucket;
            peakCap = peak;
        }
        if (drainBucket != NONE && drainBucket < bucket) {
            if (drainPassed >= nearBestPass) {
                peakCap = Math.min(peakCap, drainLimit + 1); // the best rate with no more than the drain admitted
            }
            drainBucket = NONE;
        }
        long at = Math.floorMod(bucket - cycleStart, (long) cycle);
        phase = at == 0 ? DRAIN : at == cycle - 1 ? PROBE : CRUISE;
        if (phase == DRAIN) {
            drainBucket = bucket;
        }
        return phase;
    }

    /** The bucket drained last and not yet judged, or {@code Long.MIN_VALUE}. */
    long drainBucket() {
        return drainBucket;
    }

    /** The carried peak that counts in the current phase: capped while the node is saturated. */
    long carried(long peak) {
        return phase == STARTUP ? peak : Math.min(peak, peakCap);
    }

    /** In flight at most in the current phase, for {@code capacity}. */
    long limit(long capacity) {
        switch (phase) {
            case DRAIN:
                drainLimit = Math.max(1, (long) Math.floor(capacity / (1 + margin)));
                return drainLimit;
            case CRUISE:
                return Math.max(1, capacity);
            default:
                return capacity + Math.max(1, (long) Math.ceil(capacity * margin));
        }
    }
}
