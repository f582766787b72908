package io.jgoim.loadtest;

import org.HdrHistogram.Histogram;

/**
 * Percentiles of one latency histogram, in microseconds. Immutable.
 */
public record LatencySummary(long count, long min, double mean, long p50, long p90, long p99, long p999, long p9999,
                             long max) {
    public static LatencySummary of(Histogram h) {
        if (h.getTotalCount() == 0) {
            return new LatencySummary(0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        return new LatencySummary(h.getTotalCount(), h.getMinValue(), h.getMean(), h.getValueAtPercentile(50),
                h.getValueAtPercentile(90), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9),
                h.getValueAtPercentile(99.99), h.getMaxValue());
    }
}
