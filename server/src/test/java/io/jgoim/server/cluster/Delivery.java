package io.jgoim.server.cluster;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * Figures shared by every {@link StreamTracker} of a run: the end-to-end latency of positioned messages (push time in
 * the body to receipt at the client, 1 ms buckets) and the longest time a client waited between two consecutive
 * messages of one stream while {@link #measuring} is on. Recorded from the clients' event loops; read after the run.
 */
public final class Delivery {
    private static final int BUCKETS = 120_000;

    private final AtomicLongArray latencyMillis = new AtomicLongArray(BUCKETS + 1);
    private final LongAccumulator maxRoomGapNanos = new LongAccumulator(Math::max, 0);
    private final LongAccumulator maxMemberGapNanos = new LongAccumulator(Math::max, 0);
    private volatile boolean measuring;

    /** Gaps count only while this is on (the roll), so the quiet tail after the pusher stopped is left out. */
    public void measuring(boolean on) {
        measuring = on;
    }

    boolean isMeasuring() {
        return measuring;
    }

    void latency(long pushNanos, long receiptNanos) {
        long ms = Math.max(0, (receiptNanos - pushNanos) / 1_000_000);
        latencyMillis.incrementAndGet((int) Math.min(ms, BUCKETS));
    }

    void gap(boolean room, long nanos) {
        (room ? maxRoomGapNanos : maxMemberGapNanos).accumulate(nanos);
    }

    /** Latency samples recorded. */
    public long count() {
        long n = 0;
        for (int i = 0; i <= BUCKETS; i++) {
            n += latencyMillis.get(i);
        }
        return n;
    }

    /** The latency at quantile {@code q} (0..1), in ms. */
    public long latencyQuantileMillis(double q) {
        long total = count();
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i <= BUCKETS; i++) {
            seen += latencyMillis.get(i);
            if (seen >= rank && seen > 0) {
                return i;
            }
        }
        return 0;
    }

    public long maxRoomGapMillis() {
        return maxRoomGapNanos.get() / 1_000_000;
    }

    public long maxMemberGapMillis() {
        return maxMemberGapNanos.get() / 1_000_000;
    }

    /** One line with every figure. */
    public String summary() {
        return String.format("latency p50 %d ms, p99 %d ms, max %d ms over %d messages; longest gap in a room stream"
                        + " %d ms, in a member stream %d ms", latencyQuantileMillis(0.5), latencyQuantileMillis(0.99),
                latencyQuantileMillis(1.0), count(), maxRoomGapMillis(), maxMemberGapMillis());
    }
}
