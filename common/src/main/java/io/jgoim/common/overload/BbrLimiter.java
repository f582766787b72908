package io.jgoim.common.overload;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Adaptive load shedding in the BBR style (the Kratos school, after TCP BBR): a request is refused only while the
 * node's smoothed CPU is at or above the threshold <em>and</em> more requests are in flight than the node has shown it
 * can carry plus a probing margin. A healthy node — CPU below the threshold — never sheds, except during the
 * cool-down: for {@code coolDown} after the last drop under high CPU it keeps refusing what exceeds the limit, so a
 * CPU average hovering around the threshold does not flap between shedding and flooding.
 *
 * <p>The capacity (in flight at once) is Little's law over the best completed bucket of the window:
 * {@code capacity = maxPass × rtAtMaxPass / bucket length}, where {@code maxPass} is the most requests one bucket
 * passed and {@code rtAtMaxPass} the lowest mean response time among the buckets that passed at least
 * {@code nearBest} (31/32) of that, or the peak in flight it carried at that rate if more (below).
 * Kratos multiplies by the window's global minimum response time instead, and that under-admits a node whose
 * response time grows with its throughput for good reasons (Kafka's produce batching: 1 ms when idle, 10 ms at
 * full rate): the minimum comes from a light bucket, the maximum pass from a busy one. Taking the response time the
 * node showed <em>at</em> its best throughput is still conservative (the lowest of the near-best buckets, so the
 * queueing delay of a saturated bucket does not inflate it).
 *
 * <p>Little's law gives the <em>mean</em> in flight, and requests that arrive in batches — pipelined HTTP requests
 * read tens at a time — exceed it at once: at 2,000/s with a 1.4 ms response time the mean is 3, a read of 20 is 20.
 * So the capacity is also at least the node's <em>carried</em> in flight: the most requests it held at once (the
 * peak of each bucket, noted by the releases) in a completed bucket that passed at least {@code nearBest} of the best
 * one with a mean response time within {@code carriedRt} × the response time at the best pass rate. A node that is not
 * saturated passes more the more it is given at a flat response time, so the peak it held is what it carries; a
 * saturated node passes no more and its response time grows with what it holds, so its queue does not count (the
 * condition is on the response time <em>at the best pass rate</em>, not the window's minimum, for the same reason as
 * the capacity's: a node whose response time rises with its throughput would never count a peak). Measured with a
 * simulated server ({@code BbrBatchedArrivalsTest}): a node far from saturation with its CPU over the threshold from
 * the start refused 90 % of batches of 20 every 10 ms before, and now 680 of the first second's ~2,000 while the peak
 * climbs to 20, then nothing; a saturated node at 3 × its capacity passes all it carries and refuses two thirds.
 * Other ways considered: a minimum limit admits a queue of that size into a node that carries one at a time; counting
 * a read's batch as arriving over the read needs the transport to pace its reads, and every caller to do it.
 *
 * <p>While it sheds, the limiter admits up to {@code capacity + max(1, ceil(capacity × probeMargin))} in flight (0.25:
 * BBR's 5/4 probing gain): capacity is measured only from what passed, so without the margin a node that shed after a
 * light period could never learn that it carries more (measured: a burst after 2,000/s was held at 8 in flight, 5.5 %
 * of the node's maximum). With it, a node that has spare capacity passes about a quarter more per bucket, which raises
 * the next bucket's estimate by as much (×1.25 per bucket: from 2 % to 100 % of the true capacity in about 2 s of
 * 100 ms buckets); a saturated node passes no more, its response time grows instead, and the estimate stays put
 * (the near-best buckets' lowest response time) — the margin then costs at most a quarter of a response time of
 * queueing — but only for one window: a node saturated for longer forgot the buckets that showed its unqueued
 * response time, took the queued one as its own and admitted a quarter more per window, without bound (the node of
 * 100 in flight at 3 × its rate: 1,375 in flight and a 68 ms mean response time after 100 s, against 5 ms).
 * So the margin is BBR's STARTUP and PROBE_BW ({@link ProbeCycle}): while the best pass rate grows, every bucket
 * probes; once the node has shed through 3 buckets without it growing by the margin (saturated), the admit limit
 * cycles over {@code probeCycle} buckets — one drains to capacity / (1 + margin), the last probes, the others admit
 * the capacity. The drain keeps a response time without the probe's queue in the window, and when the node keeps its
 * best rate through it, the carried peak is capped at what it admitted (also at the peak carried when the node
 * saturated: a drained bucket inherits the probe's in flight). Measured with {@code BbrLongSaturationTest}: that node
 * holds 143 in flight at most (113 outside the probe) and 5.8 ms for 100 s, and follows a halving or doubling of its
 * rate; the cost is the drain's bucket, 1–3 % of a saturated node's throughput.
 *
 * <p>Use: {@code long t = tryAcquire(); if (t == REJECTED) refuse; else ... finally release(t)}. Thread-safe; a
 * decision allocates nothing: in-flight is one atomic, the capacity estimate is recomputed at most once per bucket
 * under a lock and read from volatile fields otherwise (the peak is noted by {@link #release}, under the lock it
 * already takes, so the decision does not pay for it), the CPU is a volatile read ({@link CpuMonitor}).
 */
public final class BbrLimiter {
    /** What {@link #tryAcquire} returns for a refused request. */
    public static final long REJECTED = Long.MIN_VALUE;
    private static final long NONE = Long.MIN_VALUE;
    private static final long DEFAULT_MIN_RT_NANOS = 1_000_000L;

    private final boolean enabled;
    private final int thresholdPermille;
    private final long coolDownNanos;
    private final double nearBest;
    private final double carriedRt;
    private final IntSupplier cpuPermille;
    private final LongSupplier clock;
    private final BucketWindow passes;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong lastDrop = new AtomicLong(NONE);

    // The estimate of the current bucket; written under the window's lock (value before bucket), read lock-free.
    private volatile long estimateBucket = NONE;
    private volatile long maxInFlight;
    private volatile long admitLimit = 1;
    private volatile long maxPass;
    private volatile long minRtNanos = DEFAULT_MIN_RT_NANOS;
    private volatile long capacityRtNanos = DEFAULT_MIN_RT_NANOS;
    private volatile long carried;
    // The admit limit's gain per bucket (BBR's STARTUP and PROBE_BW), under the window's lock.
    private final ProbeCycle cycle;
    private volatile int phase = ProbeCycle.STARTUP;

    /**
     * @param cpuPermille the smoothed CPU load in per mille (a {@link CpuMonitor})
     * @param clock       monotonic nanoseconds ({@code System::nanoTime})
     */
    public BbrLimiter(OverloadConfig config, IntSupplier cpuPermille, LongSupplier clock) {
        this.enabled = config.enabled();
        this.thresholdPermille = (int) Math.round(config.cpuThreshold() * 1000);
        this.coolDownNanos = config.coolDown().toNanos();
        this.nearBest = config.nearBest();
        this.carriedRt = config.carriedRt();
        this.cycle = new ProbeCycle(config.probeMargin(), config.probeCycle());
        this.cpuPermille = cpuPermille;
        this.clock = clock;
        this.passes = new BucketWindow(config.buckets(), config.window().toNanos() / config.buckets());
    }

    /** Admits a request and returns its start time for {@link #release}, or {@link #REJECTED}. */
    public long tryAcquire() {
        long now = clock.getAsLong();
        if (enabled && shouldShed(now)) {
            return REJECTED;
        }
        inFlight.incrementAndGet();
        return now;
    }

    /** The admitted request that started at {@code startNanos} is over: it counts as a pass with its response time. */
    public void release(long startNanos) {
        long now = clock.getAsLong();
        synchronized (passes) {
            // In flight just before this release: every local peak of the count is followed by a release that sees
            // it, so the bucket's peak is the most requests it held at once (decrementing under the lock keeps two
            // releases from reading the same count).
            passes.add(now, Math.max(0, now - startNanos), inFlight.getAndDecrement());
        }
    }

    private boolean shouldShed(long now) {
        if (cpuPermille.getAsInt() < thresholdPermille) {
            long last = lastDrop.get();
            if (last == NONE) {
                return false;
            }
            if (now - last <= coolDownNanos) {
                return overCapacity(now);
            }
            lastDrop.compareAndSet(last, NONE);
            return false;
        }
        if (overCapacity(now)) {
            lastDrop.set(now);
            return true;
        }
        return false;
    }

    private boolean overCapacity(long now) {
        int n = inFlight.get();
        if (n <= 1) {
            return false;
        }
        maxInFlight(now);
        return n > admitLimit;
    }

    /** The capacity estimate (requests that may be in flight at once) as of {@code now}. */
    long maxInFlight(long now) {
        long bucket = passes.bucketOf(now);
        if (estimateBucket != bucket) {
            synchronized (passes) {
                if (estimateBucket != bucket) {
                    long pass = Math.max(1, passes.maxCountCompleted(now));
                    long nearBestPass = (long) Math.ceil(pass * nearBest);
                    long minRt = passes.minMeanCompleted(now);
                    // The response time at the best throughput: the lowest among the buckets near the best pass.
                    long rt = passes.minMeanCompleted(now, nearBestPass);
                    if (minRt <= 0) {
                        minRt = DEFAULT_MIN_RT_NANOS;
                    }
                    if (rt <= 0) {
                        rt = minRt;
                    }
                    long mean = (long) Math.floor((double) pass * rt / passes.bucketNanos() + 0.5);
                    // The most the node held at once while passing at its best rate at that response time.
                    long peak = passes.maxPeakCompleted(now, nearBestPass, (long) (rt * carriedRt));
                    long last = lastDrop.get();
                    boolean shedding = last != NONE && passes.bucketOf(last) >= bucket - 1;
                    int next = cycle.enter(bucket, shedding, pass, peak,
                            passes.countOf(now, cycle.drainBucket()), nearBestPass);
                    peak = cycle.carried(peak);
                    long capacity = Math.max(mean, peak);
                    maxPass = pass;
                    minRtNanos = minRt;
                    capacityRtNanos = rt;
                    carried = peak;
                    maxInFlight = capacity;
                    admitLimit = cycle.limit(capacity);
                    phase = next;
                    estimateBucket = bucket;
                }
            }
        }
        return maxInFlight;
    }

    /** The capacity estimate now (requests in flight at once). */
    public long maxInFlight() {
        return maxInFlight(clock.getAsLong());
    }

    /** Requests admitted and not yet released. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Most passes seen in one completed bucket of the window (1 when none). */
    public long maxPassPerBucket() {
        maxInFlight(clock.getAsLong());
        return maxPass;
    }

    /** Smallest mean response time of one completed bucket of the window (1 ms when none), in nanoseconds. */
    public long minRtNanos() {
        maxInFlight(clock.getAsLong());
        return minRtNanos;
    }

    /**
     * The response time the capacity is computed with: the lowest mean of the completed buckets that passed at least
     * {@code nearBest} (31/32) of the best bucket (the minimum RT when none has), in nanoseconds.
     */
    public long capacityRtNanos() {
        maxInFlight(clock.getAsLong());
        return capacityRtNanos;
    }

    /**
     * The most requests in flight at once in a completed bucket that passed at least {@code nearBest} of the best
     * one with a mean response time of at most {@code carriedRt} × {@link #capacityRtNanos} (0 when none).
     */
    public long carriedInFlight() {
        maxInFlight(clock.getAsLong());
        return carried;
    }

    /** In flight at most while shedding: the capacity plus the probing margin, max(1, ceil(capacity × margin)). */
    public long admitLimit() {
        maxInFlight(clock.getAsLong());
        return admitLimit;
    }

    /** The smoothed CPU load the decisions use, in per mille. */
    public int cpuPermille() {
        return cpuPermille.getAsInt();
    }

    /**
     * True while the node counts as saturated: it has shed through 3 buckets without its best pass rate growing by
     * the margin, and its admit limit cycles (drain, capacity, probe) instead of probing every bucket.
     */
    public boolean isSaturated() {
        maxInFlight(clock.getAsLong());
        return phase != ProbeCycle.STARTUP;
    }

    /** False when {@code overload.enabled} is off: then every request is admitted. */
    public boolean isEnabled() {
        return enabled;
    }

    /** True while a drop under high CPU happened within the cool-down. */
    public boolean isCoolingDown() {
        long last = lastDrop.get();
        return last != NONE && clock.getAsLong() - last <= coolDownNanos;
    }

    /** Whole seconds a refused client should wait (the HTTP {@code Retry-After}): the cool-down, at least 1. */
    public long retryAfterSeconds() {
        return Math.max(1, (coolDownNanos + 999_999_999L) / 1_000_000_000L);
    }
}
