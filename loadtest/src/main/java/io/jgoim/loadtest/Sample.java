package io.jgoim.loadtest;

import java.util.Map;

/**
 * One second of a run: open sessions at its end, per-second counts (such as {@code delivered} and {@code sent}), the
 * interval latency of each histogram, and the server's RSS and CPU when a pid was given. Immutable.
 *
 * @param epochSecond   the second this sample closes (Unix time)
 * @param sessions      sessions open at that moment
 * @param rates         events counted during the second, by name
 * @param latency       interval latency by histogram name
 * @param serverRssKb   the server's resident memory, or -1
 * @param serverCpuPercent the server's CPU use during the second (100 = one core), or -1
 */
public record Sample(long epochSecond, long sessions, Map<String, Long> rates, Map<String, IntervalLatency> latency,
                     long serverRssKb, double serverCpuPercent) {
    /**
     * Latency during one second, in microseconds, with the encoded interval histogram so processes can be merged.
     */
    public record IntervalLatency(long count, long p50, long p99, long max, String histogram) {
    }
}
