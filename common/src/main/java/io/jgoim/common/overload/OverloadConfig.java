package io.jgoim.common.overload;

import io.jgoim.common.config.Checks;

import java.time.Duration;

/**
 * The {@code overload} section of a node that sheds inbound work adaptively ({@link BbrLimiter}).
 *
 * @param enabled      false = never shed (the limiter still measures, so its gauges stay meaningful)
 * @param cpuThreshold smoothed CPU load (0–1) above which the node may shed
 * @param cpuSource    {@code system} (the machine or container) or {@code process} (this JVM)
 * @param cpuSample    how often the CPU load is sampled
 * @param cpuDecay     EWMA weight of the previous average per sample, in [0, 1)
 * @param window       how far back pass rate and response time are measured
 * @param buckets      buckets in {@code window} (the capacity is measured per completed bucket)
 * @param coolDown     after the last drop under high CPU, keep shedding what exceeds capacity this long
 * @param probeMargin  while shedding, admit {@code max(1, ceil(capacity × probeMargin))} more than the capacity, in
 *                     (0, 1]; 0.25 = BBR's 5/4 probing gain
 * @param nearBest     a bucket that passed at least this share of the best bucket is "at the best pass rate", in
 *                     (0, 1]; 31/32 = 0.96875
 * @param carriedRt    a near-best bucket's peak in flight counts as carried when its mean response time is at most
 *                     this × the response time at the best pass rate, in [1, 4]; 1.125
 * @param probeCycle   buckets of one probing cycle once the node is saturated (it shed through 3 buckets without its
 *                     best pass rate growing by the margin): one drains to capacity / (1 + probeMargin), the last
 *                     probes with the margin, the others admit the capacity; in [3, 1000]; 8 (BBR's PROBE_BW)
 */
public record OverloadConfig(boolean enabled, double cpuThreshold, String cpuSource, Duration cpuSample,
                             double cpuDecay, Duration window, int buckets, Duration coolDown, double probeMargin,
                             double nearBest, double carriedRt, int probeCycle) {
    /** The default probing margin: BBR's 5/4 gain. */
    public static final double PROBE_MARGIN = 0.25;
    /** The default share of the best pass rate that counts as at it: 31/32. */
    public static final double NEAR_BEST = 31.0 / 32;
    /** The default response-time tolerance of a bucket whose peak in flight counts as carried. */
    public static final double CARRIED_RT = 1.125;
    /** The default buckets of a saturated node's probing cycle: BBR's eight phases. */
    public static final int PROBE_CYCLE = 8;

    public OverloadConfig {
        Checks.check(cpuThreshold > 0 && cpuThreshold <= 1, "overload.cpuThreshold must be in (0, 1], was "
                + cpuThreshold);
        Checks.check("system".equals(cpuSource) || "process".equals(cpuSource),
                "overload.cpuSource must be system or process, was " + cpuSource);
        Checks.positive(cpuSample, "overload.cpuSample");
        Checks.check(cpuDecay >= 0 && cpuDecay < 1, "overload.cpuDecay must be in [0, 1), was " + cpuDecay);
        Checks.positive(window, "overload.window");
        Checks.check(buckets >= 2 && buckets <= 1000, "overload.buckets must be in [2, 1000], was " + buckets);
        Checks.check(window.toNanos() / buckets > 0, "overload.window is too short for its buckets");
        Checks.notNull(coolDown, "overload.coolDown");
        Checks.check(!coolDown.isNegative(), "overload.coolDown must be >= 0");
        Checks.check(probeMargin > 0 && probeMargin <= 1, "overload.probeMargin must be in (0, 1] (0.25 = BBR's 5/4"
                + " gain; 0 would never learn more than a shedding node passes), was " + probeMargin);
        Checks.check(nearBest > 0 && nearBest <= 1, "overload.nearBest must be in (0, 1] (a share of the best"
                + " bucket's passes), was " + nearBest);
        Checks.check(carriedRt >= 1 && carriedRt <= 4, "overload.carriedRt must be in [1, 4] (a multiple of the"
                + " response time at the best pass rate), was " + carriedRt);
        Checks.check(probeCycle >= 3 && probeCycle <= 1000, "overload.probeCycle must be in [3, 1000] (buckets: one"
                + " drains, one probes, the others cruise), was " + probeCycle);
    }

    /** A section with the documented default probing cycle. */
    public OverloadConfig(boolean enabled, double cpuThreshold, String cpuSource, Duration cpuSample, double cpuDecay,
                          Duration window, int buckets, Duration coolDown, double probeMargin, double nearBest,
                          double carriedRt) {
        this(enabled, cpuThreshold, cpuSource, cpuSample, cpuDecay, window, buckets, coolDown, probeMargin, nearBest,
                carriedRt, PROBE_CYCLE);
    }

    /**
     * A section with the documented defaults for the probing margin, near-best share, carried-RT tolerance and
     * probing cycle.
     */
    public OverloadConfig(boolean enabled, double cpuThreshold, String cpuSource, Duration cpuSample, double cpuDecay,
                          Duration window, int buckets, Duration coolDown) {
        this(enabled, cpuThreshold, cpuSource, cpuSample, cpuDecay, window, buckets, coolDown, PROBE_MARGIN,
                NEAR_BEST, CARRIED_RT, PROBE_CYCLE);
    }

    /** The CPU monitor this section describes, not yet started. */
    public CpuMonitor cpuMonitor() {
        return new CpuMonitor(CpuSource.named(cpuSource), cpuDecay);
    }
}
