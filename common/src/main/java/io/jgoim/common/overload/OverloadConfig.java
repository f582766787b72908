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
 * @param buckets      buckets in {@code window}; capacity = max passes of one bucket × min mean RT
 * @param coolDown     after the last drop under high CPU, keep shedding what exceeds capacity this long
 */
public record OverloadConfig(boolean enabled, double cpuThreshold, String cpuSource, Duration cpuSample,
                             double cpuDecay, Duration window, int buckets, Duration coolDown) {
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
    }

    /** The CPU monitor this section describes, not yet started. */
    public CpuMonitor cpuMonitor() {
        return new CpuMonitor(CpuSource.named(cpuSource), cpuDecay);
    }
}
